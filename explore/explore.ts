// Breadth-first exploration of a composed system of XState machines, stepped with XState's
// pure API. Each actor's snapshots are interned to small integers; a composed state is the
// tuple of its actors' ids. The search keeps, per state, only its parent, the step that
// reached it and its depth, and the edge list the liveness analysis needs: no path per state.

import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { canonicalJson } from './canonical';
import type { ComposedModel, EnvironmentStep, StateView } from './model';

/** An event as it travelled during a step: from the environment or an actor, to an actor. */
export interface Delivery {
  readonly from: string;
  readonly to: string;
  readonly event: EventObject;
  /** The receiving actor's snapshot did not change (the event was not handled, or handled without effect). */
  ignored?: boolean;
}

/** Sees every (actor, snapshot before, event) the search hands to XState; for transition coverage. */
export type TransitionObserver = (actor: string, before: AnyMachineSnapshot, event: EventObject) => void;

export class ModelError extends Error {}

export interface ExploreOptions {
  /** Stop after discovering this many states; the result is then incomplete. */
  readonly maxStates?: number;
  /** Asked between slices of the search: a reason to stop now (memory, an interrupt), or null to go on. */
  readonly shouldStop?: () => string | null;
  /** Called about once a second during long runs. */
  readonly onProgress?: (progress: { states: number; transitions: number; frontier: number; seconds: number }) => void;
  /** Sees every distinct transition call of the search; see coverage.ts. */
  readonly observe?: TransitionObserver;
  /** Cache transitions (default true); false calls XState for every event: the reference. */
  readonly memoize?: boolean;
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

class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Interns one actor's snapshots: equal keys, one id. */
class LocalStates {
  private readonly ids = new Map<string, number>();
  /** Snapshots already interned, by identity: with the transition cache most come back as the same object. */
  private readonly known = new WeakMap<AnyMachineSnapshot, number>();
  readonly snapshots: AnyMachineSnapshot[] = [];
  constructor(private readonly keyOf: (snapshot: AnyMachineSnapshot) => string) {}
  intern(snapshot: AnyMachineSnapshot): number {
    const seen = this.known.get(snapshot);
    if (seen !== undefined) return seen;
    const key = this.keyOf(snapshot);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.snapshots.length;
      this.ids.set(key, id);
      this.snapshots.push(snapshot);
    }
    this.known.set(snapshot, id);
    return id;
  }
}

/**
 * Remembers (snapshot, event) → (next snapshot, routed events) by object identity. XState's
 * transition() is pure, interned snapshots are shared, and cached results hand back the same
 * event objects, so after a short warm-up most steps are table look-ups. Off, the search calls
 * XState for every event (the reference the cached search is tested against).
 */
export class TransitionCache {
  private readonly results = new WeakMap<AnyMachineSnapshot, Map<EventObject, { after: AnyMachineSnapshot; routed: readonly Delivery[] }>>();
  get(before: AnyMachineSnapshot, event: EventObject) {
    return this.results.get(before)?.get(event);
  }
  set(before: AnyMachineSnapshot, event: EventObject, after: AnyMachineSnapshot, routed: readonly Delivery[]): void {
    let byEvent = this.results.get(before);
    if (byEvent === undefined) this.results.set(before, (byEvent = new Map()));
    byEvent.set(event, { after, routed });
  }
}

export function snapshotKey(model: ComposedModel, actor: string, snapshot: AnyMachineSnapshot): string {
  const key = model.keyOf ? model.keyOf(actor, snapshot) : { status: snapshot.status, value: snapshot.value, context: snapshot.context };
  return canonicalJson(key);
}

/**
 * Delivers queued events one by one with XState's pure transition function, routing what each
 * actor emits to the back of the queue, until nothing is left. Mutates `snapshots`; returns
 * every event that travelled, in order.
 */
function settle(
  model: ComposedModel,
  machines: ReadonlyMap<string, AnyStateMachine>,
  snapshots: Map<string, AnyMachineSnapshot>,
  queue: Delivery[],
  what: string,
  observe?: TransitionObserver,
  cache?: TransitionCache,
): Delivery[] {
  for (let i = 0; i < queue.length; i++) {
    const delivery = queue[i]!;
    const { to, event } = delivery;
    const machine = machines.get(to);
    const before = snapshots.get(to);
    if (machine === undefined || before === undefined) throw new ModelError(`route to unknown actor "${to}"`);
    if (before.status !== 'active') {
      // A real actor that is done (or stopped) takes no more events; XState's pure transition()
      // would still apply root-level transitions to a done snapshot, so it is not called.
      delivery.ignored = true;
      continue;
    }
    const cached = cache?.get(before, event);
    if (cached !== undefined) {
      delivery.ignored = cached.after === before;
      snapshots.set(to, cached.after);
      for (const routed of cached.routed) queue.push({ ...routed });
      continue;
    }
    observe?.(to, before, event);
    const [after, actions] = transition(machine, before, event);
    delivery.ignored = after === before;
    if (after.status === 'error') {
      throw new ModelError(`${to} failed on ${event.type} during ${what}: ${String((after as { error?: unknown }).error)}`);
    }
    snapshots.set(to, after);
    const routed = emittedBy(model, to, actions);
    cache?.set(before, event, after, routed);
    for (const delivery of routed) queue.push({ ...delivery });
    if (queue.length > 10_000) throw new ModelError(`${what} does not settle: more than 10000 events`);
  }
  return queue;
}

function emittedBy(model: ComposedModel, from: string, actions: readonly { type: string; params?: unknown }[]): Delivery[] {
  const routed: Delivery[] = [];
  for (const action of actions) {
    if (action.type !== 'xstate.emit') continue;
    const emitted = (action.params as { event: EventObject }).event;
    for (const target of model.route(from, emitted)) routed.push({ from, ...target });
  }
  return routed;
}

/** Performs one environment step on a set of snapshots (mutated); returns what travelled. */
export function performStep(
  model: ComposedModel,
  machines: ReadonlyMap<string, AnyStateMachine>,
  snapshots: Map<string, AnyMachineSnapshot>,
  step: EnvironmentStep,
  observe?: TransitionObserver,
  cache?: TransitionCache,
): Delivery[] {
  return settle(model, machines, snapshots, [{ from: 'environment', to: step.actor, event: step.event }], `"${step.label}"`, observe, cache);
}

/** The initial snapshots; what the actors emit when they start is routed like any step. */
export function initialSnapshots(
  model: ComposedModel,
  observe?: TransitionObserver,
): { snapshots: Map<string, AnyMachineSnapshot>; deliveries: Delivery[] } {
  const machines = new Map(model.actors.map((actor) => [actor.name, actor.machine]));
  const snapshots = new Map<string, AnyMachineSnapshot>();
  const started: Delivery[] = [];
  for (const actor of model.actors) {
    const [snapshot, actions] = initialTransition(actor.machine, actor.input);
    if (snapshot.status === 'error') {
      throw new ModelError(`${actor.name} failed to start: ${String((snapshot as { error?: unknown }).error)}`);
    }
    snapshots.set(actor.name, snapshot);
    started.push(...emittedBy(model, actor.name, actions));
  }
  return { snapshots, deliveries: settle(model, machines, snapshots, started, 'start', observe) };
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

/** A breadth-first search that can be advanced a number of states at a time. */
function startSearch(model: ComposedModel, options: ExploreOptions): { advance(states: number): boolean; result(): Exploration } {
  const actorNames = model.actors.map((actor) => actor.name);
  const machines = new Map(model.actors.map((actor) => [actor.name, actor.machine]));
  const locals = actorNames.map((name) => new LocalStates((snapshot) => snapshotKey(model, name, snapshot)));
  const width = actorNames.length;

  const tuples = new GrowableInt32();
  const stateIds = new Map<string, number>();
  const parent = new GrowableInt32();
  const parentStep = new GrowableInt32();
  const depth = new GrowableInt32();
  const edgeStart = new GrowableInt32();
  const edgeTarget = new GrowableInt32();
  const edgeStep = new GrowableInt32();
  const steps: EnvironmentStep[] = [];
  const stepIds = new Map<string, number>();

  const stepId = (step: EnvironmentStep): number => {
    let id = stepIds.get(step.label);
    if (id === undefined) {
      id = steps.length;
      stepIds.set(step.label, id);
      steps.push(step);
    }
    return id;
  };

  const viewOf = (state: number): StateView => {
    const view: Record<string, AnyMachineSnapshot> = {};
    for (let i = 0; i < width; i++) view[actorNames[i]!] = locals[i]!.snapshots[tuples.data[state * width + i]!]!;
    return view;
  };

  /** Adds the state if new; returns its index. */
  const addState = (snapshots: Map<string, AnyMachineSnapshot>, from: number, via: number): number => {
    const ids = actorNames.map((name, i) => locals[i]!.intern(snapshots.get(name)!));
    const key = ids.join(',');
    const known = stateIds.get(key);
    if (known !== undefined) return known;
    const index = stateIds.size;
    stateIds.set(key, index);
    for (const id of ids) tuples.push(id);
    parent.push(from);
    parentStep.push(via);
    depth.push(from < 0 ? 0 : depth.data[from]! + 1);
    return index;
  };

  addState(initialSnapshots(model, options.observe).snapshots, -1, -1);

  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const cache = options.memoize === false ? undefined : new TransitionCache();
  const started = Date.now();
  let lastReport = started;
  let head = 0;
  let transitions = 0;
  let stoppedBecause: string | null = null;

  const expandOne = () => {
    edgeStart.push(edgeTarget.length);
    const view = viewOf(head);
    const seen = new Set<number>();
    for (const step of model.environment(view)) {
      const snapshots = new Map(Object.entries(view));
      performStep(model, machines, snapshots, step, options.observe, cache);
      const changed = actorNames.some((name) => snapshots.get(name) !== view[name]);
      if (!changed) continue;
      const id = stepId(step);
      const target = addState(snapshots, head, id);
      if (target === head) continue; // changed objects but not state: not a step
      // Two steps with the same label and target are one edge.
      const edgeKey = target * 65536 + id;
      if (seen.has(edgeKey)) continue;
      seen.add(edgeKey);
      edgeTarget.push(target);
      edgeStep.push(id);
      transitions++;
    }
  };

  /** Expands up to `budget` states; true when the search is over (finished or stopped). */
  const advance = (budget: number): boolean => {
    stoppedBecause = options.shouldStop?.() ?? null;
    for (let n = 0; stoppedBecause === null && head < stateIds.size && n < budget; n++, head++) {
      if (stateIds.size >= maxStates) {
        stoppedBecause = 'state limit';
        break;
      }
      expandOne();
      const now = Date.now();
      if (options.onProgress && now - lastReport >= 1000) {
        lastReport = now;
        options.onProgress({ states: stateIds.size, transitions, frontier: stateIds.size - head - 1, seconds: (now - started) / 1000 });
      }
    }
    return stoppedBecause !== null || head >= stateIds.size;
  };

  const result = (): Exploration => {
    const expanded = head;
    edgeStart.push(edgeTarget.length);

    let maxDepth = 0;
    for (let s = 0; s < depth.length; s++) maxDepth = Math.max(maxDepth, depth.data[s]!);

    return {
      model,
      actorNames,
      stateCount: stateIds.size,
      transitionCount: transitions,
      maxDepth,
      complete: stoppedBecause === null,
      stoppedBecause,
      steps,
      parent: parent.toArray(),
      parentStep: parentStep.toArray(),
      depth: depth.toArray(),
      edgeStart: edgeStart.toArray(),
      edgeTarget: edgeTarget.toArray(),
      edgeStep: edgeStep.toArray(),
      expanded,
      view: viewOf,
      replayStep(state, id) {
        const snapshots = new Map(Object.entries(viewOf(state)));
        const deliveries = performStep(model, machines, snapshots, steps[id]!);
        return { view: Object.fromEntries(snapshots), deliveries };
      },
    };
  };
  return { advance, result };
}
