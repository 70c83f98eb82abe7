// What a model gives the checker. The checker knows nothing about the model's domain: it
// steps the model's XState machines with XState's pure API, routes what they emit as the
// model says, offers the environment steps the model lists, and evaluates the model's
// properties over the composed states it finds.
//
// A model may type its composed state: `ComposedModel<TPayload, TView>` and `Property<TView>`
// take TView, a record from actor name to that actor's snapshot type, and hand every callback
// the view or the snapshot at that type; a callback given an actor and its snapshot narrows
// the snapshot by comparing the name (ActorState). The checker holds every model at the
// default, by actor name only: the callbacks are declared as methods, whose parameters
// TypeScript compares both ways, so a typed model is accepted there. The checker builds each
// view from the model's own actors, so the snapshot it gives for an actor is that actor's.

import type { AnyMachineSnapshot, AnyStateMachine, EventObject, InspectionEvent, Observer } from 'xstate';

/** One machine of the composed system, with the input it starts from. */
export interface ActorSpec<TName extends string = string> {
  readonly name: TName;
  readonly machine: AnyStateMachine;
  readonly input: unknown;
}

/** The composed state as the model sees it: each actor's snapshot, by actor name. */
export type StateView = Readonly<Record<string, AnyMachineSnapshot>>;

/** The actor names of a view. */
export type ActorOf<TView extends StateView> = keyof TView & string;

/**
 * An actor and its snapshot, as the arguments of a callback: `(actor, snapshot)`. For a typed
 * view it is one tuple per actor, so `actor === 'channel'` narrows `snapshot` to the channel's.
 */
export type ActorState<TView extends StateView> = { [A in ActorOf<TView>]: [actor: A, snapshot: TView[A]] }[ActorOf<TView>];

/**
 * What a step is, for fairness and for the properties that exclude some steps.
 * - protocol: the system's own moves (deliveries, timers, answers): weakly fair.
 * - user: bounded submissions by users: weakly fair (every message of the bound is submitted).
 * - fault: losses and other faults: finitely many, never forced, never part of a fair cycle.
 * - choice: a move a participant may make or not (an optional request): like a fault for
 *   fairness (finitely many, never forced), but not a fault.
 * - workaround: weakly fair like protocol steps, but a property may exclude it (withoutStepKinds).
 */
export type StepKind = 'protocol' | 'user' | 'fault' | 'choice' | 'workaround';

/** Steps that are never forced and happen finitely often: fairness does not apply to them. */
export function isUnforced(kind: StepKind): boolean {
  return kind === 'fault' || kind === 'choice';
}

/** One environment step: an event given to one actor. */
export interface EnvironmentStep<TPayload = unknown> {
  /** Stable, readable name of the step, e.g. "deliver to B"; also names it in traces. */
  readonly label: string;
  readonly actor: string;
  readonly event: EventObject;
  readonly kind: StepKind;
  /** Steps with the same key are one fairness obligation (e.g. every answer value of one acceptor). */
  readonly fairnessKey: string;
  /** What a replay through real actors needs to perform the same step. */
  readonly payload: TPayload;
}

export interface FactoredEnvironment<TPayload = unknown, TView extends StateView = StateView> {
  readonly steps: readonly EnvironmentStep<TPayload>[];
  /** The actors whose snapshots decide whether the step is offered: it is offered when each of them offers it. */
  decidedBy(step: EnvironmentStep<TPayload>): readonly ActorOf<TView>[];
  /** Whether `actor`, one of decidedBy(step), offers the step in its local state `snapshot`. */
  offers(step: EnvironmentStep<TPayload>, ...[actor, snapshot]: ActorState<TView>): boolean;
}

/** Where an event emitted by an actor goes. */
export interface RoutedEvent {
  readonly to: string;
  readonly event: EventObject;
}

/** A running instance of the model with real actors (createActor), for replaying counterexamples. */
export interface Runtime<TPayload = unknown, TView extends StateView = StateView> {
  perform(payload: TPayload): void;
  snapshots(): TView;
  stop(): void;
}

/** How a runtime is started: `inspect` goes to every createActor (XState's inspection API), e.g. for the Stately inspector. */
export interface RuntimeOptions {
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

export interface ComposedModel<TPayload = unknown, TView extends StateView = StateView> {
  readonly actors: readonly ActorSpec<ActorOf<TView>>[];
  /** Where each emitted event goes; [] drops it. */
  route(from: ActorOf<TView>, emitted: EventObject): readonly RoutedEvent[];
  /** The environment steps worth trying in this state (a step that changes nothing is not a step). */
  environment(view: TView): readonly EnvironmentStep<TPayload>[];
  /**
   * Optional, for speed: the same environment as a fixed list of steps, each offered or not by
   * a conjunction over a few actors' snapshots, each judged alone. The fast engine then finds
   * the steps of a state by table look-ups per local state (a bit mask per actor, ANDed)
   * instead of calling environment() per composed state. When given, environment(view) must
   * equal `steps.filter((s) => decidedBy(s).every((a) => offers(s, a, view[a])))`, in order.
   */
  readonly factoredEnvironment?: FactoredEnvironment<TPayload, TView>;
  /** A state with no step is a valid end state only if this holds. */
  isValidEndState(view: TView): boolean;
  /**
   * The part of a snapshot that makes its state: two snapshots with equal keys are the same
   * local state. Default: status, value and context.
   */
  keyOf?(...[actor, snapshot]: ActorState<TView>): unknown;
  /** Starts the same system with real actors, each created with `options.inspect` when given. */
  startRuntime(options?: RuntimeOptions): Runtime<TPayload, TView>;
  /** How the reports show the model: what it means is above, how it reads is here. */
  readonly presentation: Presentation<TView>;
}

/** How the reports show a model's states and events: names, labels, facts, the medium. */
export interface Presentation<TView extends StateView = StateView> {
  /** Names for reports, e.g. { A: 'MTA A' }; default: the actor names. */
  readonly actorTitles?: Readonly<Record<string, string>>;
  /** Short text for an event on a sequence-diagram arrow. */
  labelEvent(event: EventObject): string;
  /** Short text for an actor's state in a step table. */
  describeActor(...[actor, snapshot]: ActorState<TView>): string;
  /**
   * Optional, for report.html: an actor's state as labelled facts (e.g. "Turn": "not holding"),
   * shown in its pane beside the chart; a fact that changes in a step is highlighted.
   */
  factsOf?(...[actor, snapshot]: ActorState<TView>): readonly Fact[];
  /**
   * Optional: the actor that carries messages between the others (a network). With it, the
   * message sequence charts draw a message from its sender across this actor's lifeline to its
   * receiver, and mark the ones this actor lost.
   */
  readonly medium?: Medium<TView>;
  /**
   * Optional: a few words for a step that did nothing, or refused what it was given ("ignored",
   * "refused"), from what travelled during it and whether any actor's state changed; null
   * for a step that did something. The report shows it where the counterpart run differs.
   */
  stepEffect?(deliveries: readonly { readonly from: string; readonly to: string; readonly event: EventObject; readonly ignored?: boolean }[], changed: boolean): string | null;
}

/** One labelled part of an actor's state, for the report's panes. */
export interface Fact {
  readonly label: string;
  readonly value: string;
}

/** A message as the medium holds it: who sent it, for whom, and its text. */
export interface MessageInFlight {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/**
 * How messages travel through one actor. The checker learns which message a send is, and
 * which ones are in flight in each state; a message that leaves the medium without reaching
 * its receiver was lost there. Labels must be the same text for the same message on the way
 * in, in flight and on the way out.
 */
export interface Medium<TView extends StateView = StateView, TActor extends ActorOf<TView> = ActorOf<TView>> {
  readonly actor: TActor;
  /**
   * The message an event to or from the medium carries, with the actor it is for, or null when
   * it carries none (a loss notice, a disconnect): those are drawn as the medium's own events.
   * `from` is the actor that sent the event (the medium itself for a delivery).
   */
  messageOf(from: ActorOf<TView>, to: ActorOf<TView>, event: EventObject): MessageInFlight | null;
  /** The messages in flight in the medium's state, oldest first in each direction. */
  inFlight(snapshot: TView[TActor]): readonly MessageInFlight[];
}

// --- properties ------------------------------------------------------------------------

/**
 * One stage of a scenario: a step, from `previous` to `view`, that has to happen. (A function
 * type taken from a method, so that it compares like the other callbacks: see the top.)
 */
export type Stage<TView extends StateView = StateView> = { stage(view: TView, previous: TView): boolean }['stage'];

/** Stages that have to happen in this order along a path (other steps may come in between). */
export interface Scenario<TView extends StateView = StateView> {
  /** What the scenario shows, e.g. "shaped like KB Q166594". */
  readonly name: string;
  readonly stages: readonly Stage<TView>[];
}

interface PropertyBase<TView extends StateView> {
  /** The sentence name, used verbatim in tests, results and the README. */
  readonly name: string;
  /**
   * When the property fails: also the shortest counterexample that passes through this
   * scenario's stages first (always and noDeadlock properties), kept beside the shortest one.
   */
  readonly illustration?: Scenario<TView>;
  /**
   * When set, the property does not apply to this run and its verdict is "n/a" with this
   * reason (e.g. a two-way-alternate property in monologue).
   */
  readonly notApplicableBecause?: string;
  /**
   * Optional, for the reports: one sentence saying what went wrong at the end of a
   * counterexample ("nobody holds the Turn and 2 messages wait at A"), computed from its
   * states, first to last; `loopStart` is where the cycle of a trace ending in one starts.
   */
  explain?(states: readonly TView[], loopStart: number | null): string;
}

/** Holds in every reachable state. */
export interface AlwaysProperty<TView extends StateView = StateView> extends PropertyBase<TView> {
  readonly kind: 'always';
  holds(view: TView): boolean;
}

/**
 * Some reachable state, or some step, has it (`reached`), or some path passes through the
 * stages in order (`stages`): a pass is never empty.
 */
export type SometimesProperty<TView extends StateView = StateView> = PropertyBase<TView> & { readonly kind: 'sometimes' } & (
    | { reached(view: TView, previous: TView | null): boolean; readonly stages?: undefined }
    | { readonly stages: readonly Stage<TView>[]; readonly reached?: undefined }
  );

/**
 * No reachable state is stuck: every state with no step is a valid end state, and from every
 * reachable state a goal state is still reachable (AG EF goal).
 */
export interface NoDeadlockProperty<TView extends StateView = StateView> extends PropertyBase<TView> {
  readonly kind: 'noDeadlock';
  goal(view: TView): boolean;
}

/**
 * From every reachable state where `from` holds, every fair path reaches a state where `to`
 * holds, without taking a step of the excluded kinds and without passing a `failure` state.
 * Fair: weakly fair in protocol steps, finitely many faults. `from` = the initial state gives
 * "eventually".
 */
export interface LeadsToProperty<TView extends StateView = StateView> extends PropertyBase<TView> {
  readonly kind: 'leadsTo';
  from(view: TView, isInitial: boolean): boolean;
  to(view: TView): boolean;
  failure?(view: TView): boolean;
  readonly withoutStepKinds?: readonly StepKind[];
}

export type Property<TView extends StateView = StateView> = AlwaysProperty<TView> | SometimesProperty<TView> | NoDeadlockProperty<TView> | LeadsToProperty<TView>;
