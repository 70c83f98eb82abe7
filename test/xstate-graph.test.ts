// The explorer's reachable states equal those xstate/graph's getAdjacencyMap finds over the
// same composed logic (the same actors, routing and environment steps, wrapped as one logic).

import { expect, test } from 'vitest';
import { explore } from '../explore/engine/explore';
import { composedStateKey, statesByXstateGraph } from '../explore/engine/xstate-graph';
import { defaultBounds } from '../machines/bounds';
import { composeSystem } from '../machines/composition';
import { variants } from '../machines/variants';

test.each([
  ['unpatched', 'twa'],
  ['patched', 'monologue'],
] as const)('%s · %s at a small bound: same states, same count', (variant, mode) => {
  const bounds = { ...defaultBounds, messagesFromA: 1 };
  const model = composeSystem({ machine: variants[variant], mode, bounds });
  const exploration = explore(model);
  const ours = new Set(Array.from({ length: exploration.stateCount }, (_, s) => composedStateKey(model, exploration.view(s))));

  const theirs = new Set(statesByXstateGraph(model));

  expect(ours.size).toBeGreaterThan(100);
  expect(theirs.size).toBe(ours.size);
  expect([...theirs].filter((key) => !ours.has(key))).toEqual([]);
}, 120_000);
