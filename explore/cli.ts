// The command line of the checker.
//
//   verify --suite <module> [--max-states N] [--update-expected]
//       Explores every run of the suite at its default bounds, writes results/ and the README's
//       results section, and compares every outcome with the expected-outcome manifest.
//   check --suite <module> [--<option> <value> ...] [--max-states N] [--json]
//       One exploration with the given bounds; writes nothing.
//   bench --suite <module> [--large] [--json]
//       The suite's ladder of growing bounds: the fast engine, SPIN on the Promela twin, and
//       xstate/graph, with figures and ratios (see bench.ts). Writes nothing.
//
// Exit codes (as model checkers use them): 0 all hold / all match, 1 a violation / a mismatch,
// 2 bad input, 3 inconclusive (a limit stopped the search: nothing is called verified),
// 4 a model error (an exception in a guard or action) or a checker bug (a trace that does not replay).

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyse } from './analysis';
import { benchMarkdown, runBench, type BenchReport } from './bench';
import { CoverageRecorder, untakenTransitions } from './coverage';
import { toDot, toMermaid, toSvg } from './diagram';
import { reportHtml } from './html-report';
import { exploreInSlices, ModelError } from './explore';
import { compareWithManifest, observedRun, type ExpectedManifest, type RunOutcome } from './outcome';
import { replayTrace, ReplayError } from './replay';
import { replayFile, ReplayInputError } from './replay-file';
import { runSweep } from './sweep';
import { groupJson, groupMarkdown, mutantsMarkdown, sequenceDiagram, summaryMarkdown, summaryTables, type MutantCatch } from './report';
import type { OptionSpec, OptionValue, OptionValues, RunSpec, Suite } from './suite';

export const exitCodes = { ok: 0, violation: 1, badInput: 2, inconclusive: 3, internalError: 4, interrupted: 130 } as const;

/** Set by SIGINT: the running search stops at its next slice and reports what it has. */
const interruption = { requested: false };

/** What may stop a search early. */
export interface Limits {
  readonly maxStates?: number;
  /** Approximate: the process's resident memory, checked between slices of the search. */
  readonly maxMemoryMB?: number;
}

function limitsOf(args: ParsedArgs): Limits {
  const value = (name: string, min: number, max: number) =>
    args.values.has(name) ? parseInteger(name, args.values.get(name)!, min, max) : undefined;
  const maxStates = value('max-states', 1, 1_000_000_000);
  const maxMemoryMB = value('max-memory', 1, 1_000_000);
  return { ...(maxStates === undefined ? {} : { maxStates }), ...(maxMemoryMB === undefined ? {} : { maxMemoryMB }) };
}

export class UsageError extends Error {}

const README_BEGIN = '<!-- results:begin -->';
const README_END = '<!-- results:end -->';

interface ParsedArgs {
  readonly command: Command;
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
  /** Arguments that are not options (only replay takes them). */
  readonly positional: string[];
}

const commandOptions = {
  verify: { values: ['suite', 'max-states', 'max-memory', 'out'], flags: ['update-expected', 'help'] },
  check: { values: ['suite', 'max-states', 'max-memory'], flags: ['json', 'help'] },
  mutants: { values: ['suite', 'out'], flags: ['help'] },
  replay: { values: ['suite', 'run'], flags: ['help'] },
  sweep: { values: ['suite', 'out'], flags: ['help'] },
  bench: { values: ['suite'], flags: ['json', 'large', 'help'] },
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
  const module = (await import(pathToFileURL(file).href)) as { suite?: Suite };
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
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { runs?: unknown }).runs !== 'object') {
    throw new UsageError(`expected-outcome manifest ${path} has no "runs" object; recreate it with --update-expected`);
  }
  return parsed as ExpectedManifest;
}

/** Writes all files at once: each to a temporary name first, then renamed, so none is half-written. */
function writeAll(files: ReadonlyMap<string, string>): void {
  const temporary = [...files].map(([path, text]) => {
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    return [tmp, path] as const;
  });
  for (const [tmp, path] of temporary) renameSync(tmp, path);
}

function progressPrinter(id: string) {
  return (progress: { states: number; frontier: number; seconds: number }) => {
    if (progress.seconds < 2) return;
    const rate = Math.round(progress.states / progress.seconds);
    process.stderr.write(`  ${id}: ${progress.states} states (${rate}/s), frontier ${progress.frontier}\n`);
  };
}

/** Explores one run, decides its properties, replays every trace through real actors, and (unless told not to) measures coverage. */
export async function runOne(spec: RunSpec, limits: Limits = {}, options: { coverage?: boolean } = {}): Promise<RunOutcome> {
  const started = performance.now();
  const recorder = options.coverage === false ? null : new CoverageRecorder(spec.model);
  const exploration = await exploreInSlices(spec.model, {
    ...(limits.maxStates === undefined ? {} : { maxStates: limits.maxStates }),
    shouldStop: () => {
      if (interruption.requested) return 'interrupted';
      if (limits.maxMemoryMB !== undefined && process.memoryUsage.rss() > limits.maxMemoryMB * 1024 * 1024) return 'memory limit';
      return null;
    },
    onProgress: progressPrinter(spec.id),
    ...(recorder ? { observe: recorder.observe } : {}),
  });
  const results = analyse(exploration, spec.properties);
  for (const result of results) {
    if (result.counterexample) replayTrace(exploration, result.counterexample, `${spec.id}: "${result.name}" counterexample`);
    if (result.witness) replayTrace(exploration, result.witness, `${spec.id}: "${result.name}" witness`);
    if (result.illustration) replayTrace(exploration, result.illustration.trace, `${spec.id}: "${result.name}" counterexample ${result.illustration.name}`);
  }
  const untaken = recorder ? untakenTransitions(spec.model, recorder.taken(), spec.untakenReasons) : [];
  return { spec, exploration, results, untaken, seconds: (performance.now() - started) / 1000 };
}

function statisticsLine(outcome: RunOutcome): string {
  const { exploration, seconds } = outcome;
  const rate = Math.round(exploration.stateCount / Math.max(seconds, 1e-6));
  const counts = new Map<string, number>();
  for (const r of outcome.results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  const verdicts = [...counts].map(([verdict, count]) => `${count} ${verdict}`).join(', ');
  return `${outcome.spec.id.padEnd(28)} ${String(exploration.stateCount).padStart(8)} states ${String(exploration.transitionCount).padStart(9)} transitions  depth ${String(exploration.maxDepth).padStart(3)}  ${seconds.toFixed(1).padStart(5)} s  ${String(rate).padStart(7)} states/s  ${verdicts}`;
}

function readmeSection(suite: Suite, outcomes: readonly RunOutcome[]): string {
  const featured = outcomes.find((o) => o.spec.id === suite.featured.run);
  const result = featured?.results.find((r) => r.name === suite.featured.property);
  const lines = [README_BEGIN, '', summaryTables(outcomes, `${suite.resultsDir}/`)];
  if (featured && result?.counterexample) {
    // The counterexample shaped like the field report when there is one, else the shortest.
    const shaped = result.illustration;
    const trace = shaped?.trace ?? result.counterexample;
    const which = shaped
      ? `the shortest ${shaped.name}, ${trace.steps.length} steps (the shortest of all has ${result.counterexample.steps.length})`
      : `${trace.steps.length} steps`;
    lines.push(
      `The counterexample for “${result.name}” in ${featured.spec.id}, ${which}; [step tables](${suite.resultsDir}/${featured.spec.group}.md):`,
      '',
      '```mermaid',
      sequenceDiagram(featured.exploration, trace),
      '```',
      '',
    );
  }
  lines.push(README_END);
  return lines.join('\n');
}

async function verify(suite: Suite, args: ParsedArgs): Promise<number> {
  const limits = limitsOf(args);
  const update = args.flags.has('update-expected');
  // --out DIR writes the results there instead, and leaves the README and the manifest alone.
  const out = args.values.get('out');
  if (out !== undefined && !existsSync(out)) throw new UsageError(`--out ${out}: no such directory; create it first`);
  if (out !== undefined && update) throw new UsageError('--out and --update-expected do not go together: the manifest records the committed results');
  const resultsDir = out ?? suite.resultsDir;
  const manifest = readManifest(suite.expectedPath, update);
  const bounds = suite.bounds(optionValues(suite, new Map()));

  const outcomes: RunOutcome[] = [];
  for (const spec of suite.verifyRuns()) {
    const outcome = await runOne(spec, limits);
    console.log(statisticsLine(outcome));
    if (outcome.exploration.stoppedBecause === 'interrupted') {
      console.log('\ninterrupted: inconclusive, nothing written');
      return exitCodes.interrupted;
    }
    outcomes.push(outcome);
  }

  const files = new Map<string, string>();
  files.set(join(resultsDir, 'summary.md'), summaryMarkdown(suite, bounds, outcomes));
  for (const group of [...new Set(outcomes.map((o) => o.spec.group))]) {
    const inGroup = outcomes.filter((o) => o.spec.group === group);
    files.set(join(resultsDir, `${group}.md`), groupMarkdown(suite, group, bounds, inGroup));
    files.set(join(resultsDir, `${group}.json`), `${JSON.stringify(groupJson(group, inGroup), null, 2)}\n`);
  }
  // The charts, drawn from their definitions: SVG (offline Graphviz), DOT and Mermaid.
  const chartsDir = join(resultsDir, 'machines');
  if (!existsSync(chartsDir)) mkdirSync(chartsDir);
  const charts: { name: string; svg: string }[] = [];
  for (const { name, machine } of suite.charts) {
    const svg = await toSvg(machine);
    charts.push({ name, svg });
    files.set(join(chartsDir, `${name}.svg`), svg);
    files.set(join(chartsDir, `${name}.dot`), toDot(machine));
    files.set(join(chartsDir, `${name}.mmd`), toMermaid(machine));
  }
  files.set(join(resultsDir, 'report.html'), reportHtml(suite, outcomes, charts, (run) => suite.counterpartOf(run)));
  if (out === undefined && existsSync(suite.readmePath)) {
    const readme = readFileSync(suite.readmePath, 'utf8');
    const begin = readme.indexOf(README_BEGIN);
    const end = readme.indexOf(README_END);
    if (begin >= 0 && end > begin) {
      files.set(suite.readmePath, readme.slice(0, begin) + readmeSection(suite, outcomes) + readme.slice(end + README_END.length));
    } else {
      console.error(`note: ${suite.readmePath} has no ${README_BEGIN} … ${README_END} section; its results were not updated`);
    }
  }
  if (update) {
    const runs = Object.fromEntries(outcomes.map((o) => [o.spec.id, observedRun(o)]));
    const comment = 'Expected outcomes at the default bounds. Change only with a reason, by `npm run verify -- --update-expected`, and review the diff.';
    files.set(suite.expectedPath, `${JSON.stringify({ comment, runs }, null, 2)}\n`);
  }
  writeAll(files);
  console.log(`wrote ${[...files.keys()].join(', ')}`);

  const incomplete = outcomes.filter((o) => !o.exploration.complete).map((o) => o.spec.id);
  if (update) {
    console.log(`updated ${suite.expectedPath}`);
    return incomplete.length > 0 ? exitCodes.inconclusive : exitCodes.ok;
  }
  const differences = compareWithManifest(manifest!, outcomes).filter(
    (line) => !incomplete.some((id) => line.startsWith(`${id}:`)),
  );
  if (differences.length > 0) {
    console.log(`\n${differences.length} outcome(s) differ from ${suite.expectedPath}:`);
    for (const line of differences) console.log(`  - ${line}`);
    return exitCodes.violation;
  }
  if (incomplete.length > 0) {
    const why = outcomes.filter((o) => !o.exploration.complete).map((o) => `${o.spec.id} (${o.exploration.stoppedBecause})`);
    console.log(`\ninconclusive: a limit stopped ${why.join(', ')}; nothing there is verified`);
    return exitCodes.inconclusive;
  }
  console.log(`\nevery outcome matches ${suite.expectedPath}`);
  return exitCodes.ok;
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
  if (outcome.exploration.stoppedBecause === 'interrupted') return exitCodes.interrupted;
  const verdicts = outcome.results.map((r) => r.verdict);
  if (verdicts.includes('FAIL') || verdicts.includes('vacuous')) return exitCodes.violation;
  if (verdicts.includes('inconclusive') || !outcome.exploration.complete) return exitCodes.inconclusive;
  return exitCodes.ok;
}

async function mutants(suite: Suite, args: ParsedArgs): Promise<number> {
  const out = args.values.get('out');
  if (out !== undefined && !existsSync(out)) throw new UsageError(`--out ${out}: no such directory; create it first`);
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
      if (outcome.exploration.stoppedBecause === 'interrupted' || baseOutcome.exploration.stoppedBecause === 'interrupted') return exitCodes.interrupted;
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
  writeAll(new Map([[join(out ?? suite.resultsDir, 'mutants.md'), mutantsMarkdown(suite, caught, survivors)]]));
  if (survivors.length > 0) {
    console.log(`\n${survivors.length} fault(s) change no verdict: ${survivors.join(', ')}. A property is missing.`);
    return exitCodes.violation;
  }
  console.log(`\nall ${caught.length} faults caught`);
  return exitCodes.ok;
}

function sweep(suite: Suite, args: ParsedArgs): number {
  const out = args.values.get('out');
  if (out !== undefined && !existsSync(out)) throw new UsageError(`--out ${out}: no such directory; create it first`);
  const started = performance.now();
  const result = runSweep(suite.sweepPlan(), (line) => console.error(`  ${line}`));
  writeAll(new Map([[join(out ?? suite.resultsDir, 'sweep.md'), result.markdown]]));
  console.log(`wrote ${join(out ?? suite.resultsDir, 'sweep.md')} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
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

function replay(suite: Suite, args: ParsedArgs): number {
  if (args.positional.length !== 2) {
    throw new UsageError(`give a results file and a property name, e.g. results/unpatched.json "no deadlock" (got ${args.positional.length} arguments)`);
  }
  const [path, property] = args.positional as [string, string];
  try {
    for (const line of replayFile(suite, path, property, args.values.get('run'))) console.log(line);
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
    'exit codes: 0 all hold (verify: all match the manifest), 1 a violation (verify: a mismatch),',
    '            2 bad input, 3 inconclusive (a limit stopped the search), 4 a model error or checker bug,',
    '            130 interrupted (SIGINT): inconclusive, with the statistics so far',
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

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...tokens] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help') {
      console.log(usage());
      return exitCodes.ok;
    }
    if (!(command in commandOptions)) {
      throw new UsageError(`unknown command "${command}"; use ${Object.keys(commandOptions).join(', ')} (or --help)`);
    }
    const suite = await loadSuite(suitePathOf(tokens));
    const args = parseArgs(command as Command, tokens, suite);
    process.once('SIGINT', () => {
      interruption.requested = true;
    });
    if (args.flags.has('help')) {
      console.log(usage() + suiteUsage(suite));
      return exitCodes.ok;
    }
    if (command === 'mutants') return await mutants(suite, args);
    if (command === 'replay') return replay(suite, args);
    if (command === 'sweep') return sweep(suite, args);
    if (command === 'bench') return bench(suite, suitePathOf(tokens), args);
    return command === 'verify' ? await verify(suite, args) : await check(suite, args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${command ?? 'explore'}: ${error.message}`);
      return exitCodes.badInput;
    }
    if (error instanceof ReplayError) {
      console.error(`checker bug: ${error.message}`);
      return exitCodes.internalError;
    }
    if (error instanceof ModelError) {
      console.error(`model error: ${error.message}`);
      return exitCodes.internalError;
    }
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
