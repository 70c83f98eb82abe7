// A tiny composed model for testing the checker on its own: a lamp that cycles
// green → yellow → red → green, a switch that can turn it off, and a relay actor that counts
// the lamp's "tick" emissions (to exercise routing). The kind and availability of each step is
// configurable, so each fairness case can be built.

import { assign, createActor, emit, setup, type AnyMachineSnapshot } from 'xstate';
import type { ComposedModel, EnvironmentStep, StepKind } from '../explore/engine/model';

export const lampMachine = setup({
  types: {
    context: {} as { ticks: number },
    events: {} as { type: 'next' } | { type: 'off' },
    emitted: {} as { type: 'tick' },
  },
  actions: { tick: emit({ type: 'tick' as const }) },
}).createMachine({
  id: 'lamp',
  initial: 'green',
  context: { ticks: 0 },
  states: {
    green: { on: { next: { target: 'yellow', actions: 'tick' }, off: 'off' } },
    yellow: { on: { next: { target: 'red', actions: 'tick' }, off: 'off' } },
    red: { on: { next: { target: 'green', actions: 'tick' }, off: 'off' } },
    off: {},
  },
});

export const relayMachine = setup({
  types: { context: {} as { seen: number }, events: {} as { type: 'tick' } },
}).createMachine({
  id: 'relay',
  context: { seen: 0 },
  on: { tick: { guard: ({ context }) => context.seen < 2, actions: assign({ seen: ({ context }) => context.seen + 1 }) } },
});

export interface ToyOptions {
  nextKind?: StepKind;
  offKind?: StepKind;
  /** Where the switch can be used. */
  offIn?: readonly string[];
  /** A broken runtime that skips its first step, to show a replay catches it. */
  brokenRuntime?: boolean;
}

export function toyModel(options: ToyOptions = {}): ComposedModel<'next' | 'off'> {
  const { nextKind = 'protocol', offKind = 'protocol', offIn = ['green', 'yellow', 'red'], brokenRuntime = false } = options;
  const step = (type: 'next' | 'off', kind: StepKind): EnvironmentStep<'next' | 'off'> => ({
    label: type,
    actor: 'lamp',
    event: { type },
    kind,
    fairnessKey: type,
    payload: type,
  });
  return {
    actors: [
      { name: 'lamp', machine: lampMachine, input: undefined },
      { name: 'relay', machine: relayMachine, input: undefined },
    ],
    route: (from, emitted) => (from === 'lamp' && emitted.type === 'tick' ? [{ to: 'relay', event: emitted }] : []),
    environment(view) {
      const lamp = view.lamp!.value as string;
      const steps = [step('next', nextKind)];
      if (offIn.includes(lamp)) steps.push(step('off', offKind));
      return steps;
    },
    isValidEndState: (view) => view.lamp!.value === 'off',
    startRuntime() {
      const lamp = createActor(lampMachine);
      const relay = createActor(relayMachine);
      lamp.on('tick', (event) => relay.send(event));
      relay.start();
      lamp.start();
      let skipped = !brokenRuntime;
      return {
        perform(payload) {
          if (!skipped) {
            skipped = true;
            return;
          }
          lamp.send({ type: payload });
        },
        snapshots: () => ({ lamp: lamp.getSnapshot() as AnyMachineSnapshot, relay: relay.getSnapshot() as AnyMachineSnapshot }),
        stop() {
          lamp.stop();
          relay.stop();
        },
      };
    },
    presentation: {
      labelEvent: (event) => event.type,
      describeActor: (_, snapshot) => JSON.stringify(snapshot.value),
    },
  };
}
