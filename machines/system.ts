// The composed system run with real actors: MTA A (association initiator), the channel, and
// MTA B (responder). PDUs an MTA emits go into the channel; the channel's deliveries and loss
// notices go to the MTA they are for. Nothing happens by itself: every step is an environment
// event (a submission, a delivery, a loss, a loss notice, the acceptor's limit, a timer), so a
// scenario is driven event by event and timers are events, never delays.

import { createActor, type Actor, type AnyEventObject, type InspectionEvent, type Observer, type SnapshotFrom } from 'xstate';
import { channelMachine, validateChannelInput, type ChannelEmitted, type ChannelInput, type Side } from './channel.machine';
import { peerEvent } from './pdu';
import type { MtaMachine, SendEvent } from './mta.machine';
import { validateMtaInput, type MtaInput } from './mta.input';

export type { Side } from './channel.machine';

/** One MTA's configuration without its role: A is always the initiator, B the responder. */
export type MtaConfig = Omit<MtaInput, 'role'>;

/** The charts to run and how each actor is configured. */
export interface SystemConfig {
  /** The MTA chart both MTAs run: a variant's (variants.ts) or a seeded fault's. */
  readonly machine: MtaMachine;
  /** The channel chart; a seeded fault may give its own. Default: channelMachine. */
  readonly channelChart?: ChannelMachine;
  readonly a: MtaConfig;
  readonly b: MtaConfig;
  readonly channel: ChannelInput;
}

/** Everything the environment can do; each is one step of the composed system. */
export type EnvironmentEvent =
  | { readonly type: 'user.submit'; readonly at: Side }
  | { readonly type: 'local.limit'; readonly at: Side; readonly checkpointSize: number; readonly windowSize: number }
  | { readonly type: 'timer.recovery'; readonly at: Side }
  | { readonly type: 'queue.threshold'; readonly at: Side }
  | { readonly type: 'turn.askAgain' | 'turn.giveUnasked'; readonly at: Side }
  | { readonly type: 'net.deliver' | 'net.notice' | 'net.drop' | 'net.duplicate' | 'net.reorder'; readonly to: Side }
  | { readonly type: 'net.lose' };

export type ChannelMachine = typeof channelMachine;
export type MtaSnapshot = SnapshotFrom<MtaMachine>;
export type ChannelSnapshot = SnapshotFrom<ChannelMachine>;

/** A composed state: each actor's snapshot, by actor name, at its own type. */
export type SystemView = { readonly A: MtaSnapshot; readonly channel: ChannelSnapshot; readonly B: MtaSnapshot };

export function mtaInputFor(side: Side, config: MtaConfig): MtaInput {
  return validateMtaInput({ ...config, role: side === 'A' ? 'initiator' : 'responder' });
}

/** The Turn as this MTA believes it: holding, notHolding, asking (PT sent) or giving (GTC sent). */
export function turnOf(snapshot: MtaSnapshot): 'holding' | 'notHolding' | 'asking' | 'giving' {
  const turn = (snapshot.value as { turn: string | Record<string, string> }).turn;
  if (typeof turn === 'string') return turn as 'giving';
  if ('notHolding' in turn) return turn.notHolding === 'asking' ? 'asking' : 'notHolding';
  return 'holding';
}

/** The association phase: idle, opening, answering, open, recovering, awaitingRecovery, closed. */
export function phaseOf(snapshot: MtaSnapshot): string {
  const association = (snapshot.value as { association: string | Record<string, string> }).association;
  return typeof association === 'string' ? association : Object.keys(association)[0]!;
}

export function queueLengthOf(snapshot: MtaSnapshot): number {
  return snapshot.context.submitted - snapshot.context.acknowledged;
}

export interface RunningSystem {
  readonly mtas: { readonly A: Actor<MtaMachine>; readonly B: Actor<MtaMachine> };
  readonly channel: Actor<ChannelMachine>;
  /** Performs one environment event. Returns whether any actor's state changed. */
  dispatch(event: EnvironmentEvent): boolean;
  /** Delivers loss notices and PDUs (in a fixed order) until nothing more arrives. Returns the steps taken. */
  drain(): EnvironmentEvent[];
  stop(): void;
}

export type ActorName = Side | 'channel';

/** Where an event emitted by one of the three actors goes. Shared by the actors and the checker. */
export function routeEmitted(from: ActorName, emitted: SendEvent | ChannelEmitted): { to: ActorName; event: AnyEventObject }[] {
  switch (emitted.type) {
    case 'send':
      return [{ to: 'channel', event: { type: 'mta.send', from: from as Side, pdu: emitted.pdu } }];
    case 'disconnect':
      return [{ to: 'channel', event: { type: 'mta.disconnect', from: from as Side } }];
    case 'deliver':
      return [{ to: emitted.to, event: peerEvent(emitted.pdu) }];
    case 'lossNoticed':
      return [{ to: emitted.to, event: { type: 'net.lost' } }];
  }
}

/** The actor an environment event is for, and the event it receives. */
export function actorEventOf(event: EnvironmentEvent): { actor: ActorName; event: AnyEventObject } {
  switch (event.type) {
    case 'user.submit':
    case 'timer.recovery':
    case 'queue.threshold':
    case 'turn.askAgain':
    case 'turn.giveUnasked':
      return { actor: event.at, event: { type: event.type } };
    case 'local.limit':
      return { actor: event.at, event: { type: 'local.limit', checkpointSize: event.checkpointSize, windowSize: event.windowSize } };
    case 'net.lose':
      return { actor: 'channel', event: { type: 'net.lose' } };
    default:
      return { actor: 'channel', event: { type: event.type, to: event.to } };
  }
}

/**
 * Starts the system with the config's charts; `inspect` is given to each actor (XState's
 * inspection API, e.g. the Stately inspector).
 */
export function createSystem(config: SystemConfig, inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void)): RunningSystem {
  const { machine, channelChart = channelMachine } = config;
  const channel = createActor(channelChart, { input: validateChannelInput(config.channel), inspect });
  const mtas = {
    A: createActor(machine, { input: mtaInputFor('A', config.a), inspect }),
    B: createActor(machine, { input: mtaInputFor('B', config.b), inspect }),
  };
  const actorsByName = { A: mtas.A, B: mtas.B, channel } as Record<ActorName, { send(event: AnyEventObject): void }>;
  const forward = (from: ActorName) => (emitted: SendEvent | ChannelEmitted) => {
    for (const { to, event } of routeEmitted(from, emitted)) actorsByName[to].send(event);
  };
  mtas.A.on('*', forward('A'));
  mtas.B.on('*', forward('B'));
  channel.on('*', forward('channel'));

  const actors = [channel, mtas.A, mtas.B] as const;
  // An exception inside a guard or action is a model bug: surface it instead of letting the
  // actor stop quietly.
  const failOnError = (error: unknown) => {
    throw error instanceof Error ? error : new Error(String(error));
  };
  channel.subscribe({ error: failOnError });
  mtas.A.subscribe({ error: failOnError });
  mtas.B.subscribe({ error: failOnError });
  // The channel first, so it is ready for the RTORQ that A sends as soon as it starts.
  channel.start();
  mtas.B.start();
  mtas.A.start();

  const snapshots = () => actors.map((actor) => actor.getSnapshot());

  function dispatch(event: EnvironmentEvent): boolean {
    const before = snapshots();
    const target = actorEventOf(event);
    actorsByName[target.actor].send(target.event);
    const after = snapshots();
    return after.some((snapshot, i) => snapshot !== before[i]);
  }

  function drain(): EnvironmentEvent[] {
    const steps: EnvironmentEvent[] = [];
    const order: EnvironmentEvent[] = [
      { type: 'net.notice', to: 'A' },
      { type: 'net.notice', to: 'B' },
      { type: 'net.deliver', to: 'B' },
      { type: 'net.deliver', to: 'A' },
    ];
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const event of order) {
        if (dispatch(event)) {
          steps.push(event);
          progressed = true;
          break;
        }
      }
      if (steps.length > 10_000) throw new Error('drain: more than 10000 deliveries, the system does not settle');
    }
    return steps;
  }

  return {
    mtas,
    channel,
    dispatch,
    drain,
    stop: () => actors.forEach((actor) => actor.stop()),
  };
}
