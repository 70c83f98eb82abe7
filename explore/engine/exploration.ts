// What a search is given and what it gives back, shared by the engines and their callers. Its
// own module so that explore.ts (which picks an engine) and the engines import it without
// importing each other.

import type { ComposedModel, EnvironmentStep, StateView } from './model';
import type { Delivery, TransitionObserver } from './step';

export interface ExploreOptions {
  /** Stop after discovering this many states; the result is then incomplete. */
  readonly maxStates?: number;
  /** Asked between slices of the search: a reason to stop now (memory, an interrupt), or null to go on. */
  readonly shouldStop?: () => string | null;
  /** Called about once a second during long runs. */
  readonly onProgress?: (progress: { states: number; transitions: number; frontier: number; seconds: number }) => void;
  /** Sees every distinct transition call of the search; see coverage.ts. */
  readonly observe?: TransitionObserver;
  /**
   * fast (default): table-driven, see fast-engine.ts. reference: asks XState for every event of
   * every step; the fast engine is tested against it.
   */
  readonly engine?: 'fast' | 'reference';
}

export interface Exploration {
  readonly model: ComposedModel;
  readonly actorNames: readonly string[];
  readonly stateCount: number;
  readonly transitionCount: number;
  readonly maxDepth: number;
  /** False when a limit stopped the search: nothing may then be called verified. */
  readonly complete: boolean;
  /** Why the search stopped early ("state limit", "memory limit", "interrupted"), or null. */
  readonly stoppedBecause: string | null;
  /** Environment steps by id. */
  readonly steps: readonly EnvironmentStep[];
  /** Per state: parent state (-1 for the initial state), the step id that reached it, its depth. */
  readonly parent: Int32Array;
  readonly parentStep: Int32Array;
  readonly depth: Int32Array;
  /** Edges in compressed rows: the successors of s are edgeTarget[edgeStart[s] .. edgeStart[s + 1]). */
  readonly edgeStart: Int32Array;
  readonly edgeTarget: Int32Array;
  readonly edgeStep: Int32Array;
  /** States whose successors were computed (all of them when complete). */
  readonly expanded: number;
  view(state: number): StateView;
  /** Re-performs one step from a state, returning the successor's view and what travelled. */
  replayStep(state: number, stepId: number): { view: StateView; deliveries: Delivery[] };
}

/** A search that can be advanced a number of states at a time. */
export interface Search {
  /** Expands up to `budget` states; true when the search is over (finished or stopped). */
  advance(budget: number): boolean;
  result(): Exploration;
}
