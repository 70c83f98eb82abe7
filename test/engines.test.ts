// The fast engine against the reference engine: the same states in the same numbering, the
// same edges, verdicts and counterexamples, on every variant (at the default bounds, or smaller
// in two-way alternate), at a few other bounds (more losses than attempts, the threshold, the
// whole Turn discipline, channel faults), with a state limit, and on a model without a
// factored environment.
// The reference asks XState's public transition() for every event of every step; the fast
// engine remembers each answer and reuses one actor scope (explore/engine/reused-scope.ts), so this
// is also the test that both agree with XState.

import { describe, expect, test } from 'vitest';
import { analyse } from '../explore/check/analysis';
import { CoverageRecorder } from '../explore/check/coverage';
import { explore, snapshotKey, type Exploration, type ExploreOptions } from '../explore/engine/explore';
import type { ComposedModel, Property } from '../explore/engine/model';
import { defaultBounds, type Bounds } from '../machines/bounds';
import { composeSystem } from '../machines/composition';
import type { DialogueMode } from '../machines/pdu';
import { propertiesFor } from '../machines/properties';
import { variantNames, variants, type VariantName } from '../machines/variants';
import { toyModel } from './toy-model';

/** Everything an exploration says, with steps by label (the engines number steps differently). */
function fingerprint(exploration: Exploration) {
  const { model } = exploration;
  const label = (step: number) => exploration.steps[step]!.label;
  const states: string[] = [];
  for (let s = 0; s < exploration.stateCount; s++) {
    const view = exploration.view(s);
    const key = exploration.actorNames.map((actor) => snapshotKey(model, actor, view[actor]!)).join('|');
    const parentStep = exploration.parent[s]! < 0 ? '' : label(exploration.parentStep[s]!);
    const edges: string[] = [];
    if (s < exploration.expanded) {
      for (let e = exploration.edgeStart[s]!; e < exploration.edgeStart[s + 1]!; e++) {
        edges.push(`${label(exploration.edgeStep[e]!)}→${exploration.edgeTarget[e]}`);
      }
    }
    states.push(`${s} ${key} ← ${exploration.parent[s]} by ${parentStep} at ${exploration.depth[s]}: ${edges.join(' ')}`);
  }
  return {
    counts: [exploration.stateCount, exploration.transitionCount, exploration.maxDepth, exploration.expanded, exploration.complete],
    states,
  };
}

function verdicts(exploration: Exploration, properties: readonly Property[]) {
  return analyse(exploration, properties).map((result) => {
    const trace = result.counterexample ?? result.witness;
    return [result.name, result.verdict, trace?.steps.length ?? null, trace?.steps.map((step) => exploration.steps[step]!.label).join(', ') ?? null];
  });
}

function expectSameExplorations(model: ComposedModel, properties: readonly Property[], options: ExploreOptions = {}) {
  const fast = explore(model, options);
  const reference = explore(model, { ...options, engine: 'reference' });
  const a = fingerprint(fast);
  const b = fingerprint(reference);
  expect(a.counts).toEqual(b.counts);
  // Compared state by state, so a difference names the first state where the engines part.
  for (let s = 0; s < a.states.length; s++) if (a.states[s] !== b.states[s]) expect(a.states[s]).toBe(b.states[s]);
  expect(verdicts(fast, properties)).toEqual(verdicts(reference, properties));
  return fast;
}

function mtaModel(variant: VariantName, mode: DialogueMode, bounds: Bounds) {
  return { model: composeSystem({ machine: variants[variant], mode, bounds }), properties: propertiesFor(mode, bounds) };
}

describe('fast and reference engines agree', () => {
  // Every variant in monologue; in two-way alternate the bug and the fix at the default bounds
  // (the reference engine takes about half a minute for each), the other variants below at
  // smaller bounds that still reach what they change.
  const defaults = [
    ...variantNames.map((variant) => [variant, 'monologue'] as const),
    ['unpatched', 'twa'] as const,
    ['patched', 'twa'] as const,
  ];
  test.each(defaults)('%s · %s at the default bounds', (variant, mode) => {
    const { model, properties } = mtaModel(variant, mode, defaultBounds);
    expect(expectSameExplorations(model, properties).stateCount).toBeGreaterThan(500);
  }, 120_000);

  const larger: [VariantName, DialogueMode, Partial<Bounds>][] = [
    ['unpatched', 'monologue', { losses: 2 }],
    ['patched', 'twa', { messagesFromA: 1, messagesFromB: 1, losses: 2, recoveryAttempts: 1 }], // the recovery timer restarts a transfer
    ['checkpoint-fix', 'twa', { messagesFromA: 1, threshold: 1 }], // the threshold association
    // The whole Turn discipline (a Turn-Please repeated, a give unasked) on both Turn candidates.
    ['turn-fix', 'twa', { messagesFromA: 1, messagesFromB: 1, turnPleaseRepeats: 1, unaskedGivesPerConnection: 1, acceptorCheckpointLimits: [2] }],
    ['turn-fix-giver', 'twa', { messagesFromA: 1, messagesFromB: 1, turnPleaseRepeats: 1, unaskedGivesPerConnection: 1, acceptorCheckpointLimits: [2] }],
    ['patched', 'monologue', { messagesFromA: 1, faults: ['drop', 'duplicate', 'reorder'], maxFaults: 1 }],
  ];
  test.each(larger)('%s · %s at %j', (variant, mode, bounds) => {
    const { model, properties } = mtaModel(variant, mode, { ...defaultBounds, ...bounds });
    expect(expectSameExplorations(model, properties).stateCount).toBeGreaterThan(3000);
  }, 300_000);

  test('stopped by a state limit at the same place', () => {
    const { model, properties } = mtaModel('unpatched', 'twa', defaultBounds);
    const fast = expectSameExplorations(model, properties, { maxStates: 1000 });
    expect(fast.complete).toBe(false);
  }, 60_000);

  test('the comparison catches a fast engine that is told a wrong environment', () => {
    // A factored environment that never offers the loss: the fast engine must then part from
    // the reference, or the comparison above could not fail.
    const model: ComposedModel = mtaModel('patched', 'monologue', defaultBounds).model;
    const factored = model.factoredEnvironment!;
    const wrong: ComposedModel = {
      ...model,
      factoredEnvironment: { ...factored, offers: (step, actor, snapshot) => step.kind !== 'fault' && factored.offers(step, actor, snapshot) },
    };
    const fast = fingerprint(explore(wrong));
    const reference = fingerprint(explore(wrong, { engine: 'reference' }));
    expect(fast.counts[0]).toBeLessThan(reference.counts[0] as number);
  });

  test('coverage from the engine\'s own XState calls equals coverage replayed through real actors', () => {
    const { model } = mtaModel('unpatched', 'twa', defaultBounds);
    const fromEngine = new CoverageRecorder(model);
    explore(model, { observe: fromEngine.observe });
    const replayed = new CoverageRecorder(model);
    // Without the transitions taken, every distinct call is replayed through a real actor.
    explore(model, { observe: (actor, before, event) => replayed.observe(actor, before, event) });
    const sorted = (taken: Map<string, Set<string>>) => [...taken].map(([actor, ids]) => [actor, [...ids].sort()]);
    expect(sorted(fromEngine.taken())).toEqual(sorted(replayed.taken()));
    expect(fromEngine.taken().get('A')!.size).toBeGreaterThan(40);
  }, 120_000);

  test('on a model without a factored environment (environment() per state)', () => {
    const model = toyModel();
    expect(model.factoredEnvironment).toBeUndefined();
    expect(expectSameExplorations(model, []).stateCount).toBeGreaterThan(3);
  });
});
