// A verification suite: what a model hands the command line. The checker stays generic: the
// suite names its runs, its options and bounds, and where its expected outcomes live.

import type { AnyStateMachine } from 'xstate';
import type { ComposedModel, Property } from './model';
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

/** A field report the suite reproduces, told for a design review at the top of report.html. */
export interface Story {
  /** E.g. "KB Q166594: the Turn is lost on recovery". */
  readonly title: string;
  /** What happens, in a few plain sentences (three read well). */
  readonly sentences: readonly string[];
  /** The counterexample that shows it, linked from the story: a run id and a property name. */
  readonly shownBy?: { readonly run: string; readonly property: string };
}

/**
 * What publishing needs: the words, the field reports, the charts, which counterexample to
 * feature and what to compare it with, where the files go, and what the provenance hashes.
 */
export interface Publishing {
  readonly title: string;
  /** Paragraphs printed under the title of every report. */
  readonly introduction: readonly string[];
  /** Optional: the field reports the suite reproduces, told at the top of report.html. */
  readonly stories?: readonly Story[];
  /** The charts drawn into results/machines/ (name → machine). */
  readonly charts: readonly { readonly name: string; readonly machine: AnyStateMachine }[];
  /** The run a buggy run is compared with in the report (the patched model, say), or null. */
  counterpartOf(run: RunSpec): RunSpec | null;
  /** The counterexample the README shows: a run id and a property name. */
  readonly featured: { readonly run: string; readonly property: string };
  /**
   * Why `property` is expected to fail in `run` (e.g. the bug report it reproduces), or null:
   * JUnit reports an expected failure as passed, with this reason.
   */
  knownFailure?(run: RunSpec, property: string): string | null;
  /** The model's source files (not its harness), hashed into the results' provenance. */
  readonly modelSources: readonly string[];
  /** Files, relative to the working directory. */
  readonly resultsDir: string;
  readonly readmePath: string;
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
