// The checker on its own, on a toy model: search, routing, each property kind, the fairness
// rules, limits, and the replay through real actors.

import { describe, expect, test } from 'vitest';
import { analyse, endingShown, successorsOf, type Trace } from '../explore/check/analysis';
import { canonicalJson } from '../explore/engine/canonical';
import { explore } from '../explore/engine/explore';
import type { LeadsToProperty, Property, StateView } from '../explore/engine/model';
import { replayTrace, ReplayError } from '../explore/check/replay';
import { runSweep, type SweepResult } from '../explore/cli/sweep';
import { toyModel, type ToyOptions } from './toy-model';

const lampIs = (value: string) => (view: Parameters<LeadsToProperty['to']>[0]) => view.lamp!.value === value;

function verdictOf(options: ToyOptions, property: Property) {
  const exploration = explore(toyModel(options));
  return { exploration, result: analyse(exploration, [property])[0]! };
}

const eventuallyOff: LeadsToProperty = { kind: 'leadsTo', name: 'the lamp is eventually off', from: (_, initial) => initial, to: lampIs('off') };

describe('search', () => {
  test('finds every state of the composition, routing emitted events to their actor', () => {
    const exploration = explore(toyModel());
    // lamp: green/yellow/red × relay counts 0..2 (it stops counting at 2), plus off states.
    const views = Array.from({ length: exploration.stateCount }, (_, s) => exploration.view(s));
    const pairs = views.map((view) => `${String(view.lamp!.value)}/${(view.relay!.context as { seen: number }).seen}`).sort();
    expect(pairs).toEqual(
      ['green/0', 'yellow/1', 'red/2', 'green/2', 'yellow/2', 'off/0', 'off/1', 'off/2'].sort(),
    );
    expect(exploration.complete).toBe(true);
    expect(exploration.depth[0]).toBe(0);
  });

  test('a state limit makes the search incomplete, and nothing is then verified', () => {
    const exploration = explore(toyModel(), { maxStates: 3 });
    expect(exploration.complete).toBe(false);
    const results = analyse(exploration, [
      { kind: 'always', name: 'never red', holds: (view) => view.lamp!.value !== 'red' },
      { kind: 'always', name: 'anything', holds: () => true },
      eventuallyOff,
      { kind: 'noDeadlock', name: 'no deadlock', goal: lampIs('off') },
    ]);
    expect(results.map((r) => r.verdict)).toEqual(['inconclusive', 'inconclusive', 'inconclusive', 'inconclusive']);
  });

  test('a violation found before the limit is still reported: it is real', () => {
    const exploration = explore(toyModel(), { maxStates: 4 });
    const [result] = analyse(exploration, [{ kind: 'always', name: 'never yellow', holds: (view) => view.lamp!.value !== 'yellow' }]);
    expect(result!.verdict).toBe('FAIL');
  });
});

describe('property kinds', () => {
  test('always: the shortest violation', () => {
    const { result, exploration } = verdictOf({}, { kind: 'always', name: 'never red', holds: (view) => view.lamp!.value !== 'red' });
    expect(result.verdict).toBe('FAIL');
    expect(result.counterexample!.steps.map((s) => exploration.steps[s]!.label)).toEqual(['next', 'next']);
  });

  test('sometimes: passes with a witness, fails when never reached', () => {
    const reached = verdictOf({}, { kind: 'sometimes', name: 'red', reached: (view) => view.lamp!.value === 'red' }).result;
    expect(reached.verdict).toBe('pass');
    expect(reached.witness!.steps).toHaveLength(2);
    const never = verdictOf({}, { kind: 'sometimes', name: 'blue', reached: (view) => view.lamp!.value === 'blue' }).result;
    expect(never.verdict).toBe('FAIL');
  });

  test('no deadlock: off is a valid end; a goal that cannot be reached is reported', () => {
    expect(verdictOf({}, { kind: 'noDeadlock', name: 'nd', goal: lampIs('off') }).result.verdict).toBe('pass');
    const { result } = verdictOf({ offIn: ['red'] }, { kind: 'noDeadlock', name: 'nd', goal: (view) => view.lamp!.value === 'off' && (view.relay!.context as { seen: number }).seen === 0 });
    expect(result.verdict).toBe('FAIL');
    expect(result.counterexample!.ending).toMatch(/no goal state is reachable/);
  });

  test('sometimes with stages: passes only when the stages happen in order; one step may complete several', () => {
    const entered = (value: string) => (view: StateView, previous: StateView) => view.lamp!.value === value && previous.lamp!.value !== value;
    const inOrder = verdictOf({}, { kind: 'sometimes', name: 'red then green', stages: [entered('red'), entered('green')] });
    expect(inOrder.result.verdict).toBe('pass');
    // green → yellow → red, then red → green: the green at the start does not count.
    expect(inOrder.result.witness!.steps.map((s) => inOrder.exploration.steps[s]!.label)).toEqual(['next', 'next', 'next']);
    replayTrace(inOrder.exploration, inOrder.result.witness!, 'witness');
    // Each stage is reachable alone, but not in this order: off is final.
    expect(verdictOf({}, { kind: 'sometimes', name: 'red after off', stages: [entered('off'), entered('red')] }).result.verdict).toBe('FAIL');
    expect(verdictOf({}, { kind: 'sometimes', name: 'off after red', stages: [entered('red'), entered('off')] }).result.verdict).toBe('pass');
    const together = verdictOf({}, { kind: 'sometimes', name: 'yellow, twice over', stages: [entered('yellow'), (view) => view.lamp!.value === 'yellow'] });
    expect(together.result.witness!.steps).toHaveLength(1);
  });

  test('an illustration: the shortest counterexample through a scenario, kept beside the shortest of all', () => {
    const goesRed = (view: StateView, previous: StateView) => view.lamp!.value === 'red' && previous.lamp!.value !== 'red';
    const property: Property = {
      kind: 'always',
      name: 'never off',
      holds: (view) => view.lamp!.value !== 'off',
      illustration: { name: 'after a red light', stages: [goesRed] },
    };
    const { result, exploration } = verdictOf({}, property);
    expect(result.counterexample!.steps.map((s) => exploration.steps[s]!.label)).toEqual(['off']);
    expect(result.illustration!.name).toBe('after a red light');
    expect(result.illustration!.trace.steps.map((s) => exploration.steps[s]!.label)).toEqual(['next', 'next', 'off']);
    replayTrace(exploration, result.illustration!.trace, 'counterexample');
    // A scenario no counterexample passes through is said, not faked.
    const never = verdictOf({}, { ...property, illustration: { name: 'after a blue light', stages: [(view) => view.lamp!.value === 'blue'] } }).result;
    expect(never.verdict).toBe('FAIL');
    expect(never.illustration).toBeUndefined();
    expect(never.note).toBe('no counterexample after a blue light');
  });

  test('a property that does not apply is n/a; a leads-to with no premise is vacuous, not a pass', () => {
    expect(analyse(explore(toyModel()), [{ ...eventuallyOff, notApplicableBecause: 'a reason' }])[0]).toMatchObject({ verdict: 'n/a', note: 'a reason' });
    expect(analyse(explore(toyModel()), [{ ...eventuallyOff, from: () => false }])[0]!.verdict).toBe('vacuous');
  });
});

describe('fairness (weak, finitely many faults)', () => {
  test('a switch enabled all around the cycle must eventually be used: eventually off holds', () => {
    expect(verdictOf({}, eventuallyOff).result.verdict).toBe('pass');
  });

  test('a switch enabled only in red may be missed forever: a fair cycle, shown as a lasso', () => {
    const { result, exploration } = verdictOf({ offIn: ['red'] }, eventuallyOff);
    expect(result.verdict).toBe('FAIL');
    const trace = result.counterexample!;
    expect(trace.loopStart).toBeDefined();
    expect(trace.states[trace.loopStart!]).toBe(trace.states[trace.states.length - 1]);
    expect(trace.steps.slice(trace.loopStart!).map((s) => exploration.steps[s]!.label)).toEqual(['next', 'next', 'next']);
    replayTrace(exploration, trace, 'lasso');
  });

  test('a lasso read back (replay) is a fair cycle only if it takes every step enabled all around it', () => {
    /** The path of `next` steps from the initial state, with its cycle closing at step 3. */
    const lassoOfNexts = (exploration: ReturnType<typeof explore>): Trace => {
      const states = [0];
      const steps: number[] = [];
      for (let i = 0; i < 6; i++) {
        const edge = successorsOf(exploration, states[states.length - 1]!).find(({ step }) => exploration.steps[step]!.label === 'next')!;
        states.push(edge.target);
        steps.push(edge.step);
      }
      expect(states[3]).toBe(states[6]); // green, with the relay saturated
      return { states, steps, ending: 'anything the file says', loopStart: 3 };
    };
    const offOnlyInRed = explore(toyModel({ offIn: ['red'] }));
    expect(endingShown(offOnlyInRed, eventuallyOff, lassoOfNexts(offOnlyInRed))).toBe('a fair cycle that never reaches the goal');
    const offEverywhere = explore(toyModel());
    expect(endingShown(offEverywhere, eventuallyOff, lassoOfNexts(offEverywhere))).toBeNull();
    // The analysis's own lasso is accepted.
    const { result, exploration } = verdictOf({ offIn: ['red'] }, eventuallyOff);
    expect(endingShown(exploration, eventuallyOff, result.counterexample!)).toBe('a fair cycle that never reaches the goal');
  });

  test('user steps are weakly fair too', () => {
    expect(verdictOf({ offKind: 'user' }, eventuallyOff).result.verdict).toBe('pass');
  });

  test('a cycle of faults is not fair: faults happen finitely often', () => {
    const { result } = verdictOf({ nextKind: 'fault', offIn: [] }, eventuallyOff);
    // Without the faults nothing moves: a fair path stops at once, and the lamp is not off.
    expect(result.verdict).toBe('FAIL');
    expect(result.counterexample!.ending).toMatch(/nothing but a fault or an optional move can happen/);
  });

  test('a fault is never forced: a state where only a fault could help is a violation', () => {
    const { result } = verdictOf({ offKind: 'fault' }, eventuallyOff);
    expect(result.verdict).toBe('FAIL');
  });

  test('a choice is optional like a fault: never forced, never part of a fair cycle', () => {
    // The switch as a choice (an MTA may give the Turn unasked, or not): nothing makes it happen.
    expect(verdictOf({ offKind: 'choice' }, eventuallyOff).result.verdict).toBe('FAIL');
    const { result } = verdictOf({ nextKind: 'choice', offIn: [] }, eventuallyOff);
    expect(result.verdict).toBe('FAIL');
    expect(result.counterexample!.ending).toMatch(/nothing but a fault or an optional move can happen/);
    // As a protocol step the same switch is weakly fair, and the lamp does go off.
    expect(verdictOf({ offKind: 'protocol' }, eventuallyOff).result.verdict).toBe('pass');
  });

  test('excluded step kinds do not count towards the goal', () => {
    const property: LeadsToProperty = { ...eventuallyOff, withoutStepKinds: ['workaround'] };
    expect(verdictOf({ offKind: 'workaround' }, property).result.verdict).toBe('FAIL');
    expect(verdictOf({ offKind: 'workaround' }, eventuallyOff).result.verdict).toBe('pass');
  });
});

describe('replay through real actors', () => {
  test('a trace replays step by step', () => {
    const { result, exploration } = verdictOf({}, { kind: 'always', name: 'never red', holds: (view) => view.lamp!.value !== 'red' });
    expect(() => replayTrace(exploration, result.counterexample!, 'never red')).not.toThrow();
  });

  test('a runtime that does something else is caught as a checker bug', () => {
    const exploration = explore(toyModel({ brokenRuntime: true }));
    const [result] = analyse(exploration, [{ kind: 'always', name: 'never red', holds: (view) => view.lamp!.value !== 'red' }]);
    expect(() => replayTrace(exploration, result!.counterexample!, 'never red')).toThrow(ReplayError);
  });
});

describe('canonical keys', () => {
  test('key order does not matter; undefined fields are dropped; non-plain data is refused', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(() => canonicalJson({ m: new Map() })).toThrow(/Map/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/finite/);
  });
});

describe('sweeps', () => {
  /** A sweep that was not interrupted. */
  const finished = async (result: Promise<SweepResult | 'interrupted'>): Promise<SweepResult> => {
    const done = await result;
    if (done === 'interrupted') throw new Error('interrupted');
    return done;
  };

  test('a rung that reaches the budget is over budget, never clean, and the larger rungs are not tried', async () => {
    const run = (options: ToyOptions) => ({ id: 'toy', group: 'toy', section: 'toy', model: toyModel(options), properties: [{ kind: 'always' as const, name: 'anything', holds: () => true }] });
    const { markdown, clean } = await finished(runSweep(
      {
        title: 'toy sweep',
        budget: 6,
        fixed: [],
        sections: [{ name: 'toy', expectClean: true, ladders: [{ row: 'lamp', rungs: [{ column: 'no switch', run: run({ offIn: [] }) }, { column: 'switch', run: run({}) }, { column: 'again', run: run({}) }] }] }],
        minimal: [],
      },
      () => {},
    ));
    expect(markdown).toContain('| lamp | clean, 5 | over budget | — |');
    expect(markdown).toContain('**1 cells clean, 0 failing, 1 over budget, 1 not tried.**');
    expect(clean).toBe(true);
  });

  test('a failing cell makes the sweep unclean, unless its section only reports', async () => {
    const failingRun = { id: 'toy', group: 'toy', section: 'toy', model: toyModel({ offIn: [] }), properties: [{ kind: 'always' as const, name: 'never', holds: () => false }] };
    const plan = (expectClean: boolean) => ({ title: 'toy', budget: 100, fixed: [], sections: [{ name: 'toy', expectClean, ladders: [{ row: 'lamp', rungs: [{ column: 'one', run: failingRun }] }] }], minimal: [] });
    expect((await finished(runSweep(plan(true), () => {}))).clean).toBe(false);
    const reportOnly = await finished(runSweep(plan(false), () => {}));
    expect(reportOnly.clean).toBe(true);
    expect(reportOnly.markdown).toContain('toy, lamp, one: never');
    // Asked between slices: an interruption ends the sweep with nothing to write.
    expect(await runSweep(plan(true), () => {}, () => true)).toBe('interrupted');
  });
});
