// The run pipeline: explore → analyse → replay every trace → coverage, for one run of a suite.
// Every phase gives the event loop a turn often enough that a signal (SIGINT, SIGTERM) is seen
// and the run stops with what it has: the search between slices, the analysis between
// properties, the replays between traces. An interrupted run is never complete.

import { analyse, type PropertyResult } from './analysis';
import { CoverageRecorder, untakenTransitions } from './coverage';
import { exploreInSlices } from '../engine/explore';
import { verdictCounts, type RunOutcome } from './outcome';
import { replayTrace } from './replay';
import type { RunSpec } from './run-spec';

/** Set by a signal handler: every phase stops at its next turn of the event loop. */
export const interruption: { signal: 'SIGINT' | 'SIGTERM' | null } = { signal: null };

/** What may stop a search early. */
export interface Limits {
  readonly maxStates?: number;
  /** Approximate: the process's resident memory, checked between slices of the search. */
  readonly maxMemoryMB?: number;
}

/** Lets pending signal handlers run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function progressPrinter(id: string) {
  return (progress: { states: number; frontier: number; seconds: number }) => {
    if (progress.seconds < 2) return;
    const rate = Math.round(progress.states / progress.seconds);
    process.stderr.write(`  ${id}: ${progress.states} states (${rate}/s), frontier ${progress.frontier}\n`);
  };
}

/**
 * Explores one run, decides its properties, replays every trace through real actors, and
 * (unless told not to) measures coverage. When a signal arrives the outcome is returned at
 * once, marked interrupted, with the properties decided so far.
 */
export async function runOne(spec: RunSpec, limits: Limits = {}, options: { coverage?: boolean } = {}): Promise<RunOutcome> {
  const started = performance.now();
  const recorder = options.coverage === false ? null : new CoverageRecorder(spec.model);
  const exploration = await exploreInSlices(spec.model, {
    ...(limits.maxStates === undefined ? {} : { maxStates: limits.maxStates }),
    shouldStop: () => {
      if (interruption.signal !== null) return 'interrupted';
      if (limits.maxMemoryMB !== undefined && process.memoryUsage.rss() > limits.maxMemoryMB * 1024 * 1024) return 'memory limit';
      return null;
    },
    onProgress: progressPrinter(spec.id),
    ...(recorder ? { observe: recorder.observe } : {}),
  });
  const results: PropertyResult[] = [];
  const propertySeconds: Record<string, number> = {};
  const outcome = (): RunOutcome => ({
    spec,
    exploration,
    results,
    untaken: recorder && interruption.signal === null ? untakenTransitions(spec.model, recorder.taken(), spec.untakenReasons) : [],
    seconds: (performance.now() - started) / 1000,
    interrupted: interruption.signal !== null,
    propertySeconds,
  });
  // Once the analysis has taken 2 s, a line per property (stderr), so a long one is never silent.
  const analysisStarted = performance.now();
  for (const [i, property] of spec.properties.entries()) {
    if (interruption.signal !== null) return outcome();
    const propertyStarted = performance.now();
    if (propertyStarted - analysisStarted >= 2000) {
      process.stderr.write(`  ${spec.id}: property ${i + 1}/${spec.properties.length} "${property.name}" (analysis ${((propertyStarted - analysisStarted) / 1000).toFixed(1)} s so far)\n`);
    }
    const result = analyse(exploration, [property])[0]!;
    await turn();
    if (result.counterexample) replayTrace(exploration, result.counterexample, `${spec.id}: "${result.name}" counterexample`);
    if (result.witness) replayTrace(exploration, result.witness, `${spec.id}: "${result.name}" witness`);
    if (result.illustration) replayTrace(exploration, result.illustration.trace, `${spec.id}: "${result.name}" counterexample ${result.illustration.name}`);
    results.push(result);
    propertySeconds[result.name] = (performance.now() - propertyStarted) / 1000;
  }
  await turn();
  return outcome();
}

/** One line of figures for a finished run. */
export function statisticsLine(outcome: RunOutcome): string {
  const { exploration, seconds } = outcome;
  const rate = Math.round(exploration.stateCount / Math.max(seconds, 1e-6));
  // Always in the same order (verdictOrder), only the verdicts that occur.
  const verdicts = Object.entries(verdictCounts(outcome.results))
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdict}`)
    .join(', ');
  return `${outcome.spec.id.padEnd(28)} ${String(exploration.stateCount).padStart(8)} states ${String(exploration.transitionCount).padStart(9)} transitions  depth ${String(exploration.maxDepth).padStart(3)}  ${seconds.toFixed(1).padStart(5)} s  ${String(rate).padStart(7)} states/s  ${verdicts}`;
}
