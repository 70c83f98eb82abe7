// The composed system as one XState logic, so xstate/graph's getAdjacencyMap can walk it: the
// logic's state is every actor's snapshot, its events are the environment steps by label, and
// a step is performed as the engines perform it (XState's public transition(), routed). This
// is how a user of xstate/graph would explore a composed system; the test that the explorers
// find the same states and the benchmark's comparison both use it.

import { fromTransition, type AnyMachineSnapshot } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import type { ComposedModel, StateView } from './model';
import { initialSnapshots, machinesOf, performStep, snapshotKey } from './step';

export function composedStateKey(model: ComposedModel, view: StateView): string {
  return model.actors.map((actor) => snapshotKey(model, actor.name, view[actor.name]!)).join('|');
}

/** The keys of every state getAdjacencyMap reaches from the initial state. */
export function statesByXstateGraph(model: ComposedModel): string[] {
  const machines = machinesOf(model);
  const initial: StateView = Object.fromEntries(initialSnapshots(model).snapshots);
  const composedLogic = fromTransition((state: StateView, event: { type: string }) => {
    const step = model.environment(state).find((candidate) => candidate.label === event.type);
    if (step === undefined) return state;
    const snapshots = new Map<string, AnyMachineSnapshot>(Object.entries(state));
    performStep(model, machines, snapshots, step);
    return Object.fromEntries(snapshots);
  }, initial);
  const adjacency = getAdjacencyMap(composedLogic, {
    events: (snapshot) => model.environment(snapshot.context).map((step) => ({ type: step.label })),
    serializeState: (snapshot) => composedStateKey(model, snapshot.context),
  });
  return Object.keys(adjacency);
}
