// `replay <results json> <property>`: replays a counterexample from a results file through real
// actors, step by step, printing every machine's state. The file may come from an older run;
// anything that does not fit the current model is refused with one line (exit 2), never
// half-replayed into a misleading story.

import { existsSync, readFileSync } from 'node:fs';
import type { StateView } from './model';
import { resultsSchema } from './report';
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
    parsed.runs.every((run) => isRecord(run) && typeof run.id === 'string' && typeof run.section === 'string' && Array.isArray(run.properties) && isRecord(run.bounds));
  if (!wellFormed) throw new ReplayInputError(`${path} says it is a results file but its group, bounds or runs are malformed; write it again with npm run verify`);
  return parsed as unknown as ResultsJson;
}

/** The run and trace to replay: the one run of the file where the property has a counterexample, or the one --run names. */
function chooseTrace(results: ResultsJson, path: string, property: string, runId: string | undefined): { run: RunJson; trace: TraceJson } {
  const runs = runId === undefined ? results.runs : results.runs.filter((run) => run.id === runId);
  if (runId !== undefined && runs.length === 0) {
    throw new ReplayInputError(`${path} has no run "${runId}"; its runs are ${results.runs.map((r) => `"${r.id}"`).join(', ')}`);
  }
  const known = runs.some((run) => run.properties.some((p) => p.name === property));
  if (!known) throw new ReplayInputError(`${path} has no property "${property}"; quote the name as in the results tables`);
  const failing = runs.filter((run) => run.properties.some((p) => p.name === property && p.counterexample !== undefined));
  if (failing.length === 0) throw new ReplayInputError(`"${property}" has no counterexample in ${path}${runId ? ` (run "${runId}")` : ''}: it did not fail there`);
  if (failing.length > 1) {
    throw new ReplayInputError(`"${property}" fails in several runs of ${path} (${failing.map((r) => `"${r.id}"`).join(', ')}); choose one with --run`);
  }
  const run = failing[0]!;
  const trace = run.properties.find((p) => p.name === property)!.counterexample!;
  if (!Array.isArray(trace.steps) || !trace.steps.every((step) => isRecord(step) && typeof step.label === 'string' && 'event' in step)) {
    throw new ReplayInputError(`the counterexample of "${property}" in ${path} is malformed; write the file again with npm run verify`);
  }
  return { run, trace };
}

/** Replays and prints; returns the lines printed. Throws ReplayInputError for anything that does not fit. */
export function replayFile(suite: Suite, path: string, property: string, runId: string | undefined): string[] {
  const results = readResults(path);
  const { run, trace } = chooseTrace(results, path, property, runId);
  const spec = suite.runFor(results.group, run.section, run.bounds);
  if (typeof spec === 'string') throw new ReplayInputError(`${path} does not fit the current model: ${spec}`);
  const { model } = spec;
  const lines: string[] = [`${run.id}: “${property}”, ${trace.steps.length} steps, replayed through real actors`];
  const describe = (view: StateView) =>
    model.actors.map((actor) => `    ${(model.actorTitles?.[actor.name] ?? actor.name).padEnd(8)} ${model.describeActor(actor.name, view[actor.name]!)}`);
  const runtime = model.startRuntime();
  try {
    lines.push('  0. (start)', ...describe(runtime.snapshots()));
    trace.steps.forEach((step, i) => {
      const view = runtime.snapshots();
      const offered = model.environment(view).find((candidate) => candidate.label === step.label);
      if (offered === undefined || JSON.stringify(offered.payload) !== JSON.stringify(step.event)) {
        throw new ReplayInputError(
          `${path} does not fit the current model: step ${i + 1} ("${step.label}") is not possible there; the file comes from another model version, so run npm run verify again`,
        );
      }
      runtime.perform(offered.payload);
      lines.push(`  ${i + 1}. ${step.label}${trace.loopStart === i ? ' ⟲ (the cycle starts here)' : ''}`, ...describe(runtime.snapshots()));
    });
    const checked = spec.properties.find((p) => p.name === property);
    if (checked?.kind === 'always' && checked.holds(runtime.snapshots())) {
      throw new ReplayInputError(`${path} does not fit the current model: after the replay "${property}" holds; run npm run verify again`);
    }
    lines.push(`Ends: ${trace.ending}.`);
  } finally {
    runtime.stop();
  }
  return lines;
}
