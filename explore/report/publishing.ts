// What the reports need from a suite besides the outcomes: the words, the field reports, the
// charts, which counterexample to feature and what to compare it with, where the files go.

import type { AnyStateMachine } from 'xstate';
import type { RunSpec } from '../check/run-spec';

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
