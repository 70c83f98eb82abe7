// A strict parser for the subset of YAML the CI workflow is written in (no YAML package is
// installed, and none is added for one file): block mappings and sequences by indentation
// (spaces only), `- key: value` items, flow sequences of scalars ([1, 2]), `|` literal blocks,
// quoted and plain scalars, comments. Anything outside the subset (tabs, anchors, tags, flow
// mappings, duplicate keys, a plain scalar holding ": ") is an error, so a file it accepts means
// what it seems to mean; GitHub's parser reads YAML 1.2, of which this is a part.

export type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

export class YamlError extends Error {}

function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:\-\[,]/.test(text[i - 1]!)) quote = c;
    } else if (c === '#' && (i === 0 || text[i - 1] === ' ')) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

function scalar(text: string, line: Line): Yaml {
  if (text.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) throw new YamlError(`line ${line.number}: unterminated or trailing text after "…"`);
    return JSON.parse(text) as string;
  }
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) throw new YamlError(`line ${line.number}: unterminated or trailing text after '…'`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[{&*!%@`|>]/.test(text)) throw new YamlError(`line ${line.number}: "${text}" is outside the YAML subset (flow mapping, anchor, alias, tag or misplaced block)`);
  if (/:\s/.test(text) || text.endsWith(':')) throw new YamlError(`line ${line.number}: plain scalar "${text}" holds ": "; quote it`);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~' || text === '') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function flowSequence(text: string, line: Line): Yaml[] {
  if (!text.endsWith(']')) throw new YamlError(`line ${line.number}: a flow sequence must end on its line with ]`);
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  return inner.split(',').map((item) => {
    const value = item.trim();
    if (value === '' || /[[\]{}]/.test(value)) throw new YamlError(`line ${line.number}: only scalars go in a flow sequence`);
    return scalar(value, line);
  });
}

const keyPattern = /^([A-Za-z0-9_][A-Za-z0-9_.\-/]*|"[^"]*"|'[^']*'):(?:\s+(.*))?$/;

export function parseYaml(source: string): Yaml {
  const lines: Line[] = [];
  const rawLines = source.split('\n');
  rawLines.forEach((raw, i) => {
    if (raw.includes('\t')) throw new YamlError(`line ${i + 1}: a tab; indent with spaces`);
    const text = stripComment(raw);
    if (text.trim() === '') {
      lines.push({ number: i + 1, indent: -1, text: '' });
      return;
    }
    lines.push({ number: i + 1, indent: text.length - text.trimStart().length, text: text.trimStart() });
  });
  let at = 0;
  const skipBlank = () => {
    while (at < lines.length && lines[at]!.indent < 0) at++;
  };

  function literalBlock(parentIndent: number): string {
    const body: string[] = [];
    let indent: number | null = null;
    // The raw lines, so that comments and blank lines inside the block stay as they are.
    while (at < lines.length) {
      const raw = rawLines[lines[at]!.number - 1]!;
      const rawIndent = raw.length - raw.trimStart().length;
      if (raw.trim() !== '' && rawIndent <= parentIndent) break;
      if (raw.trim() !== '') indent ??= rawIndent;
      body.push(raw.trim() === '' ? '' : raw.slice(indent!));
      at++;
    }
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    return `${body.join('\n')}\n`;
  }

  function value(rest: string | undefined, line: Line, indent: number): Yaml {
    if (rest === undefined || rest === '') {
      skipBlank();
      const next = lines[at];
      if (next === undefined || next.indent <= indent) return null;
      return block(next.indent);
    }
    if (rest === '|' || rest === '|-') {
      at++;
      const text = literalBlock(indent);
      return rest === '|-' ? text.replace(/\n$/, '') : text;
    }
    if (rest.startsWith('[')) return flowSequence(rest, line);
    return scalar(rest, line);
  }

  function mapping(indent: number, first: string | null): { [key: string]: Yaml } {
    const result: { [key: string]: Yaml } = {};
    let text = first;
    for (;;) {
      skipBlank();
      const line = lines[at];
      if (text === null) {
        if (line === undefined || line.indent < indent) break;
        if (line.indent > indent) throw new YamlError(`line ${line.number}: indented more than its mapping`);
        text = line.text;
      }
      if (text.startsWith('- ') || text === '-') throw new YamlError(`line ${line!.number}: a sequence item where a key was expected`);
      const match = keyPattern.exec(text);
      if (match === null) throw new YamlError(`line ${line!.number}: "${text}" is not "key: value"`);
      const key = /^["']/.test(match[1]!) ? match[1]!.slice(1, -1) : match[1]!;
      if (Object.hasOwn(result, key)) throw new YamlError(`line ${line!.number}: the key "${key}" is given twice`);
      const rest = match[2];
      if (rest !== '|' && rest !== '|-') at++;
      result[key] = value(rest, line!, indent);
      text = null;
    }
    return result;
  }

  function sequence(indent: number): Yaml[] {
    const result: Yaml[] = [];
    for (;;) {
      skipBlank();
      const line = lines[at];
      if (line === undefined || line.indent < indent) break;
      if (line.indent > indent) throw new YamlError(`line ${line.number}: indented more than its sequence`);
      if (!(line.text.startsWith('- ') || line.text === '-')) break;
      const content = line.text.slice(1).trimStart();
      const itemIndent = indent + (line.text.length - content.length);
      if (content === '') {
        at++;
        result.push(value(undefined, line, indent));
      } else if (keyPattern.test(content)) {
        result.push(mapping(itemIndent, content));
      } else {
        at++;
        result.push(content.startsWith('[') ? flowSequence(content, line) : scalar(content, line));
      }
    }
    return result;
  }

  function block(indent: number): Yaml {
    skipBlank();
    const line = lines[at]!;
    return line.text.startsWith('- ') || line.text === '-' ? sequence(indent) : mapping(indent, null);
  }

  skipBlank();
  if (at >= lines.length) return null;
  if (lines[at]!.indent !== 0) throw new YamlError(`line ${lines[at]!.number}: the document must start at column 0`);
  const document = block(0);
  skipBlank();
  if (at < lines.length) throw new YamlError(`line ${lines[at]!.number}: unexpected "${lines[at]!.text}"`);
  return document;
}
