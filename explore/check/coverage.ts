// Transition coverage: which transitions of each chart the exploration took. The search
// reports every distinct (actor, snapshot, event) it handed to XState. The fast engine also
// hands over the transitions XState took in that call (its microstep inspection events); for
// a call without them, the event is sent once to a real actor restored from that snapshot,
// whose inspection events name the transitions taken (including eventless ones and those of
// raised events).

import { createActor, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode, type EventObject } from 'xstate';
import { canonicalJson } from '../engine/canonical';
import { snapshotKey, type TransitionObserver } from '../engine/explore';
import type { ComposedModel } from '../engine/model';

/** A transition of a chart, named by its source state, its event and (when the event has several) its position. */
export interface ChartTransition {
  readonly id: string;
  readonly description: string | undefined;
}

type TransitionDefinitionLike = { source: AnyStateNode; eventType: string; description?: string };

function transitionId(definition: TransitionDefinitionLike): string {
  const { source, eventType } = definition;
  const list = (eventType === '' ? source.always : source.transitions.get(eventType)) ?? [];
  const event = eventType === '' ? '(always)' : eventType;
  const position = list.length > 1 ? ` #${list.indexOf(definition as never) + 1}` : '';
  return `${source.id} on ${event}${position}`;
}

/** Every transition of a chart, in document order. */
export function chartTransitions(machine: AnyStateMachine): ChartTransition[] {
  const found: ChartTransition[] = [];
  const walk = (node: AnyStateNode) => {
    for (const definitions of node.transitions.values()) {
      for (const definition of definitions) found.push({ id: transitionId(definition), description: definition.description });
    }
    for (const definition of node.always ?? []) found.push({ id: transitionId(definition), description: definition.description });
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return found;
}

function inspectInto(seen: Set<string>) {
  return (inspection: { type: string }) => {
    if (inspection.type !== '@xstate.microstep') return;
    for (const definition of (inspection as unknown as { _transitions: TransitionDefinitionLike[] })._transitions) {
      seen.add(transitionId(definition));
    }
  };
}

/** The chart transitions a real actor, restored from `before`, takes on `event`. */
export function transitionsTaken(machine: AnyStateMachine, before: AnyMachineSnapshot, event: EventObject): string[] {
  const seen = new Set<string>();
  const restored = createActor(machine, { snapshot: machine.getPersistedSnapshot(before) as never, inspect: inspectInto(seen) });
  restored.start();
  restored.send(event);
  restored.stop();
  return [...seen];
}

/** The chart transitions an actor takes while it starts. */
export function transitionsAtStart(machine: AnyStateMachine, input: unknown): string[] {
  const seen = new Set<string>();
  const started = createActor(machine, { input, inspect: inspectInto(seen) });
  started.start();
  started.stop();
  return [...seen];
}

/** Collects the distinct transition calls of a search; afterwards, which chart transitions they took. */
export class CoverageRecorder {
  /** Calls whose transitions the search did not hand over: replayed through a real actor at the end. */
  private readonly calls = new Map<string, { actor: string; before: AnyMachineSnapshot; event: EventObject }>();
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly model: ComposedModel) {
    for (const { name } of model.actors) this.seen.set(name, new Set());
  }

  readonly observe: TransitionObserver = (actor, before, event, taken) => {
    if (taken !== undefined) {
      for (const definition of taken) this.seen.get(actor)!.add(transitionId(definition as TransitionDefinitionLike));
      return;
    }
    const key = `${actor}\u0000${snapshotKey(this.model, actor, before)}\u0000${canonicalJson(event)}`;
    if (!this.calls.has(key)) this.calls.set(key, { actor, before, event });
  };

  /** Per actor name: the ids of the transitions taken. */
  taken(): Map<string, Set<string>> {
    const machines = new Map(this.model.actors.map((actor) => [actor.name, actor.machine]));
    const taken = new Map<string, Set<string>>(this.model.actors.map((actor) => [actor.name, new Set(this.seen.get(actor.name))]));
    for (const { name, machine, input } of this.model.actors) {
      for (const id of transitionsAtStart(machine, input)) taken.get(name)!.add(id);
    }
    for (const { actor, before, event } of this.calls.values()) {
      for (const id of transitionsTaken(machines.get(actor)!, before, event)) taken.get(actor)!.add(id);
    }
    return taken;
  }
}

/** The transitions of each distinct chart that the search never took, with a reason where the model gives one. */
export function untakenTransitions(
  model: ComposedModel,
  taken: Map<string, Set<string>>,
  reasons: Readonly<Record<string, string>> = {},
): { chart: string; id: string; reason: string | null }[] {
  const byChart = new Map<string, { machine: AnyStateMachine; taken: Set<string> }>();
  for (const actor of model.actors) {
    const chart = actor.machine.id;
    const entry = byChart.get(chart) ?? { machine: actor.machine, taken: new Set<string>() };
    for (const id of taken.get(actor.name) ?? []) entry.taken.add(id);
    byChart.set(chart, entry);
  }
  const untaken: { chart: string; id: string; reason: string | null }[] = [];
  for (const [chart, { machine, taken: ids }] of byChart) {
    for (const transition of chartTransitions(machine)) {
      if (!ids.has(transition.id)) untaken.push({ chart, id: transition.id, reason: reasons[transition.id] ?? null });
    }
  }
  return untaken;
}
