// One run of the checker: what it explores (a model and its properties), how the reports name
// it, and the bounds it was made with. The input of the check stage; the suite makes them.

import type { ComposedModel, Property } from '../engine/model';

/** One exploration: a model, its properties, and where its results go. */
export interface RunSpec {
  /** Stable name, e.g. "unpatched · twa": keys the expected-outcome manifest. */
  readonly id: string;
  /** The results file it is written to (e.g. the variant). */
  readonly group: string;
  /** Its heading within that file (e.g. the dialogue mode). */
  readonly section: string;
  readonly model: ComposedModel;
  readonly properties: readonly Property[];
  /** Why a chart transition cannot be taken under these bounds, by transition id. */
  readonly untakenReasons?: Readonly<Record<string, string>>;
  /** What the verdicts of this run assume (fairness, what the environment may choose), in words. */
  readonly assumptions?: string;
  /** The bounds of this run, as the reports print them. */
  readonly bounds?: readonly BoundLine[];
}

/** A bound's value, as the results JSON records it: a number, or a list of numbers or names. */
export type BoundValue = number | readonly number[] | readonly string[];

export interface BoundLine {
  readonly name: string;
  readonly value: BoundValue;
  readonly reason: string;
}

/** A bound's value in words, for the reports: 2, {1, 2}, none. */
export function boundText(value: BoundValue): string {
  if (!Array.isArray(value)) return String(value);
  return value.length === 0 ? 'none' : `{${value.join(', ')}}`;
}

/**
 * A seeded fault on top of a base variant: the runs that explore it, in order, each beside the
 * same run of the base. The first run whose verdicts differ from the base's catches it.
 */
export interface MutantRuns {
  readonly name: string;
  readonly fault: string;
  /** The variant the fault is seeded into (its group name). */
  readonly base: string;
  /** Bounds other than the defaults, and why; empty when the defaults show the fault. */
  readonly boundsNote: string;
  readonly runs: readonly { readonly fault: RunSpec; readonly base: RunSpec }[];
}
