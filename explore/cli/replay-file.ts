// `replay <results json> <property>`: replays a counterexample from a results file through real
// actors, step by step, printing every machine's state, and decides afresh what its end shows.
// The file may come from an older run, or be edited by hand; anything that does not fit the
// current model, and any trace that does not show the failure it claims, is refused with one
// line (exit 2), never half-replayed into a misleading story.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { endingShown, successorsOf, type Trace } from '../check/analysis';
import { exploreInSlices } from '../engine/explore';
import type { RuntimeOptions, StateView } from '../engine/model';
import { replayTrace } from '../check/replay';
import { resultsSchema } from '../report/report';
import type { Suite } from './suite';

export class ReplayInputError extends Error {}

interface TraceJson {
  readonly length: number;
  readonly ending: string;
  readonly loopStart?: number;
  readonly steps: readonly { readonly label: string; readonly event: unknown }[];
}

interface RunJson {
  readonly id: string;
  readonly section: string;
  /** The run's bounds, by name. */
  readonly bounds: Readonly<Record<string, unknown>>;
  readonly properties: readonly { readonly name: string; readonly kind: string; readonly verdict: string; readonly counterexample?: TraceJson }[];
}

interface ResultsJson {
  readonly schema: string;
  readonly group: string;
  readonly runs: readonly RunJson[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readResults(path: string): ResultsJson {
  if (!existsSync(path)) throw new ReplayInputError(`${path} not found; give a results file such as results/unpatched.json`);
  // A FIFO or a device would block the read, a folder cannot be read.
  if (!statSync(path).isFile()) throw new ReplayInputError(`${path} is not a regular file; give a results file such as results/unpatched.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReplayInputError(`${path} is not valid JSON (${(error as Error).message.split('\n')[0]}); give a file written by npm run verify or check --json`);
  }
  if (isRecord(parsed) && parsed.schema === 'xstate-explorer/results/v1') {
    throw new ReplayInputError(`${path} is a results file of schema v1 (bounds as text, one table per file), which this checker no longer reads; write it again with npm run verify`);
  }
  if (!isRecord(parsed) || parsed.schema !== resultsSchema) {
    const schema = isRecord(parsed) ? JSON.stringify(parsed.schema) : 'none';
    throw new ReplayInputError(`${path} is not a results file of this checker (schema ${schema}, expected "${resultsSchema}")`);
  }
  const wellFormed =
    typeof parsed.group === 'string' &&
    Array.isArray(parsed.runs) &&
    parsed.runs.every(
      (run) =>
        isRecord(run) &&
        typeof run.id === 'string' &&
        typeof run.section === 'string' &&
        isRecord(run.bounds) &&
        Array.isArray(run.properties) &&
        run.properties.every((p) => isRecord(p) && typeof p.name === 'string' && typeof p.verdict === 'string'),
    );
  if (!wellFormed) throw new ReplayInputError(`${path} says it is a results file but its group, bounds or runs are malformed; write it again with npm run verify`);
  return parsed as unknown as ResultsJson;
}

/**
 * The run and trace to replay: the one --run names, else the one run of the file where the
 * property has a counterexample, else (several) the suite's featured run when it is among them.
 */
function chooseTrace(results: ResultsJson, path: string, property: string, runId: string | undefined, featured: Suite['publishing']['featured']): { run: RunJson; verdict: string; trace: TraceJson } {
  const runs = runId === undefined ? results.runs : results.runs.filter((run) => run.id === runId);
  if (runId !== undefined && runs.length === 0) {
    throw new ReplayInputError(`${path} has no run "${runId}"; its runs are ${results.runs.map((r) => `"${r.id}"`).join(', ')}`);
  }
  const known = runs.some((run) => run.properties.some((p) => p.name === property));
  if (!known) throw new ReplayInputError(`${path} has no property "${property}"; quote the name as in the results tables`);
  const failing = runs.filter((run) => run.properties.some((p) => p.name === property && p.counterexample !== undefined));
  if (failing.length === 0) throw new ReplayInputError(`"${property}" has no counterexample in ${path}${runId ? ` (run "${runId}")` : ''}: it did not fail there`);
  const featuredRun = property === featured.property ? failing.find((run) => run.id === featured.run) : undefined;
  if (failing.length > 1 && featuredRun === undefined) {
    throw new ReplayInputError(`"${property}" fails in several runs of ${path} (${failing.map((r) => `"${r.id}"`).join(', ')}); choose one with --run`);
  }
  const run = failing.length > 1 ? featuredRun! : failing[0]!;
  const entry = run.properties.find((p) => p.name === property)!;
  const trace = entry.counterexample!;
  if (!Array.isArray(trace.steps) || !trace.steps.every((step) => isRecord(step) && typeof step.label === 'string' && 'event' in step)) {
    throw new ReplayInputError(`the counterexample of "${property}" in ${path} is malformed; write the file again with npm run verify`);
  }
  return { run, verdict: entry.verdict, trace };
}

/**
 * Replays and prints; returns the lines printed. Throws ReplayInputError for anything that does
 * not fit, and for a trace that does not show what it claims. Nothing about the ending is read
 * from the file: the run is explored again at the file's bounds, the steps are followed in it
 * and through real actors, and what the last state shows is decided afresh. `attach`, when
 * given, is called once the trace is known to fit, and its options start the real actors (an
 * inspector, say).
 */
export async function replayFile(
  suite: Suite,
  path: string,
  property: string,
  runId: string | undefined,
  interrupted: () => boolean = () => false,
  attach?: () => Promise<RuntimeOptions | 'interrupted'>,
): Promise<string[] | 'interrupted'> {
  const results = readResults(path);
  const { run, verdict, trace } = chooseTrace(results, path, property, runId, suite.publishing.featured);
  const spec = suite.runFor(results.group, run.section, run.bounds);
  if (typeof spec === 'string') throw new ReplayInputError(`${path} does not fit the current model: ${spec}`);
  const checked = spec.properties.find((p) => p.name === property);
  if (checked === undefined) throw new ReplayInputError(`${path} does not fit the current model: it has no property "${property}"`);
  const claim = (why: string) => new ReplayInputError(`${path}: the counterexample of "${property}" in "${run.id}" does not show what it claims: ${why}`);
  if (verdict !== 'FAIL') throw claim(`its verdict is "${verdict}", yet it has a counterexample`);

  const exploration = await exploreInSlices(spec.model, { shouldStop: () => (interrupted() ? 'interrupted' : null) });
  if (interrupted()) return 'interrupted';
  const states = [0];
  const steps: number[] = [];
  trace.steps.forEach((step, i) => {
    const here = states[states.length - 1]!;
    const edge = successorsOf(exploration, here).find(
      ({ step: id }) => exploration.steps[id]!.label === step.label && JSON.stringify(exploration.steps[id]!.payload) === JSON.stringify(step.event),
    );
    if (edge === undefined) {
      throw new ReplayInputError(
        `${path} does not fit the current model: step ${i + 1} ("${step.label}") is not possible there; the file comes from another model version, so run npm run verify again`,
      );
    }
    states.push(edge.target);
    steps.push(edge.step);
  });
  if (trace.loopStart !== undefined && (!Number.isInteger(trace.loopStart) || trace.loopStart < 0 || trace.loopStart >= steps.length)) {
    throw claim(`its cycle starts at step ${String(trace.loopStart)}, outside its ${steps.length} steps`);
  }
  const shown: Trace = { states, steps, ending: '', ...(trace.loopStart === undefined ? {} : { loopStart: trace.loopStart }) };
  const ending = endingShown(exploration, checked, shown);
  if (ending === null) throw claim(`after its ${steps.length} steps the property is not shown to fail`);
  // The same steps through real actors: they must reach the same states.
  const runtimeOptions = attach === undefined ? {} : await attach();
  if (runtimeOptions === 'interrupted') return 'interrupted';
  replayTrace(exploration, shown, `${run.id}: "${property}" counterexample from ${path}`, runtimeOptions);

  const { model } = spec;
  const lines: string[] = [`${run.id}: “${property}”, ${steps.length} steps, replayed through real actors`];
  const describe = (s: number) => {
    const view: StateView = exploration.view(s);
    return model.actors.map((actor) => `    ${(model.presentation.actorTitles?.[actor.name] ?? actor.name).padEnd(8)} ${model.presentation.describeActor(actor.name, view[actor.name]!)}`);
  };
  lines.push('  0. (start)', ...describe(0));
  steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${exploration.steps[step]!.label}${trace.loopStart === i ? ' ⟲ (the cycle starts here)' : ''}`, ...describe(states[i + 1]!));
  });
  lines.push(`Ends (checked on the run explored again): ${ending}.`);
  return lines;
}
