// XState's public transition() builds a fresh inert actor, with its own initial snapshot and
// actor system, on every call (about 70 µs per call for the MTA chart). A machine's own
// transition(snapshot, event, scope) with one reused scope, which is what xstate/graph does
// internally, gives the same result for a fraction of that. The fast engine uses this; the
// reference engine keeps the public transition(), and the test that the two engines find the
// same states, edges and verdicts is the test that this adapter agrees with XState.

import { createEmptyActor, type ActorScope, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';

export type PureTransition = (machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject) => [AnyMachineSnapshot, { type: string; params?: unknown }[]];

/**
 * A transition function with one inert scope per machine, reused across calls. `onMicrostep`,
 * when given, sees the transition definitions of every microstep XState takes (its
 * `@xstate.microstep` inspection event, as a real actor's inspector would), at no extra cost.
 */
export function transitionWithReusedScope(onMicrostep?: (transitions: readonly unknown[]) => void): PureTransition {
  const scopes = new WeakMap<AnyStateMachine, { scope: ActorScope<AnyMachineSnapshot, EventObject>; actions: { type: string; params?: unknown }[] }>();
  return (machine, snapshot, event) => {
    let entry = scopes.get(machine);
    if (entry === undefined) {
      const self = createEmptyActor();
      const collected: { type: string; params?: unknown }[] = [];
      const system = Object.create(self.system, {
        _sendInspectionEvent: {
          value: (inspection: { type: string; _transitions?: readonly unknown[] }) => {
            if (inspection.type === '@xstate.microstep') onMicrostep?.(inspection._transitions ?? []);
          },
        },
      }) as typeof self.system;
      const scope = {
        self,
        system,
        id: '',
        sessionId: '',
        logger: () => {},
        defer: () => {},
        emit: () => {},
        stopChild: () => {},
        actionExecutor: (action: { type: string; params?: unknown }) => void collected.push(action),
      } as unknown as ActorScope<AnyMachineSnapshot, EventObject>;
      entry = { scope, actions: collected };
      scopes.set(machine, entry);
    }
    entry.actions.length = 0;
    const next = machine.transition(snapshot, event, entry.scope);
    return [next, entry.actions.slice()];
  };
}
