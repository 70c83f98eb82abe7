// The command line's input: which options each command takes, their parsing and ranges, the
// suite module, and the limits. Anything wrong here is bad input (UsageError, exit 2).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Limits } from '../check/pipeline';
import type { OptionSpec, OptionValue, OptionValues, Suite } from './suite';

export function limitsOf(args: ParsedArgs): Limits {
  const value = (name: string, min: number, max: number) =>
    args.values.has(name) ? parseInteger(name, args.values.get(name)!, min, max) : undefined;
  const maxStates = value('max-states', 1, 1_000_000_000);
  const maxMemoryMB = value('max-memory', 1, 1_000_000);
  return { ...(maxStates === undefined ? {} : { maxStates }), ...(maxMemoryMB === undefined ? {} : { maxMemoryMB }) };
}

export class UsageError extends Error {}

export interface ParsedArgs {
  readonly command: Command;
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
  /** Arguments that are not options (only replay takes them). */
  readonly positional: string[];
  /** Options given more than once (--property) or with several values (--merge A B): every value, in order. */
  readonly lists: Map<string, string[]>;
}

export const commandOptions = {
  verify: { values: ['suite', 'max-states', 'max-memory', 'out', 'junit'], flags: ['update-expected', 'json', 'help', 'debug'] },
  check: { values: ['suite', 'max-states', 'max-memory', 'property'], flags: ['json', 'list-properties', 'help', 'debug'] },
  mutants: { values: ['suite', 'out'], flags: ['help', 'debug'] },
  replay: { values: ['suite', 'run', 'inspect-url'], flags: ['inspect', 'help', 'debug'] },
  sweep: { values: ['suite', 'out', 'shard', 'merge'], flags: ['help', 'debug'] },
  bench: { values: ['suite'], flags: ['json', 'large', 'help', 'debug'] },
} as const;

export type Command = keyof typeof commandOptions;

/** Options that may be given more than once; each time adds a value. */
const repeatable = new Set(['property']);
/** Options that take every value up to the next option: --merge A B C. */
const several = new Set(['merge']);

/** The value of --suite, found before anything else so the suite's own options are known. */
export function suitePathOf(tokens: readonly string[]): string {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === '--suite') return tokens[i + 1] ?? '';
    if (tokens[i]!.startsWith('--suite=')) return tokens[i]!.slice('--suite='.length);
  }
  throw new UsageError('--suite <module> is required');
}

export function parseArgs(command: Command, tokens: readonly string[], suite: Suite): ParsedArgs {
  const valueNames = new Set<string>([...commandOptions[command].values, ...(command === 'check' ? suite.options.map((o) => o.name) : [])]);
  const flagNames = new Set<string>(commandOptions[command].flags);
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  const lists = new Map<string, string[]>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (command === 'replay' && !token.startsWith('--')) {
      positional.push(token);
      continue;
    }
    if (!token.startsWith('--') || token === '--') throw new UsageError(`unexpected argument "${token}"; options look like --name value`);
    const [name, inlineValue] = token.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (flagNames.has(name)) {
      if (inlineValue !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!valueNames.has(name)) throw new UsageError(`unknown option --${name} for ${command}; run with --help to see the options`);
    if (several.has(name)) {
      if (lists.has(name)) throw new UsageError(`--${name} is given twice; give every value after one --${name}`);
      const items = inlineValue !== undefined ? [inlineValue] : [];
      while (i + 1 < tokens.length && !tokens[i + 1]!.startsWith('--')) items.push(tokens[++i]!);
      if (items.length === 0 || items.includes('')) throw new UsageError(`--${name} needs at least one value`);
      lists.set(name, items);
      continue;
    }
    const value = inlineValue ?? tokens[++i];
    if (value === undefined || value === '' || (inlineValue === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (repeatable.has(name)) {
      const list = lists.get(name) ?? [];
      if (list.includes(value)) throw new UsageError(`--${name} "${value}" is given twice`);
      lists.set(name, [...list, value]);
      continue;
    }
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    values.set(name, value);
  }
  values.delete('suite');
  return { command, values, flags, positional, lists };
}

function parseInteger(name: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${text}")`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got ${text})`);
  return value;
}

function parseList(name: string, text: string): string[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new UsageError(`--${name} takes values separated by commas, with none empty (got "${text}")`);
  if (new Set(items).size !== items.length) throw new UsageError(`--${name} names a value twice (got "${text}")`);
  return items;
}

function parseOption(option: OptionSpec, text: string): OptionValue {
  const { name } = option;
  const min = option.min ?? 0;
  const max = option.max ?? Number.MAX_SAFE_INTEGER;
  switch (option.kind) {
    case 'integer':
      return parseInteger(name, text, min, max);
    case 'integers':
      return parseList(name, text)
        .map((item) => parseInteger(name, item, min, max))
        .sort((x, y) => x - y);
    case 'choice':
      if (!option.choices!.includes(text)) throw new UsageError(`--${name} must be one of ${option.choices!.join(', ')} (got "${text}")`);
      return text;
    case 'choices': {
      if (text === 'none') return [];
      const items = parseList(name, text);
      const unknown = items.filter((item) => !option.choices!.includes(item));
      if (unknown.length > 0) throw new UsageError(`--${name} takes none or a comma-separated list of ${option.choices!.join(', ')} (got "${unknown[0]}")`);
      return option.choices!.filter((choice) => items.includes(choice));
    }
  }
}

/** The suite's options with their defaults, overridden by the command line. */
export function optionValues(suite: Suite, given: ReadonlyMap<string, string>): OptionValues {
  const values: Record<string, OptionValue> = {};
  for (const option of suite.options) values[option.name] = option.defaultValue;
  for (const [name, text] of given) {
    const option = suite.options.find((o) => o.name === name);
    if (option === undefined) continue; // a checker option such as --max-states
    values[name] = parseOption(option, text);
  }
  // An option given for a run it has no effect on is refused, never silently ignored.
  for (const name of given.keys()) {
    const reason = suite.options.find((o) => o.name === name)?.notApplied?.(values);
    if (reason) throw new UsageError(`--${name} has no effect here: ${reason}; drop --${name}`);
  }
  const conflict = suite.conflict(values);
  if (conflict !== null) throw new UsageError(conflict);
  return values;
}

export async function loadSuite(path: string): Promise<Suite> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`suite module ${path} not found`);
  let module: { suite?: Suite };
  try {
    module = (await import(pathToFileURL(file).href)) as { suite?: Suite };
  } catch (error) {
    throw new UsageError(`suite module ${path} does not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (module.suite === undefined) throw new UsageError(`suite module ${path} exports no \`suite\``);
  return module.suite;
}

