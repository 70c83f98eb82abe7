// The explorer's reachable states equal those xstate/graph's getAdjacencyMap finds over the
// same composed logic (the same actors, routing and environment steps, wrapped as one logic).

import { expect, test } from 'vitest';
import { fromTransition, type AnyMachineSnapshot } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { explore, initialSnapshots, performStep, snapshotKey } from '../explore/explore';
import type { ComposedModel } from '../explore/model';
import { defaultBounds } from '../machines/bounds';
import { composeSystem } from '../machines/composition';
import { variants } from '../machines/variants';

type Composed = Readonly<Record<string, AnyMachineSnapshot>>;

function keyOf(model: ComposedModel, state: Composed): string {
  return model.actors.map((actor) => snapshotKey(model, actor.name, state[actor.name]!)).join('|');
}

test.each([
  ['unpatched', 'twa'],
  ['patched', 'monologue'],
] as const)('%s · %s at a small bound: same states, same count', (variant, mode) => {
  const bounds = { ...defaultBounds, messagesFromA: 1 };
  const model = composeSystem({ variant, machine: variants[variant], mode, bounds });
  const machines = new Map(model.actors.map((actor) => [actor.name, actor.machine]));

  const exploration = explore(model);
  const ours = new Set(Array.from({ length: exploration.stateCount }, (_, s) => keyOf(model, exploration.view(s))));

  // The same composition as one XState logic: its events are the environment steps by label.
  const initial: Composed = Object.fromEntries(initialSnapshots(model).snapshots);
  const composedLogic = fromTransition((state: Composed, event: { type: string }) => {
    const step = model.environment(state).find((candidate) => candidate.label === event.type);
    if (step === undefined) return state;
    const snapshots = new Map(Object.entries(state));
    performStep(model, machines, snapshots, step);
    return Object.fromEntries(snapshots);
  }, initial);
  const adjacency = getAdjacencyMap(composedLogic, {
    events: (snapshot) => model.environment(snapshot.context).map((step) => ({ type: step.label })),
    serializeState: (snapshot) => keyOf(model, snapshot.context),
  });
  const theirs = new Set(Object.keys(adjacency));

  expect(ours.size).toBeGreaterThan(100);
  expect(theirs.size).toBe(ours.size);
  expect([...theirs].filter((key) => !ours.has(key))).toEqual([]);
}, 120_000);
