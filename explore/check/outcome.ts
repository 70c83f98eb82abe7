// One finished run (exploration, verdicts, coverage), and its comparison with the
// expected-outcome manifest.

import type { PropertyResult, Verdict } from './analysis';
import type { Exploration } from '../engine/explore';
import type { RunSpec } from './run-spec';

export interface RunOutcome {
  readonly spec: RunSpec;
  readonly exploration: Exploration;
  readonly results: readonly PropertyResult[];
  readonly untaken: readonly { chart: string; id: string; reason: string | null }[];
  /** Wall-clock seconds: for the terminal only, never written to results/. */
  readonly seconds: number;
  /** A signal stopped the run (in any phase): its results are partial. */
  readonly interrupted: boolean;
  /** Wall-clock seconds deciding each property (and replaying its traces), by name: terminal and JUnit only. */
  readonly propertySeconds?: Readonly<Record<string, number>>;
}

/** The order verdict counts are printed in, everywhere. */
export const verdictOrder: readonly Verdict[] = ['pass', 'FAIL', 'vacuous', 'inconclusive', 'n/a'];

/** How many results have each verdict, in verdictOrder (every verdict, zero or not). */
export function verdictCounts(results: readonly PropertyResult[]): Record<Verdict, number> {
  const counts = Object.fromEntries(verdictOrder.map((verdict) => [verdict, 0])) as Record<Verdict, number>;
  for (const result of results) counts[result.verdict]++;
  return counts;
}

/** What the manifest records for a run. Lengths are numbers of steps. */
export interface ExpectedRun {
  /** The run's bounds (name → value), when the suite gives them. */
  readonly bounds?: Readonly<Record<string, unknown>>;
  readonly states: number;
  readonly transitions: number;
  readonly verdicts: Readonly<Record<string, string>>;
  readonly counterexampleLengths: Readonly<Record<string, number>>;
}

export interface ExpectedManifest {
  readonly comment?: string;
  readonly runs: Readonly<Record<string, ExpectedRun>>;
}

export function observedRun(outcome: RunOutcome): ExpectedRun {
  const verdicts: Record<string, string> = {};
  const counterexampleLengths: Record<string, number> = {};
  for (const result of outcome.results) {
    verdicts[result.name] = result.verdict;
    if (result.counterexample) counterexampleLengths[result.name] = result.counterexample.steps.length;
  }
  return {
    ...(outcome.spec.bounds ? { bounds: Object.fromEntries(outcome.spec.bounds.map((b) => [b.name, b.value])) } : {}),
    states: outcome.exploration.stateCount,
    transitions: outcome.exploration.transitionCount,
    verdicts,
    counterexampleLengths,
  };
}

/** Every difference between the manifest and what was observed, one readable line each. */
export function compareWithManifest(manifest: ExpectedManifest, outcomes: readonly RunOutcome[]): string[] {
  const differences: string[] = [];
  const seen = new Set<string>();
  for (const outcome of outcomes) {
    const id = outcome.spec.id;
    seen.add(id);
    const expected = manifest.runs[id];
    const observed = observedRun(outcome);
    if (expected === undefined) {
      differences.push(`${id}: not in the manifest`);
      continue;
    }
    if (JSON.stringify(expected.bounds) !== JSON.stringify(observed.bounds)) {
      differences.push(`${id}: expected bounds ${JSON.stringify(expected.bounds ?? {})}, run with ${JSON.stringify(observed.bounds ?? {})}`);
    }
    if (expected.states !== observed.states) differences.push(`${id}: expected ${expected.states} states, found ${observed.states}`);
    if (expected.transitions !== observed.transitions) {
      differences.push(`${id}: expected ${expected.transitions} transitions, found ${observed.transitions}`);
    }
    for (const name of new Set([...Object.keys(expected.verdicts), ...Object.keys(observed.verdicts)])) {
      const want = expected.verdicts[name];
      const got = observed.verdicts[name];
      if (want !== got) differences.push(`${id}: "${name}" expected ${want ?? '(absent)'}, got ${got ?? '(absent)'}`);
    }
    for (const name of new Set([...Object.keys(expected.counterexampleLengths), ...Object.keys(observed.counterexampleLengths)])) {
      const want = expected.counterexampleLengths[name];
      const got = observed.counterexampleLengths[name];
      if (want !== got) differences.push(`${id}: "${name}" counterexample expected ${want ?? 'none'} steps, got ${got ?? 'none'}`);
    }
  }
  for (const id of Object.keys(manifest.runs)) if (!seen.has(id)) differences.push(`${id}: in the manifest but not run`);
  return differences;
}

/**
 * The differences a run cut short by a limit still proves: a property found failing (its
 * counterexample is real, whatever lies beyond the limit) where the manifest expects it not
 * to. Complete runs give every difference.
 */
export function definiteDifferences(manifest: ExpectedManifest, outcomes: readonly RunOutcome[]): string[] {
  const cut = outcomes.filter((o) => !o.exploration.complete);
  // Compared without the cut runs, which the comparison then calls "not run": those lines go.
  const notRun = new Set(cut.map((o) => `${o.spec.id}: in the manifest but not run`));
  const differences = compareWithManifest(manifest, outcomes.filter((o) => o.exploration.complete)).filter((line) => !notRun.has(line));
  for (const outcome of cut) {
    const expected = manifest.runs[outcome.spec.id];
    for (const result of outcome.results) {
      const want = expected?.verdicts[result.name];
      if (result.verdict === 'FAIL' && want !== 'FAIL') differences.push(`${outcome.spec.id}: "${result.name}" expected ${want ?? '(absent)'}, got FAIL within the limit`);
    }
  }
  return differences;
}
