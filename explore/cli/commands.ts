// The commands: each runs the pipeline (pipeline.ts) over the suite's runs, prints what it
// found, has publish.ts write it, and says which exit code that is.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { limitsOf, optionValues, UsageError, type Command, type ParsedArgs } from './args';
import { benchMarkdown, runBench, type BenchReport } from './bench';
import { junitXml } from '../report/junit';
import { compareWithManifest, definiteDifferences, observedRun, type ExpectedManifest, type RunOutcome } from '../check/outcome';
import { interruption, runOne, statisticsLine } from '../check/pipeline';
import { checkInspectorUrl, InspectorError, openInspection, type Inspection } from './inspect';
import { checkWritable, publish, verifyFiles, verifyFolders } from './publish';
import { replayFile, ReplayInputError } from './replay-file';
import { provenanceOf, runProvenanceOf } from '../report/provenance';
import { GENERATED, groupJson, groupMarkdown, mutantsMarkdown, type MutantCatch } from '../report/report';
import type { PropertyInfo, Suite } from './suite';
import { summaryObject } from '../report/summary-json';
import { renderSweep, runSweep, runSweepUnits, shardUnits, sweepUnits, unitsClean } from './sweep';
import { parseShard, readShards, shardFileName, shardJson, ShardInputError } from './sweep-shards';

export const exitCodes = { ok: 0, violation: 1, badInput: 2, inconclusive: 3, internalError: 4, interrupted: 130, terminated: 143 } as const;

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
  const json = args.flags.has('json');
  // With --json, stdout carries the JSON alone; every other line goes to stderr.
  const say = json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  // --out DIR writes the results there instead, and leaves the README and the manifest alone.
  const out = outFolderOf(args);
  if (out !== undefined && update) throw new UsageError('--out and --update-expected do not go together: the manifest records the committed results');
  const junit = junitFileOf(args);
  const resultsDir = out ?? suite.publishing.resultsDir;
  const manifest = readManifest(suite.expectedPath, update);
  const writes = { readme: out === undefined, manifest: update };
  checkWritable([...verifyFolders(suite, resultsDir, writes), ...(junit === undefined ? [] : [dirname(junit)])]);

  const outcomes: RunOutcome[] = [];
  for (const spec of suite.verifyRuns()) {
    const outcome = await runOne(spec, limits);
    if (outcome.interrupted) return interrupted('nothing written');
    say(statisticsLine(outcome));
    outcomes.push(outcome);
  }
  const report = (result: string, differences: readonly string[], written: readonly string[]) => {
    if (!json) return;
    console.log(
      JSON.stringify(
        { command: 'verify', result, differences, written, summary: summaryObject(suite.publishing, outcomes), provenance: runProvenanceOf(suite.publishing.modelSources), elapsedSeconds: elapsedSeconds() },
        null,
        2,
      ),
    );
  };

  const incomplete = outcomes.filter((o) => !o.exploration.complete);
  if (incomplete.length > 0) {
    // Nothing of a cut run is written: results/ shows only complete searches.
    const why = incomplete.map((o) => `${o.spec.id} (${o.exploration.stoppedBecause})`).join(', ');
    const differences = manifest === null ? [] : definiteDifferences(manifest, outcomes);
    if (differences.length > 0) {
      say(`\n${differences.length} outcome(s) differ from ${suite.expectedPath} even within the limit:`);
      for (const line of differences) say(`  - ${line}`);
      say(`a limit stopped ${why}; nothing written`);
      report('differs', differences, []);
      return exitCodes.violation;
    }
    say(`\ninconclusive: a limit stopped ${why}; nothing there is verified, nothing written${update ? ` (the manifest is updated only from complete runs)` : ''}`);
    report('inconclusive', [], []);
    return exitCodes.inconclusive;
  }

  // The README is rewritten only when everything else succeeded: a run that differs from the
  // manifest still writes results/ (to be looked at), but leaves the README as committed.
  const differences = update ? [] : compareWithManifest(manifest!, outcomes);
  if (differences.length > 0 && writes.readme) say(`${suite.publishing.readmePath} left as it was: the outcomes differ from ${suite.expectedPath}`);
  const bounds = suite.bounds(optionValues(suite, new Map()));
  const files = await verifyFiles(suite, outcomes, bounds, resultsDir, { ...writes, readme: writes.readme && differences.length === 0 });
  if (junit !== undefined) {
    // With --update-expected the observed outcomes become the expected ones.
    const expectedOf = (id: string) => (update ? observedRun(outcomes.find((o) => o.spec.id === id)!) : manifest!.runs[id]);
    files.set(junit, junitXml(suite.publishing, outcomes, expectedOf));
  }
  await publish(files);
  say(`wrote ${[...files.keys()].join(', ')}`);
  if (update) {
    say(`updated ${suite.expectedPath}`);
    report('updated', [], [...files.keys()]);
    return exitCodes.ok;
  }
  if (differences.length > 0) {
    say(`\n${differences.length} outcome(s) differ from ${suite.expectedPath}:`);
    for (const line of differences) say(`  - ${line}`);
    report('differs', differences, [...files.keys()]);
    return exitCodes.violation;
  }
  say(`\nevery outcome matches ${suite.expectedPath}`);
  report('matches', [], [...files.keys()]);
  return exitCodes.ok;
}

/** Seconds since the process started (tsx and the suite's loading included), to 0.1 s. */
function elapsedSeconds(): number {
  return Math.round(performance.now() / 100) / 10;
}

/** --junit FILE: a file in an existing folder (a missing folder, or a folder given as the file, is bad input). */
function junitFileOf(args: ParsedArgs): string | undefined {
  const file = args.values.get('junit');
  if (file === undefined) return undefined;
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`--junit ${file} is a folder; give a file name, e.g. ${join(file, 'junit.xml')}`);
  if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory()) throw new UsageError(`--junit ${file}: no such folder ${dirname(file)}; create it first`);
  return file;
}

/** The exit code for a signal, after one line saying what was (not) done. */
export function interrupted(what: string): number {
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

/** The catalogue of properties: the suite's own, or the default run's names and kinds. */
function catalogueOf(suite: Suite): readonly PropertyInfo[] {
  return suite.propertyCatalogue?.() ?? suite.checkRun(optionValues(suite, new Map())).properties.map((p) => ({ name: p.name, kind: p.kind, appliesTo: '' }));
}

function listProperties(suite: Suite, args: ParsedArgs): number {
  const others = [...args.values.keys(), ...args.lists.keys()];
  if (others.length > 0) throw new UsageError(`--list-properties explores nothing and takes no other option (got --${others[0]}); drop one of them`);
  const catalogue = catalogueOf(suite);
  if (args.flags.has('json')) {
    console.log(JSON.stringify({ properties: catalogue }, null, 2));
    return exitCodes.ok;
  }
  const width = Math.max(...catalogue.map((p) => p.name.length), 'property'.length);
  const kindWidth = Math.max(...catalogue.map((p) => p.kind.length), 'kind'.length);
  console.log(`${'property'.padEnd(width)}  ${'kind'.padEnd(kindWidth)}  applies to`);
  for (const p of catalogue) console.log(`${p.name.padEnd(width)}  ${p.kind.padEnd(kindWidth)}  ${p.appliesTo}`);
  console.log(`\n${catalogue.length} properties. Check some of them only: npm run check -- --property "${catalogue[0]?.name ?? 'NAME'}" (repeatable).`);
  return exitCodes.ok;
}

async function check(suite: Suite, args: ParsedArgs): Promise<number> {
  if (args.flags.has('list-properties')) return listProperties(suite, args);
  const limits = limitsOf(args);
  const values = optionValues(suite, args.values);
  const fullSpec = suite.checkRun(values);
  // --property NAME (repeatable): only those are analysed; the others are reported as not checked.
  const selected = args.lists.get('property');
  const names = fullSpec.properties.map((p) => p.name);
  const unknown = (selected ?? []).find((name) => !names.includes(name));
  if (unknown !== undefined) throw new UsageError(`--property "${unknown}": no such property; npm run -s check -- --list-properties lists them (quote the name)`);
  const spec = selected === undefined ? fullSpec : { ...fullSpec, properties: fullSpec.properties.filter((p) => selected.includes(p.name)) };
  const notChecked = names.filter((name) => !spec.properties.some((p) => p.name === name));
  const outcome = await runOne(spec, limits);
  const bounds = suite.bounds(values);
  if (args.flags.has('json')) {
    const result = { ...groupJson(spec.group, [outcome]), notChecked, provenance: runProvenanceOf(suite.publishing.modelSources), elapsedSeconds: elapsedSeconds() };
    console.log(JSON.stringify(result, null, 2));
  } else {
    // A check writes no results file: no "Generated by npm run verify" comment.
    const markdown = groupMarkdown(suite.publishing, spec.group, bounds, [outcome]);
    console.log(markdown.startsWith(`${GENERATED}\n`) ? markdown.slice(GENERATED.length + 1) : markdown);
    if (notChecked.length > 0) console.log(`Not checked (not named by --property): ${notChecked.map((name) => `“${name}”`).join(', ')}.\n`);
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
  const target = join(outFolderOf(args) ?? suite.publishing.resultsDir, 'mutants.md');
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
  await publish(new Map([[target, mutantsMarkdown(suite.publishing, caught, survivors)]]));
  if (survivors.length > 0) {
    console.log(`\n${survivors.length} fault(s) change no verdict: ${survivors.join(', ')}. A property is missing.`);
    return exitCodes.violation;
  }
  console.log(`\nall ${caught.length} faults caught`);
  return exitCodes.ok;
}

async function sweep(suite: Suite, args: ParsedArgs): Promise<number> {
  const plan = suite.sweepPlan();
  const { modelHash } = provenanceOf(suite.publishing.modelSources);
  const started = performance.now();
  const shardText = args.values.get('shard');
  const merge = args.lists.get('merge');
  if (shardText !== undefined && merge !== undefined) throw new UsageError('--shard and --merge do not go together: run each shard, then merge their folders');
  const out = outFolderOf(args);
  const log = (line: string) => console.error(`  ${line}`);
  const stop = () => interruption.signal !== null;
  const took = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  try {
    if (shardText !== undefined) {
      // One slice of the sweep: a partial result, into --out DIR (default sweep-shards/, created).
      const shard = parseShard(shardText, plan);
      const target = join(out ?? 'sweep-shards', shardFileName(shard));
      checkWritable([dirname(target)]);
      const results = await runSweepUnits(plan, shardUnits(plan, shard.index, shard.count), log, stop);
      if (results === 'interrupted') return interrupted('nothing written');
      await publish(new Map([[target, shardJson(plan, modelHash, shard, results)]]));
      console.log(`wrote ${target} (shard ${shard.index}/${shard.count}: ${results.size} of ${sweepUnits(plan).length} ladders and searches) in ${took()}`);
      return unitsClean(plan, results) ? exitCodes.ok : exitCodes.violation;
    }
    const target = join(out ?? suite.publishing.resultsDir, 'sweep.md');
    checkWritable([dirname(target)]);
    // Merged shards, or the whole sweep here: the same rendering, so the same bytes.
    const result = merge !== undefined ? renderSweep(plan, readShards(merge, plan, modelHash)) : await runSweep(plan, log, stop);
    if (result === 'interrupted') return interrupted('nothing written');
    await publish(new Map([[target, result.markdown]]));
    console.log(merge !== undefined ? `wrote ${target} from the shards in ${merge.join(', ')}` : `wrote ${target} in ${took()}`);
    return result.clean ? exitCodes.ok : exitCodes.violation;
  } catch (error) {
    if (error instanceof ShardInputError) throw new UsageError(error.message);
    throw error;
  }
}

/** A bench suite may give only its plan (and options): no model sources to hash then. */
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
  console.log(args.flags.has('json') ? JSON.stringify({ ...report, provenance: runProvenanceOf(suite.publishing.modelSources), elapsedSeconds: elapsedSeconds() }, null, 2) : benchMarkdown(report));
  return exitCodes.ok;
}

async function replay(suite: Suite, args: ParsedArgs): Promise<number> {
  if (args.positional.length !== 2) {
    throw new UsageError(`give a results file and a property name, e.g. results/unpatched.json "no deadlock" (got ${args.positional.length} arguments)`);
  }
  const [path, property] = args.positional as [string, string];
  // --inspect / --inspect-url: the real actors of the replay report to an inspector (inspect.ts).
  const inspectUrl = args.values.get('inspect-url');
  if (inspectUrl !== undefined) checkInspectorUrl(inspectUrl);
  let inspection: Inspection | undefined;
  const attach = async () => {
    const opened = await openInspection(inspectUrl, { interrupted: () => interruption.signal !== null });
    if (opened === 'interrupted') return opened;
    inspection = opened;
    return { inspect: opened.inspect };
  };
  try {
    const inspecting = args.flags.has('inspect') || inspectUrl !== undefined;
    const lines = await replayFile(suite, path, property, args.values.get('run'), () => interruption.signal !== null, inspecting ? attach : undefined);
    if (lines === 'interrupted') return interrupted('nothing replayed');
    for (const line of lines) console.log(line);
    if (inspection !== undefined) {
      const sent = inspection;
      inspection = undefined;
      await sent.close();
      console.error('inspector: the replay was sent');
    }
  } catch (error) {
    if (error instanceof ReplayInputError) throw new UsageError(error.message);
    if (error instanceof InspectorError) {
      console.error(`replay: ${error.message}`);
      return exitCodes.internalError;
    }
    throw error;
  } finally {
    await inspection?.close().catch(() => {});
  }
  return exitCodes.ok;
}

export const commands: Record<Command, (suite: Suite, args: ParsedArgs, suitePath: string) => Promise<number> | number> = {
  verify,
  check,
  mutants,
  replay,
  sweep,
  bench: (suite, args, suitePath) => bench(suite, suitePath, args),
};

