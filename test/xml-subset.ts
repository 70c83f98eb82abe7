// A strict parser for the XML the checker writes (JUnit): elements, attributes in double
// quotes, text, the five predefined entities and numeric references, an XML declaration.
// Anything else (comments, CDATA, DTDs, an unknown entity, a mismatched tag) is an error.

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, where: number): string {
  return text.replace(/&([^;\s]*);?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw new Error(`offset ${where}: a bare &`);
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    if (!(name in entities)) throw new Error(`offset ${where}: unknown entity &${name};`);
    return entities[name]!;
  });
}

export function parseXml(source: string): XmlElement {
  let at = 0;
  const declaration = /^<\?xml [^?]*\?>\s*/.exec(source);
  if (declaration) at = declaration[0].length;
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(source)) throw new Error('a control character XML 1.0 does not allow');

  function element(): XmlElement {
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(source.slice(at));
    if (open === null) throw new Error(`offset ${at}: expected an element, found ${JSON.stringify(source.slice(at, at + 30))}`);
    const name = open[1]!;
    const attributes: Record<string, string> = {};
    for (const [, key, value] of open[2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (key! in attributes) throw new Error(`offset ${at}: attribute ${key} given twice`);
      attributes[key!] = decode(value!, at);
    }
    at += open[0].length;
    if (open[3] === '/') return { name, attributes, children: [], text: '' };
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const next = source.indexOf('<', at);
      if (next < 0) throw new Error(`<${name}> is never closed`);
      text += decode(source.slice(at, next), at);
      at = next;
      if (source.startsWith('</', at)) {
        const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(source.slice(at));
        if (close === null || close[1] !== name) throw new Error(`offset ${at}: </${close?.[1]}> closes <${name}>`);
        at += close[0].length;
        return { name, attributes, children, text };
      }
      if (source.startsWith('<!', at) || source.startsWith('<?', at)) throw new Error(`offset ${at}: comments, CDATA and processing instructions are outside the subset`);
      children.push(element());
    }
  }

  const root = element();
  if (source.slice(at).trim() !== '') throw new Error(`offset ${at}: content after the root element`);
  return root;
}
