// A canonical text for plain data: object keys sorted, so two equal values always give the
// same text whatever order their keys were built in. Rejects what JSON would silently drop
// or mangle (Map, Set, class instances, functions, undefined inside arrays), because a key
// that loses information would merge different states.
//
// Every new local state the search meets is keyed here, so the writer is kept lean: no path
// strings while writing; only when a value is rejected is it walked again to say where.

export function canonicalJson(value: unknown): string {
  try {
    return write(value);
  } catch (error) {
    if (error === rejected) throw new Error(`canonicalJson: ${problemIn(value, '$')}; keep state plain data`);
    throw error;
  }
}

const rejected = new Error('not plain data');
const quotedKeys = new Map<string, string>();

function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, text);
  }
  return text;
}

function write(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw rejected;
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) text += ',';
          const item: unknown = value[i];
          text += item === undefined ? 'null' : write(item);
        }
        return text + ']';
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) throw rejected;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let text = '{';
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) continue;
        if (text.length > 1) text += ',';
        text += quoted(key) + ':' + write(item);
      }
      return text + '}';
    }
    default:
      throw rejected;
  }
}

/** Where in `value` the first thing that is not plain data is, and what it is. */
function problemIn(value: unknown, path: string): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return '';
  if (typeof value === 'number') return Number.isFinite(value) ? '' : `${path} is ${value}, not a finite number`;
  if (typeof value !== 'object') return `${path} is a ${typeof value}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = problemIn(value[i] ?? null, `${path}[${i}]`);
      if (problem) return problem;
    }
    return '';
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return `${path} is a ${prototype?.constructor?.name ?? 'non-plain object'}`;
  for (const [key, item] of Object.entries(value)) {
    const problem = item === undefined ? '' : problemIn(item, `${path}.${key}`);
    if (problem) return problem;
  }
  return '';
}
