// The command line of the checker: it parses arguments, runs a command, and maps what came out
// to an exit code. The run pipeline is pipeline.ts; writing the results is publish.ts.
//
//   verify --suite <module> [--max-states N] [--update-expected | --out DIR]
//       Explores every run of the suite at its default bounds, writes results/ and the README's
//       results section, and compares every outcome with the expected-outcome manifest. A run
//       cut short by a limit or a signal writes nothing.
//   check --suite <module> [--<option> <value> ...] [--max-states N] [--json]
//       One exploration with the given bounds; writes nothing.
//   mutants, sweep [--out DIR]; replay <results json> <property> [--run ID]
//   bench --suite <module> [--large] [--json]
//       The suite's ladder of growing bounds: the fast engine, SPIN on the Promela twin, and
//       xstate/graph, with figures and ratios (see bench.ts). Writes nothing.
//
// Exit codes: 0 all hold / all match, 1 a violation / a mismatch (also one found inside a cut
// run), 2 bad input, 3 inconclusive (a limit stopped the search: nothing is called verified),
// 4 the tool or the machine failed (results cannot be written, a model error, a checker bug,
// any other internal error), 130 SIGINT, 143 SIGTERM.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchMarkdown, runBench, type BenchReport } from './bench';
import { ModelError } from './explore';
import { compareWithManifest, definiteDifferences, type ExpectedManifest, type RunOutcome } from './outcome';
import { interruption, runOne, statisticsLine, type Limits } from './pipeline';
import { checkWritable, OutputError, publish, PublishInterrupted, verifyFiles, verifyFolders } from './publish';
import { ReplayError } from './replay';
import { replayFile, ReplayInputError } from './replay-file';
import { groupJson, groupMarkdown, mutantsMarkdown, type MutantCatch } from './report';
import type { OptionSpec, OptionValue, OptionValues, Suite } from './suite';
import { runSweep } from './sweep';

export const exitCodes = { ok: 0, violation: 1, badInput: 2, inconclusive: 3, internalError: 4, interrupted: 130, terminated: 143 } as const;

function limitsOf(args: ParsedArgs): Limits {
  const value = (name: string, min: number, max: number) =>
    args.values.has(name) ? parseInteger(name, args.values.get(name)!, min, max) : undefined;
  const maxStates = value('max-states', 1, 1_000_000_000);
  const maxMemoryMB = value('max-memory', 1, 1_000_000);
  return { ...(maxStates === undefined ? {} : { maxStates }), ...(maxMemoryMB === undefined ? {} : { maxMemoryMB }) };
}

export class UsageError extends Error {}

interface ParsedArgs {
  readonly command: Command;
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
  /** Arguments that are not options (only replay takes them). */
  readonly positional: string[];
}

const commandOptions = {
  verify: { values: ['suite', 'max-states', 'max-memory', 'out'], flags: ['update-expected', 'help', 'debug'] },
  check: { values: ['suite', 'max-states', 'max-memory'], flags: ['json', 'help', 'debug'] },
  mutants: { values: ['suite', 'out'], flags: ['help', 'debug'] },
  replay: { values: ['suite', 'run'], flags: ['help', 'debug'] },
  sweep: { values: ['suite', 'out'], flags: ['help', 'debug'] },
  bench: { values: ['suite'], flags: ['json', 'large', 'help', 'debug'] },
} as const;

type Command = keyof typeof commandOptions;

/** The value of --suite, found before anything else so the suite's own options are known. */
function suitePathOf(tokens: readonly string[]): string {
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
    const value = inlineValue ?? tokens[++i];
    if (value === undefined || value === '' || (inlineValue === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    values.set(name, value);
  }
  values.delete('suite');
  return { command, values, flags, positional };
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

function readManifest(path: string, mayBeMissing: boolean): ExpectedManifest | null {
  if (!existsSync(path)) {
    if (mayBeMissing) return null;
    throw new UsageError(`expected-outcome manifest ${path} not found; create it with --update-expected`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`expected-outcome manifest ${path} is not valid JSON (${(error as Error).message}); fix it or recreate it with --update-expected`);
  }
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(parsed) || !isObject(parsed.runs)) {
    throw new UsageError(`expected-outcome manifest ${path} has no "runs" object; recreate it with --update-expected`);
  }
  for (const [id, run] of Object.entries(parsed.runs)) {
    if (!isObject(run) || !isObject(run.verdicts) || !isObject(run.counterexampleLengths) || typeof run.states !== 'number') {
      throw new UsageError(`expected-outcome manifest ${path}: run "${id}" is malformed (it needs states, verdicts and counterexampleLengths); recreate it with --update-expected`);
    }
  }
  return parsed as unknown as ExpectedManifest;
}

async function verify(suite: Suite, args: ParsedArgs): Promise<number> {
  const limits = limitsOf(args);
  const update = args.flags.has('update-expected');
  // --out DIR writes the results there instead, and leaves the README and the manifest alone.
  const out = outFolderOf(args);
  if (out !== undefined && update) throw new UsageError('--out and --update-expected do not go together: the manifest records the committed results');
  const resultsDir = out ?? suite.resultsDir;
  const manifest = readManifest(suite.expectedPath, update);
  const writes = { readme: out === undefined, manifest: update };
  checkWritable(verifyFolders(suite, resultsDir, writes));

  const outcomes: RunOutcome[] = [];
  for (const spec of suite.verifyRuns()) {
    const outcome = await runOne(spec, limits);
    if (outcome.interrupted) return interrupted('nothing written');
    console.log(statisticsLine(outcome));
    outcomes.push(outcome);
  }

  const incomplete = outcomes.filter((o) => !o.exploration.complete);
  if (incomplete.length > 0) {
    // Nothing of a cut run is written: results/ shows only complete searches.
    const why = incomplete.map((o) => `${o.spec.id} (${o.exploration.stoppedBecause})`).join(', ');
    const differences = manifest === null ? [] : definiteDifferences(manifest, outcomes);
    if (differences.length > 0) {
      console.log(`\n${differences.length} outcome(s) differ from ${suite.expectedPath} even within the limit:`);
      for (const line of differences) console.log(`  - ${line}`);
      console.log(`a limit stopped ${why}; nothing written`);
      return exitCodes.violation;
    }
    console.log(`\ninconclusive: a limit stopped ${why}; nothing there is verified, nothing written${update ? ` (the manifest is updated only from complete runs)` : ''}`);
    return exitCodes.inconclusive;
  }

  const bounds = suite.bounds(optionValues(suite, new Map()));
  const files = await verifyFiles(suite, outcomes, bounds, resultsDir, writes);
  await publish(files);
  console.log(`wrote ${[...files.keys()].join(', ')}`);
  if (update) {
    console.log(`updated ${suite.expectedPath}`);
    return exitCodes.ok;
  }
  const differences = compareWithManifest(manifest!, outcomes);
  if (differences.length > 0) {
    console.log(`\n${differences.length} outcome(s) differ from ${suite.expectedPath}:`);
    for (const line of differences) console.log(`  - ${line}`);
    return exitCodes.violation;
  }
  console.log(`\nevery outcome matches ${suite.expectedPath}`);
  return exitCodes.ok;
}

/** The exit code for a signal, after one line saying what was (not) done. */
function interrupted(what: string): number {
  const signal = interruption.signal ?? 'SIGINT';
  console.error(`${signal}: interrupted; inconclusive, ${what}`);
  return signal === 'SIGTERM' ? exitCodes.terminated : exitCodes.interrupted;
}

/** --out DIR: an existing folder (a missing one or a file is bad input). */
function outFolderOf(args: ParsedArgs): string | undefined {
  const out = args.values.get('out');
  if (out === undefined) return undefined;
  if (!existsSync(out)) throw new UsageError(`--out ${out}: no such folder; create it first`);
  if (!statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a file; give a folder`);
  return out;
}

async function check(suite: Suite, args: ParsedArgs): Promise<number> {
  const limits = limitsOf(args);
  const values = optionValues(suite, args.values);
  const spec = suite.checkRun(values);
  const outcome = await runOne(spec, limits);
  const bounds = suite.bounds(values);
  if (args.flags.has('json')) {
    console.log(JSON.stringify(groupJson(spec.group, [outcome]), null, 2));
  } else {
    console.log(groupMarkdown(suite, spec.group, bounds, [outcome]));
  }
  console.error(statisticsLine(outcome));
  if (outcome.exploration.stoppedBecause !== null) console.error(`inconclusive: the search stopped early (${outcome.exploration.stoppedBecause}); nothing is verified`);
  if (outcome.interrupted) return interrupted('nothing is verified');
  const verdicts = outcome.results.map((r) => r.verdict);
  if (verdicts.includes('FAIL') || verdicts.includes('vacuous')) return exitCodes.violation;
  if (verdicts.includes('inconclusive') || !outcome.exploration.complete) return exitCodes.inconclusive;
  return exitCodes.ok;
}

async function mutants(suite: Suite, args: ParsedArgs): Promise<number> {
  const target = join(outFolderOf(args) ?? suite.resultsDir, 'mutants.md');
  checkWritable([dirname(target)]);
  const caught: MutantCatch[] = [];
  const survivors: string[] = [];
  /** The base variant's outcome per run id: several faults share a base at the same bounds. */
  const baseOutcomes = new Map<string, Promise<RunOutcome>>();
  for (const mutant of suite.mutants()) {
    let found: MutantCatch | null = null;
    for (const { fault, base } of mutant.runs) {
      const baseKey = `${base.id} ${mutant.boundsNote}`;
      if (!baseOutcomes.has(baseKey)) baseOutcomes.set(baseKey, runOne(base, {}, { coverage: false }));
      const baseOutcome = await baseOutcomes.get(baseKey)!;
      const outcome = await runOne(fault, {}, { coverage: false });
      if (outcome.interrupted || baseOutcome.interrupted) return interrupted('nothing written');
      const baseVerdict = (name: string) => baseOutcome.results.find((r) => r.name === name)?.verdict;
      // A property the fault makes fail says most about it; any other difference also counts.
      const differing = outcome.results.filter((r) => r.verdict !== baseVerdict(r.name));
      const first = differing.find((r) => r.verdict === 'FAIL') ?? differing[0];
      if (first) {
        found = {
          mutant,
          run: fault,
          property: first.name,
          verdict: first.verdict,
          baseVerdict: baseVerdict(first.name) ?? '(absent)',
          length: first.counterexample?.steps.length ?? null,
          alsoDiffering: differing.filter((r) => r !== first).map((r) => r.name),
          states: outcome.exploration.stateCount,
        };
        break;
      }
    }
    if (found) caught.push(found);
    else survivors.push(mutant.name);
    const verdict = found ? `caught by "${found.property}" (${found.baseVerdict} → ${found.verdict}, ${found.run.section}, ${found.length ?? '-'} steps)` : 'NOT CAUGHT';
    console.log(`${mutant.name.padEnd(44)} on ${mutant.base.padEnd(14)} ${verdict}`);
  }
  await publish(new Map([[target, mutantsMarkdown(suite, caught, survivors)]]));
  if (survivors.length > 0) {
    console.log(`\n${survivors.length} fault(s) change no verdict: ${survivors.join(', ')}. A property is missing.`);
    return exitCodes.violation;
  }
  console.log(`\nall ${caught.length} faults caught`);
  return exitCodes.ok;
}

async function sweep(suite: Suite, args: ParsedArgs): Promise<number> {
  const target = join(outFolderOf(args) ?? suite.resultsDir, 'sweep.md');
  checkWritable([dirname(target)]);
  const started = performance.now();
  const result = await runSweep(suite.sweepPlan(), (line) => console.error(`  ${line}`), () => interruption.signal !== null);
  if (result === 'interrupted') return interrupted('nothing written');
  await publish(new Map([[target, result.markdown]]));
  console.log(`wrote ${target} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return result.clean ? exitCodes.ok : exitCodes.violation;
}

function bench(suite: Suite, suitePath: string, args: ParsedArgs): number {
  if (suite.benchPlan === undefined) throw new UsageError('this suite has no bench plan (benchPlan in its module)');
  let report: BenchReport;
  try {
    report = runBench(suitePath, suite.benchPlan(), { large: args.flags.has('large'), log: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    // A measurement that failed (a child process, spin or gcc): say which, with no figures.
    console.error(`bench: ${(error as Error).message.split('\n')[0]}`);
    return exitCodes.internalError;
  }
  console.log(args.flags.has('json') ? JSON.stringify(report, null, 2) : benchMarkdown(report));
  return exitCodes.ok;
}

async function replay(suite: Suite, args: ParsedArgs): Promise<number> {
  if (args.positional.length !== 2) {
    throw new UsageError(`give a results file and a property name, e.g. results/unpatched.json "no deadlock" (got ${args.positional.length} arguments)`);
  }
  const [path, property] = args.positional as [string, string];
  try {
    const lines = await replayFile(suite, path, property, args.values.get('run'), () => interruption.signal !== null);
    if (lines === 'interrupted') return interrupted('nothing replayed');
    for (const line of lines) console.log(line);
  } catch (error) {
    if (error instanceof ReplayInputError) throw new UsageError(error.message);
    throw error;
  }
  return exitCodes.ok;
}

function usage(): string {
  return [
    'usage:',
    '  npm run verify [-- --max-states N] [--update-expected | --out DIR]',
    '  npm run check -- [--<option> <value> ...] [--max-states N] [--json]',
    '  npm run mutants [-- --out DIR]',
    '  npm run replay -- <results json> <property name> [--run ID]',
    '  npm run sweep [-- --out DIR]',
    '  npm run bench [-- --large] [--json]',
    '',
    'exit codes: 0 all hold (verify: all match the manifest), 1 a violation (verify: a mismatch, also',
    '            a FAIL found inside a cut run), 2 bad input, 3 inconclusive (a limit stopped the search;',
    '            nothing written), 4 the tool or the machine failed (results cannot be written, a model',
    '            error, a checker bug; --debug for the stack), 130 SIGINT, 143 SIGTERM (nothing written)',
    '',
    'limits: --max-states N, --max-memory MB (approximate: resident memory, checked between slices)',
  ].join('\n');
}

function suiteUsage(suite: Suite): string {
  const lines = ['', 'check options:'];
  for (const o of suite.options) {
    const range = {
      integer: `${o.min}..${o.max}`,
      integers: `list of ${o.min}..${o.max}`,
      choice: o.choices?.join('|'),
      choices: `none or list of ${o.choices?.join(',')}`,
    }[o.kind];
    const value = Array.isArray(o.defaultValue) ? (o.defaultValue.length === 0 ? 'none' : o.defaultValue.join(',')) : String(o.defaultValue);
    lines.push(`  --${o.name.padEnd(22)} ${String(range).padEnd(40)} default ${value}. ${o.describe}`);
  }
  return lines.join('\n');
}

const commands: Record<Command, (suite: Suite, args: ParsedArgs, suitePath: string) => Promise<number> | number> = {
  verify: (suite, args) => verify(suite, args),
  check: (suite, args) => check(suite, args),
  mutants: (suite, args) => mutants(suite, args),
  replay: (suite, args) => replay(suite, args),
  sweep: (suite, args) => sweep(suite, args),
  bench: (suite, args, suitePath) => bench(suite, suitePath, args),
};

function onSignal(signal: 'SIGINT' | 'SIGTERM') {
  return () => {
    interruption.signal ??= signal;
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...tokens] = argv;
  const debug = tokens.includes('--debug');
  try {
    if (command === undefined || command === 'help' || command === '--help') {
      console.log(usage());
      return exitCodes.ok;
    }
    if (!Object.hasOwn(commandOptions, command)) {
      throw new UsageError(`unknown command "${command}"; use ${Object.keys(commandOptions).join(', ')} (or --help)`);
    }
    const suitePath = suitePathOf(tokens);
    const suite = await loadSuite(suitePath);
    const args = parseArgs(command as Command, tokens, suite);
    process.on('SIGINT', onSignal('SIGINT'));
    process.on('SIGTERM', onSignal('SIGTERM'));
    if (args.flags.has('help')) {
      console.log(usage() + suiteUsage(suite));
      return exitCodes.ok;
    }
    return await commands[command as Command](suite, args, suitePath);
  } catch (error) {
    const name = command ?? 'explore';
    if (error instanceof UsageError) {
      console.error(`${name}: ${error.message}`);
      return exitCodes.badInput;
    }
    if (error instanceof PublishInterrupted) return interrupted(error.message);
    if (debug) console.error(error);
    if (error instanceof OutputError) console.error(`${name}: ${error.message}`);
    else if (error instanceof ReplayError) console.error(`${name}: checker bug: ${error.message}`);
    else if (error instanceof ModelError) console.error(`${name}: model error: ${error.message}`);
    else console.error(`${name}: internal error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (run again with --debug for the stack)`);
    return exitCodes.internalError;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
