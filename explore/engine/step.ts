// One step of a composed system, with XState's pure API as the only semantics: an event goes
// to an actor, what the actor emits is routed by the model, and so on until nothing is left.
// Both engines (reference-engine.ts, fast-engine.ts), the replays and the reports use this.

import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { canonicalJson } from './canonical';
import type { ComposedModel, EnvironmentStep, RoutedEvent, StateView } from './model';
import type { PureTransition } from './reused-scope';

/** An event as it travelled during a step: from the environment or an actor, to an actor. */
export interface Delivery {
  readonly from: string;
  readonly to: string;
  readonly event: EventObject;
  /** The receiving actor's snapshot did not change (the event was not handled, or handled without effect). */
  ignored?: boolean;
}

/** Sees every (actor, snapshot before, event) the search hands to XState; for transition coverage. */
/**
 * Sees a transition call of the search: the actor, its snapshot and the event. `taken`, when the
 * engine can give it at no cost, is the transition definitions XState took (every microstep).
 */
export type TransitionObserver = (actor: string, before: AnyMachineSnapshot, event: EventObject, taken?: readonly unknown[]) => void;

export class ModelError extends Error {}

/** A settle that goes on longer than this is a model that never comes to rest. */
export const maxDeliveriesPerStep = 10_000;

export function snapshotKey(model: ComposedModel, actor: string, snapshot: AnyMachineSnapshot): string {
  const key = model.keyOf ? model.keyOf(actor, snapshot) : { status: snapshot.status, value: snapshot.value, context: snapshot.context };
  return canonicalJson(key);
}

/** Interns one actor's snapshots: equal keys, one id. */
export class LocalStates {
  private readonly ids = new Map<string, number>();
  /** Snapshots already interned, by identity: a snapshot XState hands back unchanged is not keyed again. */
  private readonly known = new WeakMap<AnyMachineSnapshot, number>();
  readonly snapshots: AnyMachineSnapshot[] = [];
  constructor(private readonly keyOf: (snapshot: AnyMachineSnapshot) => string) {}
  intern(snapshot: AnyMachineSnapshot): number {
    const seen = this.known.get(snapshot);
    if (seen !== undefined) return seen;
    const id = this.internByKey(snapshot);
    this.known.set(snapshot, id);
    return id;
  }
  /** Without the identity memo: for a snapshot XState has just made, which cannot be in it. */
  internByKey(snapshot: AnyMachineSnapshot): number {
    const key = this.keyOf(snapshot);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.snapshots.length;
      this.ids.set(key, id);
      this.snapshots.push(snapshot);
    }
    return id;
  }
}

/**
 * One event to one actor with XState's pure transition(): the snapshot after and where what the
 * actor emitted goes. Null when the actor is done or stopped: a real actor then takes no more
 * events, while XState's pure transition() would still apply root-level transitions.
 */
export function deliver(
  model: ComposedModel,
  machine: AnyStateMachine,
  actor: string,
  before: AnyMachineSnapshot,
  event: EventObject,
  what: string,
  pureTransition: PureTransition = transition,
): { after: AnyMachineSnapshot; routed: Delivery[] } | null {
  if (before.status !== 'active') return null;
  const [after, actions] = pureTransition(machine, before, event);
  if (after.status === 'error') {
    throw new ModelError(`${actor} failed on ${event.type} during ${what}: ${String((after as { error?: unknown }).error)}`);
  }
  return { after, routed: emittedBy(model, actor, actions) };
}

function emittedBy(model: ComposedModel, from: string, actions: readonly { type: string; params?: unknown }[]): Delivery[] {
  const routed: Delivery[] = [];
  for (const action of actions) {
    if (action.type !== 'xstate.emit') continue;
    const emitted = (action.params as { event: EventObject }).event;
    for (const target of model.route(from, emitted) as readonly RoutedEvent[]) routed.push({ from, ...target });
  }
  return routed;
}

/**
 * Delivers queued events one by one, routing what each actor emits to the back of the queue,
 * until nothing is left. Mutates `snapshots`; returns every event that travelled, in order.
 */
function settle(
  model: ComposedModel,
  machines: ReadonlyMap<string, AnyStateMachine>,
  snapshots: Map<string, AnyMachineSnapshot>,
  queue: Delivery[],
  what: string,
  observe?: TransitionObserver,
): Delivery[] {
  for (let i = 0; i < queue.length; i++) {
    const delivery = queue[i]!;
    const { to, event } = delivery;
    const machine = machines.get(to);
    const before = snapshots.get(to);
    if (machine === undefined || before === undefined) throw new ModelError(`route to unknown actor "${to}"`);
    if (before.status === 'active') observe?.(to, before, event);
    const result = deliver(model, machine, to, before, event, what);
    delivery.ignored = result === null || result.after === before;
    if (result === null) continue;
    snapshots.set(to, result.after);
    queue.push(...result.routed);
    if (queue.length > maxDeliveriesPerStep) throw new ModelError(`${what} does not settle: more than ${maxDeliveriesPerStep} events`);
  }
  return queue;
}

/** Performs one environment step on a set of snapshots (mutated); returns what travelled. */
export function performStep(
  model: ComposedModel,
  machines: ReadonlyMap<string, AnyStateMachine>,
  snapshots: Map<string, AnyMachineSnapshot>,
  step: EnvironmentStep,
  observe?: TransitionObserver,
): Delivery[] {
  return settle(model, machines, snapshots, [{ from: 'environment', to: step.actor, event: step.event }], `"${step.label}"`, observe);
}

/** One step from a composed state, without changing it: the state after and what travelled. */
export function stepFrom(
  model: ComposedModel,
  machines: ReadonlyMap<string, AnyStateMachine>,
  view: StateView,
  step: EnvironmentStep,
): { view: StateView; deliveries: Delivery[] } {
  const snapshots = new Map(Object.entries(view));
  const deliveries = performStep(model, machines, snapshots, step);
  return { view: Object.fromEntries(snapshots), deliveries };
}

/** The initial snapshots; what the actors emit when they start is routed like any step. */
export function initialSnapshots(
  model: ComposedModel,
  observe?: TransitionObserver,
): { snapshots: Map<string, AnyMachineSnapshot>; deliveries: Delivery[] } {
  const machines = machinesOf(model);
  const snapshots = new Map<string, AnyMachineSnapshot>();
  const started: Delivery[] = [];
  for (const actor of model.actors) {
    const [snapshot, actions] = initialTransition(actor.machine, actor.input);
    if (snapshot.status === 'error') {
      throw new ModelError(`${actor.name} failed to start: ${String((snapshot as { error?: unknown }).error)}`);
    }
    snapshots.set(actor.name, snapshot);
    started.push(...emittedBy(model, actor.name, actions));
  }
  return { snapshots, deliveries: settle(model, machines, snapshots, started, 'start', observe) };
}

export function machinesOf(model: ComposedModel): Map<string, AnyStateMachine> {
  return new Map(model.actors.map((actor) => [actor.name, actor.machine]));
}
