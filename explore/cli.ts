// The command line of the checker.
//
//   verify --suite <module> [--max-states N] [--update-expected]
//       Explores every run of the suite at its default bounds, writes results/ and the README's
//       results section, and compares every outcome with the expected-outcome manifest.
//   check --suite <module> [--<option> <value> ...] [--max-states N] [--json]
//       One exploration with the given bounds; writes nothing.
//
// Exit codes (as model checkers use them): 0 all hold / all match, 1 a violation / a mismatch,
// 2 bad input, 3 inconclusive (a limit stopped the search: nothing is called verified),
// 4 a model error (an exception in a guard or action) or a checker bug (a trace that does not replay).

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyse } from './analysis';
import { CoverageRecorder, untakenTransitions } from './coverage';
import { explore, ModelError } from './explore';
import { compareWithManifest, observedRun, type ExpectedManifest, type RunOutcome } from './outcome';
import { replayTrace, ReplayError } from './replay';
import { groupJson, groupMarkdown, sequenceDiagram, summaryMarkdown, summaryTables } from './report';
import type { OptionValues, RunSpec, Suite } from './suite';

export const exitCodes = { ok: 0, violation: 1, badInput: 2, inconclusive: 3, internalError: 4 } as const;

export class UsageError extends Error {}

const README_BEGIN = '<!-- results:begin -->';
const README_END = '<!-- results:end -->';

interface ParsedArgs {
  readonly command: 'verify' | 'check';
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
}

const commandOptions = {
  verify: { values: ['suite', 'max-states', 'out'], flags: ['update-expected', 'help'] },
  check: { values: ['suite', 'max-states'], flags: ['json', 'help'] },
} as const;

/** The value of --suite, found before anything else so the suite's own options are known. */
function suitePathOf(tokens: readonly string[]): string {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === '--suite') return tokens[i + 1] ?? '';
    if (tokens[i]!.startsWith('--suite=')) return tokens[i]!.slice('--suite='.length);
  }
  throw new UsageError('--suite <module> is required');
}

export function parseArgs(command: 'verify' | 'check', tokens: readonly string[], suite: Suite): ParsedArgs {
  const valueNames = new Set<string>([...commandOptions[command].values, ...(command === 'check' ? suite.options.map((o) => o.name) : [])]);
  const flagNames = new Set<string>(commandOptions[command].flags);
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
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
  return { command, values, flags };
}

function parseInteger(name: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${text}")`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got ${text})`);
  return value;
}

/** The suite's options with their defaults, overridden by the command line. */
export function optionValues(suite: Suite, given: ReadonlyMap<string, string>): OptionValues {
  const values: Record<string, string | number> = {};
  for (const option of suite.options) values[option.name] = option.defaultValue;
  for (const [name, text] of given) {
    const option = suite.options.find((o) => o.name === name);
    if (option === undefined) continue; // a checker option such as --max-states
    if (option.kind === 'integer') values[name] = parseInteger(name, text, option.min ?? 0, option.max ?? Number.MAX_SAFE_INTEGER);
    else if (!option.choices!.includes(text)) throw new UsageError(`--${name} must be one of ${option.choices!.join(', ')} (got "${text}")`);
    else values[name] = text;
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

/** Explores one run, decides its properties, replays every trace through real actors, and measures coverage. */
export function runOne(spec: RunSpec, maxStates?: number): RunOutcome {
  const started = performance.now();
  const recorder = new CoverageRecorder(spec.model);
  const exploration = explore(spec.model, {
    ...(maxStates === undefined ? {} : { maxStates }),
    onProgress: progressPrinter(spec.id),
    observe: recorder.observe,
  });
  const results = analyse(exploration, spec.properties);
  for (const result of results) {
    if (result.counterexample) replayTrace(exploration, result.counterexample, `${spec.id}: "${result.name}" counterexample`);
    if (result.witness) replayTrace(exploration, result.witness, `${spec.id}: "${result.name}" witness`);
  }
  const untaken = untakenTransitions(spec.model, recorder.taken(), spec.untakenReasons);
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
    lines.push(
      `The counterexample for “${result.name}” in ${featured.spec.id} (${result.counterexample.steps.length} steps; [step table](${suite.resultsDir}/${featured.spec.group}.md)):`,
      '',
      '```mermaid',
      sequenceDiagram(featured.exploration, result.counterexample),
      '```',
      '',
    );
  }
  lines.push(README_END);
  return lines.join('\n');
}

async function verify(suite: Suite, args: ParsedArgs): Promise<number> {
  const maxStates = args.values.has('max-states') ? parseInteger('max-states', args.values.get('max-states')!, 1, 1_000_000_000) : undefined;
  const update = args.flags.has('update-expected');
  // --out DIR writes the results there instead, and leaves the README and the manifest alone.
  const out = args.values.get('out');
  if (out !== undefined && !existsSync(out)) throw new UsageError(`--out ${out}: no such directory; create it first`);
  if (out !== undefined && update) throw new UsageError('--out and --update-expected do not go together: the manifest records the committed results');
  const resultsDir = out ?? suite.resultsDir;
  const manifest = readManifest(suite.expectedPath, update);
  const bounds = suite.bounds(optionValues(suite, new Map()));

  const outcomes = suite.verifyRuns().map((spec) => {
    const outcome = runOne(spec, maxStates);
    console.log(statisticsLine(outcome));
    return outcome;
  });

  const files = new Map<string, string>();
  files.set(join(resultsDir, 'summary.md'), summaryMarkdown(suite, bounds, outcomes));
  for (const group of [...new Set(outcomes.map((o) => o.spec.group))]) {
    const inGroup = outcomes.filter((o) => o.spec.group === group);
    files.set(join(resultsDir, `${group}.md`), groupMarkdown(suite, group, bounds, inGroup));
    files.set(join(resultsDir, `${group}.json`), `${JSON.stringify(groupJson(group, bounds, inGroup), null, 2)}\n`);
  }
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
    console.log(`\ninconclusive: the state limit stopped ${incomplete.join(', ')}; nothing there is verified`);
    return exitCodes.inconclusive;
  }
  console.log(`\nevery outcome matches ${suite.expectedPath}`);
  return exitCodes.ok;
}

async function check(suite: Suite, args: ParsedArgs): Promise<number> {
  const maxStates = args.values.has('max-states') ? parseInteger('max-states', args.values.get('max-states')!, 1, 1_000_000_000) : undefined;
  const values = optionValues(suite, args.values);
  const spec = suite.checkRun(values);
  const outcome = runOne(spec, maxStates);
  const bounds = suite.bounds(values);
  if (args.flags.has('json')) {
    console.log(JSON.stringify(groupJson(spec.group, bounds, [outcome]), null, 2));
  } else {
    console.log(groupMarkdown(suite, spec.group, bounds, [outcome]));
  }
  console.error(statisticsLine(outcome));
  const verdicts = outcome.results.map((r) => r.verdict);
  if (verdicts.includes('FAIL') || verdicts.includes('vacuous')) return exitCodes.violation;
  if (verdicts.includes('inconclusive') || !outcome.exploration.complete) return exitCodes.inconclusive;
  return exitCodes.ok;
}

function usage(): string {
  return [
    'usage:',
    '  npm run verify [-- --max-states N] [--update-expected | --out DIR]',
    '  npm run check -- [--<option> <value> ...] [--max-states N] [--json]',
    '',
    'exit codes: 0 all hold (verify: all match the manifest), 1 a violation (verify: a mismatch),',
    '            2 bad input, 3 inconclusive (a limit stopped the search), 4 a model error or checker bug',
  ].join('\n');
}

function suiteUsage(suite: Suite): string {
  const lines = ['', 'check options:'];
  for (const o of suite.options) {
    const range = o.kind === 'integer' ? `${o.min}..${o.max}` : o.choices!.join('|');
    lines.push(`  --${o.name.padEnd(22)} ${range.padEnd(40)} default ${o.defaultValue}. ${o.describe}`);
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
    if (command !== 'verify' && command !== 'check') throw new UsageError(`unknown command "${command}"; use verify or check (or --help)`);
    const suite = await loadSuite(suitePathOf(tokens));
    const args = parseArgs(command, tokens, suite);
    if (args.flags.has('help')) {
      console.log(usage() + suiteUsage(suite));
      return exitCodes.ok;
    }
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
