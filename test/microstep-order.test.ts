// The SPIN twin (machines/harness/spin/mta-system.pml) performs eventless transitions region by region
// and does not keep the order in which XState would take two of them in one microstep (XState
// orders them by the states' entry order). That is sound only if no microstep ever takes more
// than one eventless transition. This checks it on every distinct XState question of the
// verification job's two-way runs, each asked again with a sink for XState's microstep
// inspection events.

import { expect, test } from 'vitest';
import { createMachine, initialTransition, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { explore } from '../explore/engine/explore';
import { transitionWithReusedScope } from '../explore/engine/reused-scope';
import type { RunSpec } from '../explore/check/run-spec';
import { suite } from '../machines/harness/suite';

function questionsOf(run: RunSpec): { machine: AnyStateMachine; before: AnyMachineSnapshot; event: EventObject }[] {
  const machines = new Map(run.model.actors.map((actor) => [actor.name, actor.machine]));
  const questions: { machine: AnyStateMachine; before: AnyMachineSnapshot; event: EventObject }[] = [];
  // The fast engine calls the observer once per distinct (actor, local state, event).
  explore(run.model, { observe: (actor, before, event) => questions.push({ machine: machines.get(actor)!, before, event }) });
  return questions;
}

test('no microstep takes more than one eventless transition (what the SPIN twin assumes)', () => {
  const runs = suite.verifyRuns().filter((run) => ['unpatched · twa', 'unpatched · twa, 1 message each way, Turn-Please repeated, Turn given unasked', 'patched · twa, T 2'].includes(run.id));
  expect(runs).toHaveLength(3);
  let microsteps = 0;
  let eventless = 0;
  const crowded: string[] = [];
  let current = '';
  const pure = transitionWithReusedScope((transitions) => {
    microsteps++;
    const taken = (transitions as { eventType: string; source: { id: string } }[]).filter((t) => t.eventType === '');
    eventless += taken.length;
    if (taken.length > 1) crowded.push(`${current}: ${taken.map((t) => t.source.id).join(' + ')}`);
  });
  for (const run of runs) {
    for (const { machine, before, event } of questionsOf(run)) {
      current = `${run.id}, ${event.type}`;
      pure(machine, before, event);
    }
  }
  expect(crowded.slice(0, 5)).toEqual([]);
  // The check saw real work: many microsteps, eventless ones among them.
  expect(microsteps).toBeGreaterThan(10_000);
  expect(eventless).toBeGreaterThan(1_000);
}, 180_000);

test('the check would see two eventless transitions in one microstep (two regions leaving at once)', () => {
  const machine = createMachine({
    type: 'parallel',
    states: {
      left: { initial: 'a', states: { a: { on: { go: 'b' } }, b: { always: 'c' }, c: {} } },
      right: { initial: 'a', states: { a: { on: { go: 'b' } }, b: { always: 'c' }, c: {} } },
    },
  });
  const counts: number[] = [];
  const pure = transitionWithReusedScope((transitions) => counts.push((transitions as { eventType: string }[]).filter((t) => t.eventType === '').length));
  pure(machine, initialTransition(machine)[0], { type: 'go' });
  expect(Math.max(...counts)).toBe(2);
});
