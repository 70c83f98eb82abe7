// The reference engine: a plain breadth-first search that asks XState for every event of every
// step and keys composed states by strings. Slow, and simple enough to trust; the fast engine
// (fast-engine.ts) is tested against it for identical states, edges and numbering.

import type { AnyMachineSnapshot } from 'xstate';
import type { ComposedModel, EnvironmentStep, StateView } from './model';
import type { ExploreOptions, Exploration, Search } from './exploration';
import { initialSnapshots, LocalStates, machinesOf, performStep, snapshotKey, stepFrom } from './step';
import { GrowableInt32 } from './typed-store';

export function startReferenceSearch(model: ComposedModel, options: ExploreOptions): Search {
  const actorNames = model.actors.map((actor) => actor.name);
  const machines = machinesOf(model);
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
      performStep(model, machines, snapshots, step, options.observe);
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
      replayStep: (state, id) => stepFrom(model, machines, viewOf(state), steps[id]!),
    };
  };
  return { advance, result };
}
