// The fast engine: the same breadth-first search as reference-engine.ts, with XState still the
// only semantics, but every question XState has answered once becomes a table look-up.
//
// - Each actor's snapshots are interned to small integers (local states); events likewise.
// - (actor, local state, event) → (next local state, emitted events as (actor, event) pairs)
//   is asked of XState's transition() once and then remembered in a PairMap.
// - Which environment steps a state offers is a bit mask per local state, ANDed over the
//   actors, when the model gives a factored environment (model.ts); otherwise environment()
//   is asked per state.
// - A composed state is one 32-bit word per actor (its local state), kept in a TupleSet:
//   an open-addressing table over typed arrays. Parents and the step that reached each state
//   are typed-array columns; the edges for the liveness analysis are compressed rows.
//
// So the hot loop allocates nothing per state, and states are numbered exactly as the
// reference engine numbers them (same order of steps, same breadth-first order): a test
// checks identical counts, edges, verdicts and counterexamples.

import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { canonicalJson } from './canonical';
import type { ExploreOptions, Exploration, Search } from './exploration';
import type { ComposedModel, EnvironmentStep, StateView } from './model';
import { deliver, initialSnapshots, LocalStates, machinesOf, maxDeliveriesPerStep, ModelError, snapshotKey, stepFrom } from './step';
import { transitionWithReusedScope } from './reused-scope';
import { GrowableInt32, GrowableUint16, PairMap, TupleSet } from './typed-store';

export interface FastSearchFigures {
  readonly states: number;
  readonly transitions: number;
  /** Bytes of the visited set and the parent columns (allocated, not just used). */
  readonly stateBytes: number;
  /** Interned local states per actor, and remembered transitions (one XState call each). */
  readonly localStates: Readonly<Record<string, number>>;
  readonly rememberedTransitions: number;
  /** Seconds spent computing them: XState's transition() and interning its answers. */
  readonly xstateSeconds: number;
}

export interface FastSearch extends Search {
  figures(): FastSearchFigures;
}

const noParentStep = 0xffff;

/**
 * `recordEdges: false` keeps only what counts states and rebuilds paths (for benchmarks);
 * result() then refuses, because a liveness analysis without edges would be wrong.
 */
export function startFastSearch(model: ComposedModel, options: ExploreOptions, tuning: { recordEdges?: boolean } = {}): FastSearch {
  const recordEdges = tuning.recordEdges ?? true;
  const actorNames = model.actors.map((actor) => actor.name);
  const width = actorNames.length;
  const actorIndex = new Map(actorNames.map((name, i) => [name, i]));
  const machines = model.actors.map((actor) => actor.machine);
  const locals = actorNames.map((name) => new LocalStates((snapshot) => snapshotKey(model, name, snapshot)));

  // --- events and steps ---------------------------------------------------------------
  const events: EventObject[] = [];
  const eventIds = new Map<string, number>();
  const eventIdOf = (event: EventObject): number => {
    const key = canonicalJson(event);
    let id = eventIds.get(key);
    if (id === undefined) {
      id = events.length;
      eventIds.set(key, id);
      events.push(event);
    }
    return id;
  };
  const actorIdOf = (name: string): number => {
    const id = actorIndex.get(name);
    if (id === undefined) throw new ModelError(`route to unknown actor "${name}"`);
    return id;
  };

  const factored = model.factoredEnvironment;
  const steps: EnvironmentStep[] = [];
  const stepActor = new GrowableInt32(64);
  const stepEvent = new GrowableInt32(64);
  const stepIdsByLabel = new Map<string, number>();
  /** As the reference engine does: a step is known by its label; the first one seen names it. */
  const stepIdOf = (step: EnvironmentStep): number => {
    let id = stepIdsByLabel.get(step.label);
    if (id === undefined) {
      id = steps.length;
      if (id >= noParentStep) throw new ModelError(`more than ${noParentStep - 1} distinct environment steps`);
      stepIdsByLabel.set(step.label, id);
      steps.push(step);
      stepActor.push(actorIdOf(step.actor));
      stepEvent.push(eventIdOf(step.event));
    }
    return id;
  };
  /** For each factored step, which actors decide it (a step is offered when all of them offer it). */
  const stepDeciders: Set<number>[] = [];
  if (factored) {
    for (const step of factored.steps) {
      if (stepIdOf(step) !== steps.length - 1) throw new ModelError(`two factored environment steps are labelled "${step.label}"`);
      stepDeciders.push(new Set(factored.decidedBy(step).map(actorIdOf)));
    }
  }
  const maskWords = Math.ceil(steps.length / 32);

  // --- local states: active flag and offered steps, computed once per local state ----------
  const localActive = actorNames.map(() => new GrowableInt32(256));
  const localMasks = actorNames.map(() => new GrowableInt32(256));
  const internLocal = (actor: number, snapshot: AnyMachineSnapshot): number => {
    const id = locals[actor]!.internByKey(snapshot);
    if (id < localActive[actor]!.length) return id;
    localActive[actor]!.push(snapshot.status === 'active' ? 1 : 0);
    // A bit is set when this actor does not decide the step or offers it; a state's steps are
    // the AND of its actors' masks.
    for (let word = 0; word < maskWords; word++) {
      let mask = 0;
      for (let bit = 0; bit < 32; bit++) {
        const k = word * 32 + bit;
        if (k >= stepDeciders.length) continue;
        if (!stepDeciders[k]!.has(actor) || factored!.offers(steps[k]!, actorNames[actor]!, snapshot)) mask |= 1 << bit;
      }
      localMasks[actor]!.push(mask);
    }
    return id;
  };

  // --- remembered transitions ------------------------------------------------------------
  /** The transitions XState takes in the current call, for a coverage observer. */
  const taken: unknown[] = [];
  const pureTransition = transitionWithReusedScope(options.observe ? (transitions) => taken.push(...transitions) : undefined);
  const remembered = actorNames.map(() => new PairMap());
  const resultNext = new GrowableInt32();
  const resultEmitStart = new GrowableInt32();
  const resultEmitEnd = new GrowableInt32();
  /** (actor, event) pairs, in the order the actor emitted them. */
  const emitted = new GrowableInt32();

  let xstateMilliseconds = 0;
  /** `step` names the step in an error message: the first one that needed this transition. */
  const transitionOf = (actor: number, local: number, event: number, step: number): number => {
    const known = remembered[actor]!.get(local, event);
    if (known >= 0) return known;
    const asked = performance.now();
    const name = actorNames[actor]!;
    const before = locals[actor]!.snapshots[local]!;
    taken.length = 0;
    const result = deliver(model, machines[actor]!, name, before, events[event]!, `"${steps[step]!.label}"`, pureTransition)!;
    if (before.status === 'active') options.observe?.(name, before, events[event]!, taken);
    const id = resultNext.length;
    resultNext.push(result.after === before ? local : internLocal(actor, result.after));
    resultEmitStart.push(emitted.length);
    for (const routed of result.routed) {
      emitted.push(actorIdOf(routed.to));
      emitted.push(eventIdOf(routed.event));
    }
    resultEmitEnd.push(emitted.length);
    remembered[actor]!.set(local, event, id);
    xstateMilliseconds += performance.now() - asked;
    return id;
  };

  const queue = new Int32Array(2 * (maxDeliveriesPerStep + 1));
  /** One step on `tuple` (mutated): the event to the actor, then what is emitted, until quiet. */
  const settle = (tuple: Int32Array, actor: number, event: number, step: number): void => {
    queue[0] = actor;
    queue[1] = event;
    let tail = 2;
    for (let head = 0; head < tail; head += 2) {
      const to = queue[head]!;
      const local = tuple[to]!;
      if (localActive[to]!.data[local] === 0) continue; // a done actor takes no events
      const result = transitionOf(to, local, queue[head + 1]!, step);
      tuple[to] = resultNext.data[result]!;
      const end = resultEmitEnd.data[result]!;
      for (let e = resultEmitStart.data[result]!; e < end; e += 2) {
        if (tail >= queue.length) throw new ModelError(`"${steps[step]!.label}" does not settle: more than ${maxDeliveriesPerStep} events`);
        queue[tail++] = emitted.data[e]!;
        queue[tail++] = emitted.data[e + 1]!;
      }
    }
  };

  // --- the search --------------------------------------------------------------------------
  const visited = new TupleSet(width);
  const parent = new GrowableInt32();
  const parentStep = new GrowableUint16();
  const edgeStart = new GrowableInt32();
  const edgeTarget = new GrowableInt32();
  const edgeStep = new GrowableInt32();

  const viewOf = (state: number): StateView => {
    const view: Record<string, AnyMachineSnapshot> = {};
    const base = state * width;
    for (let i = 0; i < width; i++) view[actorNames[i]!] = locals[i]!.snapshots[visited.tuples.data[base + i]!]!;
    return view;
  };

  const current = new Int32Array(width);
  const successor = new Int32Array(width);
  {
    const { snapshots } = initialSnapshots(model, options.observe);
    for (let i = 0; i < width; i++) current[i] = internLocal(i, snapshots.get(actorNames[i]!)!);
    visited.findOrAdd(current);
    parent.push(-1);
    parentStep.push(noParentStep);
  }

  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const started = Date.now();
  let lastReport = started;
  let head = 0;
  let transitions = 0;
  let stoppedBecause: string | null = null;

  const trySuccessor = (state: number, step: number, actor: number, event: number): void => {
    successor.set(current);
    settle(successor, actor, event, step);
    let changed = false;
    for (let i = 0; i < width; i++) if (successor[i] !== current[i]) changed = true;
    if (!changed) return;
    const known = visited.size;
    const target = visited.findOrAdd(successor);
    if (visited.size > known) {
      parent.push(state);
      parentStep.push(step);
    }
    if (recordEdges) {
      // Two steps with the same label and target are one edge (only possible without a factored environment).
      for (let e = edgeStart.data[state]!; e < edgeTarget.length; e++) {
        if (edgeTarget.data[e] === target && edgeStep.data[e] === step) return;
      }
      edgeTarget.push(target);
      edgeStep.push(step);
    }
    transitions++;
  };

  const expand = (state: number): void => {
    if (recordEdges) edgeStart.push(edgeTarget.length);
    const tuples = visited.tuples.data;
    for (let i = 0; i < width; i++) current[i] = tuples[state * width + i]!;
    if (factored) {
      for (let word = 0; word < maskWords; word++) {
        let mask = -1;
        for (let i = 0; i < width; i++) mask &= localMasks[i]!.data[current[i]! * maskWords + word]!;
        while (mask !== 0) {
          const lowest = mask & -mask;
          const step = word * 32 + 31 - Math.clz32(lowest);
          mask ^= lowest;
          trySuccessor(state, step, stepActor.data[step]!, stepEvent.data[step]!);
        }
      }
    } else {
      for (const step of model.environment(viewOf(state))) {
        trySuccessor(state, stepIdOf(step), actorIdOf(step.actor), eventIdOf(step.event));
      }
    }
  };

  const advance = (budget: number): boolean => {
    stoppedBecause = options.shouldStop?.() ?? null;
    for (let n = 0; stoppedBecause === null && head < visited.size && n < budget; n++, head++) {
      if (visited.size >= maxStates) {
        stoppedBecause = 'state limit';
        break;
      }
      expand(head);
      if (options.onProgress && (head & 1023) === 0) {
        const now = Date.now();
        if (now - lastReport >= 1000) {
          lastReport = now;
          options.onProgress({ states: visited.size, transitions, frontier: visited.size - head - 1, seconds: (now - started) / 1000 });
        }
      }
    }
    return stoppedBecause !== null || head >= visited.size;
  };

  const result = (): Exploration => {
    if (!recordEdges) throw new Error('this search kept no edges (recordEdges: false); it can count states but not be analysed');
    const stateCount = visited.size;
    const expanded = head;
    const parents = parent.toArray();
    const steps16 = parentStep.data;
    const parentSteps = new Int32Array(stateCount);
    const depth = new Int32Array(stateCount);
    let maxDepth = 0;
    for (let s = 0; s < stateCount; s++) {
      // Breadth-first: a parent is always numbered before its children.
      parentSteps[s] = steps16[s] === noParentStep ? -1 : steps16[s]!;
      depth[s] = parents[s]! < 0 ? 0 : depth[parents[s]!]! + 1;
      if (depth[s]! > maxDepth) maxDepth = depth[s]!;
    }
    const rowStarts = edgeStart.toArray();
    const edgeStarts = new Int32Array(rowStarts.length + 1);
    edgeStarts.set(rowStarts);
    edgeStarts[rowStarts.length] = edgeTarget.length;
    const machineMap = machinesOf(model);
    return {
      model,
      actorNames,
      stateCount,
      transitionCount: transitions,
      maxDepth,
      complete: stoppedBecause === null,
      stoppedBecause,
      steps,
      parent: parents,
      parentStep: parentSteps,
      depth,
      edgeStart: edgeStarts,
      edgeTarget: edgeTarget.toArray(),
      edgeStep: edgeStep.toArray(),
      expanded,
      view: viewOf,
      replayStep: (state, id) => stepFrom(model, machineMap, viewOf(state), steps[id]!),
    };
  };

  const figures = (): FastSearchFigures => ({
    states: visited.size,
    transitions,
    stateBytes: visited.bytes + parent.bytes + parentStep.bytes,
    localStates: Object.fromEntries(actorNames.map((name, i) => [name, locals[i]!.snapshots.length])),
    rememberedTransitions: resultNext.length,
    xstateSeconds: xstateMilliseconds / 1000,
  });

  return { advance, result, figures };
}
