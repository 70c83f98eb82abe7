// XState's public transition() builds a fresh inert actor, with its own initial snapshot and
// actor system, on every call (about 70 µs per call for the MTA chart). A machine's own
// transition(snapshot, event, scope) with one reused scope, which is what xstate/graph does
// internally, gives the same result for a fraction of that. The fast engine uses this; the
// reference engine keeps the public transition(), and the test that the two engines find the
// same states, edges and verdicts is the test that this adapter agrees with XState.

import { createEmptyActor, type ActorScope, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';

export type PureTransition = (machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject) => [AnyMachineSnapshot, { type: string; params?: unknown }[]];

/** A transition function with one inert scope per machine, reused across calls. */
export function transitionWithReusedScope(): PureTransition {
  const scopes = new WeakMap<AnyStateMachine, { scope: ActorScope<AnyMachineSnapshot, EventObject>; actions: { type: string; params?: unknown }[] }>();
  return (machine, snapshot, event) => {
    let entry = scopes.get(machine);
    if (entry === undefined) {
      const self = createEmptyActor();
      const collected: { type: string; params?: unknown }[] = [];
      const scope = {
        self,
        system: self.system,
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
