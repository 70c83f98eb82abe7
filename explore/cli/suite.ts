// A verification suite: what a model hands the command line. The checker stays generic: the
// suite names its runs, its options and bounds, and where its expected outcomes live. A suite
// module needs the types of the other stages too; they are re-exported here for it.

import type { BoundLine, MutantRuns, RunSpec } from '../check/run-spec';
import type { Publishing } from '../report/publishing';
import type { BenchPlan } from './bench';
import type { SweepPlan } from './sweep';

/**
 * A command-line option of `check`. Integers are checked against min and max; choices against
 * the list. The list kinds take comma-separated values: `integers` at least one distinct
 * integer, `choices` distinct choices or `none`.
 */
export interface OptionSpec {
  readonly name: string;
  readonly kind: 'integer' | 'choice' | 'integers' | 'choices';
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly defaultValue: OptionValue;
  readonly describe: string;
  /**
   * Why the option has no effect with these values (a few words), or null. Given on the command
   * line where it has no effect, the option is refused (exit 2), never silently ignored.
   */
  readonly notApplied?: (values: OptionValues) => string | null;
}

export type OptionValue = string | number | readonly number[] | readonly string[];

export type OptionValues = Readonly<Record<string, OptionValue>>;

/** A property as `check --list-properties` shows it. */
export interface PropertyInfo {
  readonly name: string;
  readonly kind: string;
  /** Where it applies (e.g. the modes), in words. */
  readonly appliesTo: string;
  /** More on where it does not apply (--json only). */
  readonly note?: string;
}

/**
 * A verification suite: what the checker needs (the options and bounds, the runs, the seeded
 * faults, the sweep and bench plans, the expected outcomes), and what publishing needs.
 */
export interface Suite {
  readonly options: readonly OptionSpec[];
  /** A one-line complaint about a combination of options, or null when they fit together. */
  conflict(values: OptionValues): string | null;
  bounds(values: OptionValues): BoundLine[];
  /** The runs of the verification job, at the default bounds. */
  verifyRuns(): RunSpec[];
  checkRun(values: OptionValues): RunSpec;
  /** Rebuilds the run a results file describes (its group, section and bounds), or says why it cannot. */
  runFor(group: string, section: string, bounds: Readonly<Record<string, unknown>>): RunSpec | string;
  /** The seeded faults of `npm run mutants`. */
  mutants(): MutantRuns[];
  /** The bound sweep of `npm run sweep`. */
  sweepPlan(): SweepPlan;
  /** The ladder of `npm run bench`, if the suite has one. */
  benchPlan?(): BenchPlan;
  /** Every property with its kind and where it applies, in words (`check --list-properties`). */
  propertyCatalogue?(): readonly PropertyInfo[];
  /** The expected-outcome manifest, relative to the working directory. */
  readonly expectedPath: string;
  readonly publishing: Publishing;
}

export { boundText, type BoundLine, type BoundValue, type MutantRuns, type RunSpec } from '../check/run-spec';
export type { Publishing, Story } from '../report/publishing';
