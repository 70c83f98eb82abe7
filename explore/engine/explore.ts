// Stage 1 of 4, engine/: the search. Given a ComposedModel (model.ts: actors, environment
// steps, how to key a state), it walks every reachable state of the composed XState machines,
// stepping them with XState's pure API (step.ts), with canonical keys (canonical.ts) and
// compact stores (typed-store.ts). Nothing here knows what a property or a report is.
//
// Breadth-first exploration of a composed system of XState machines, stepped with XState's
// pure API. Two engines give the same Exploration: the fast one (fast-engine.ts) for every run,
// the reference one (reference-engine.ts) to test it against. The search keeps, per state,
// only its parent, the step that reached it and its depth, and the edge list the liveness
// analysis needs: no path per state.

import type { ComposedModel } from './model';
import type { Exploration, ExploreOptions, Search } from './exploration';
import { startFastSearch } from './fast-engine';
import { startReferenceSearch } from './reference-engine';

export type { Exploration, ExploreOptions, Search } from './exploration';

export { initialSnapshots, ModelError, performStep, snapshotKey, type Delivery, type TransitionObserver } from './step';

function startSearch(model: ComposedModel, options: ExploreOptions): Search {
  return options.engine === 'reference' ? startReferenceSearch(model, options) : startFastSearch(model, options);
}

/** Explores everything at once. */
export function explore(model: ComposedModel, options: ExploreOptions = {}): Exploration {
  const search = startSearch(model, options);
  while (!search.advance(Number.POSITIVE_INFINITY));
  return search.result();
}

/** Explores in slices, letting the event loop run in between (so a SIGINT handler can ask it to stop). */
export async function exploreInSlices(model: ComposedModel, options: ExploreOptions = {}): Promise<Exploration> {
  const search = startSearch(model, options);
  while (!search.advance(2000)) await new Promise((resolve) => setImmediate(resolve));
  return search.result();
}
