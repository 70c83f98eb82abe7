// The MTA system as a model for the checker: A (association initiator), the channel and B
// (responder), how their emitted events are routed, which environment steps exist under the
// bounds, and how to start the same system with real actors for replays.

import type { EventObject } from 'xstate';
import type { ActorState, ComposedModel, EnvironmentStep, Fact, Medium, StateView } from '../explore/engine/model';
import type { Bounds } from './bounds';
import { messagesFrom } from './bounds';
import { channelMachine, validateChannelInput, type ChannelEmitted } from './channel.machine';
import type { MtaContext, MtaMachine, SendEvent } from './mta.machine';
import { describePdu, type DialogueMode, type Pdu } from './pdu';
import {
  actorEventOf,
  createSystem,
  mtaInputFor,
  phaseOf,
  queueLengthOf,
  routeEmitted,
  turnOf,
  type ActorName,
  type ChannelMachine,
  type EnvironmentEvent,
  type MtaConfig,
  type ChannelSnapshot,
  type MtaSnapshot,
  type Side,
  type SystemConfig,
  type SystemView,
} from './system';

export interface CompositionOptions {
  /** The MTA chart to run: a variant's, or a seeded fault's. */
  readonly machine: MtaMachine;
  /** The channel chart to run; a seeded fault may pass its own. */
  readonly channelChart?: ChannelMachine;
  readonly mode: DialogueMode;
  readonly bounds: Bounds;
}

/** Both MTAs are configured alike: each proposes the same sizes in every connect it sends. */
export function systemConfigFor({ machine, channelChart = channelMachine, mode, bounds }: CompositionOptions): SystemConfig {
  const config: MtaConfig = {
    dialogueMode: mode,
    messageThreshold: bounds.threshold,
    recoveryAttempts: bounds.recoveryAttempts,
    messageSize: bounds.messageSize,
    checkpointSize: bounds.proposedCheckpointSize,
    windowSize: bounds.proposedWindowSize,
    maxThresholdAssociations: bounds.thresholdAssociations,
    turnPleaseRepeats: bounds.turnPleaseRepeats,
    unaskedGivesPerConnection: bounds.unaskedGivesPerConnection,
  };
  const channel = { capacity: bounds.capacity, maxLosses: bounds.losses, faults: bounds.faults, maxFaults: bounds.maxFaults };
  return { machine, channelChart, a: config, b: config, channel };
}

export const mtaOf = (view: SystemView, side: Side): MtaSnapshot => view[side];
export const channelOf = (view: SystemView): ChannelSnapshot => view.channel;

/**
 * A state of an exploration of this composition (Exploration.view), at its types. The checker
 * holds views by actor name only; it builds each from the composition's own actors.
 */
export const systemViewOf = (view: StateView): SystemView => view as SystemView;

/**
 * The PDU an event between the actors carries (mta.send, peer.*), if any. The checker hands
 * over events untyped; every event of the charts with a `pdu` field carries a Pdu.
 */
function pduOf(event: EventObject): Pdu | null {
  return 'pdu' in event ? (event.pdu as Pdu) : null;
}

function stepFor(event: EnvironmentEvent, label: string, kind: EnvironmentStep['kind'], fairnessKey = label): EnvironmentStep<EnvironmentEvent> {
  const { actor, event: actorEvent } = actorEventOf(event);
  return { label, actor, event: actorEvent, kind, fairnessKey, payload: event };
}

/** Every environment step there is under these bounds, whether or not it is enabled now. */
export function everyEnvironmentStep(bounds: Bounds): EnvironmentStep<EnvironmentEvent>[] {
  const steps: EnvironmentStep<EnvironmentEvent>[] = [];
  for (const side of ['A', 'B'] as const) {
    steps.push(stepFor({ type: 'user.submit', at: side }, `submit at ${side}`, 'user'));
    steps.push(stepFor({ type: 'net.deliver', to: side }, `deliver to ${side}`, 'protocol'));
    steps.push(stepFor({ type: 'net.notice', to: side }, `${side} notices the loss`, 'protocol'));
    steps.push(stepFor({ type: 'timer.recovery', at: side }, `recovery timeout at ${side}`, 'protocol'));
    steps.push(stepFor({ type: 'queue.threshold', at: side }, `threshold at ${side}`, 'workaround'));
    steps.push(stepFor({ type: 'turn.askAgain', at: side }, `${side} asks for the Turn again`, 'choice'));
    steps.push(stepFor({ type: 'turn.giveUnasked', at: side }, `${side} gives the Turn unasked`, 'choice'));
    for (const checkpointSize of bounds.acceptorCheckpointLimits) {
      for (const windowSize of bounds.acceptorWindowLimits) {
        const event: EnvironmentEvent = { type: 'local.limit', at: side, checkpointSize, windowSize };
        steps.push(stepFor(event, `${side} answers, limit ckpt ${checkpointSize} win ${windowSize}`, 'protocol', `${side} answers`));
      }
    }
    for (const fault of bounds.faults) {
      const type = `net.${fault}` as const;
      steps.push(stepFor({ type, to: side }, `${fault} a PDU to ${side}`, 'fault'));
    }
  }
  steps.push(stepFor({ type: 'net.lose' }, 'connection lost', 'fault'));
  return steps;
}

const otherSide = (side: Side) => (side === 'A' ? 'B' : 'A');

/**
 * The actors whose state decides whether an environment step is offered: it is offered when
 * each of them offers it. The recovery timer needs both MTAs: it fires only when this side
 * waits and the other is not recovering, answering or still on the old connection. So does the
 * threshold association: it replaces the open association only while the other side leaves it
 * idle.
 */
export function decidedBy(payload: EnvironmentEvent): ActorName[] {
  if (payload.type === 'timer.recovery' || payload.type === 'queue.threshold') return [payload.at, otherSide(payload.at)];
  return ['at' in payload ? payload.at : 'channel'];
}

/**
 * The other MTA leaves the open association idle: it is open on it, has no transfer going and
 * is not giving the Turn. Only then may a threshold association replace it [A]: it carries
 * nothing the replacement could interrupt (Exchange would run the new one beside it).
 */
function isQuietPeer(snapshot: MtaSnapshot): boolean {
  return snapshot.matches({ association: { open: 'ready' } }) && snapshot.matches({ sending: 'idle' }) && turnOf(snapshot) !== 'giving';
}

/** Phases of the other MTA in which a recovery is in progress or can still start. */
const recoveryStillPossibleIn = new Set(['open', 'recovering', 'answering']);

/**
 * Whether `actor` (one of decidedBy(payload)) lets the step be tried: the steps the machines
 * would certainly ignore are left out, and the timers wait for every recovery that can still
 * succeed ([A] timers are long compared with a recovery over a working connection). A test
 * checks on every reachable state of a small bound that the left-out steps change nothing but
 * a timer or a threshold association (both waiting on purpose).
 */
export function isOffered(payload: EnvironmentEvent, mode: DialogueMode, bounds: Bounds, ...[actor, snapshot]: ActorState<SystemView>): boolean {
  return actor === 'channel' ? channelOffers(payload, snapshot, bounds) : mtaOffers(payload, actor, snapshot, mode, bounds);
}

/** isOffered for MTA `side`: the steps at an MTA; it has no say in the channel's. */
function mtaOffers(payload: EnvironmentEvent, side: Side, snapshot: MtaSnapshot, mode: DialogueMode, bounds: Bounds): boolean {
  switch (payload.type) {
    case 'user.submit':
      return snapshot.context.submitted < messagesFrom(payload.at, mode, bounds);
    case 'local.limit':
      return phaseOf(snapshot) === 'answering';
    case 'timer.recovery':
      return side === payload.at ? phaseOf(snapshot) === 'awaitingRecovery' : !recoveryStillPossibleIn.has(phaseOf(snapshot));
    case 'queue.threshold':
      return side === payload.at ? queueLengthOf(snapshot) >= bounds.threshold : isQuietPeer(snapshot);
    case 'turn.askAgain':
      return turnOf(snapshot) === 'asking' && snapshot.matches({ association: { open: 'ready' } });
    case 'turn.giveUnasked':
      return snapshot.matches({ turn: { holding: 'unasked' } }) && snapshot.matches({ sending: 'idle' });
    default:
      return false;
  }
}

/** isOffered for the channel: the steps of the network; it has no say in the MTAs'. */
function channelOffers(payload: EnvironmentEvent, channel: ChannelSnapshot, bounds: Bounds): boolean {
  const queue = 'to' in payload ? (payload.to === 'A' ? channel.context.toA : channel.context.toB) : [];
  switch (payload.type) {
    case 'net.deliver':
      return queue.length > 0 && (!channel.context.lossNoticePending[payload.to] || queue[0]!.kind === 'RTORQ');
    case 'net.notice':
      return channel.context.lossNoticePending[payload.to];
    case 'net.lose':
      return channel.context.losses < bounds.losses && channel.value === 'up';
    case 'net.drop':
    case 'net.duplicate':
    case 'net.reorder':
      return channel.value === 'up' && channel.context.faults < bounds.maxFaults && queue.length >= (payload.type === 'net.reorder' ? 2 : 1);
    default:
      return false;
  }
}

/** An actor of the view with its snapshot, as isOffered takes them. */
function actorState(view: SystemView, actor: ActorName): ActorState<SystemView> {
  return actor === 'channel' ? [actor, view.channel] : [actor, view[actor]];
}

/** The steps worth trying in a state: `everyEnvironmentStep` filtered by `isOffered` of every deciding actor. */
export function enabledEnvironmentSteps(all: readonly EnvironmentStep<EnvironmentEvent>[], mode: DialogueMode, bounds: Bounds, view: SystemView) {
  return all.filter(({ payload }) => decidedBy(payload).every((actor) => isOffered(payload, mode, bounds, ...actorState(view, actor))));
}

function withoutConfig(snapshot: MtaSnapshot | ChannelSnapshot): unknown {
  const { config: _config, ...context } = snapshot.context;
  return { status: snapshot.status, value: snapshot.value, context };
}

const turnInWords = { holding: 'holding the Turn', notHolding: 'not holding', asking: 'not holding (asked for it)', giving: 'not holding (gave it)' } as const;

function describeMta(snapshot: MtaSnapshot): string {
  const context: MtaContext = snapshot.context;
  const parts = [phaseOf(snapshot), turnInWords[turnOf(snapshot)]];
  if (context.agreed !== null) {
    const { agreed, original } = context;
    const sizes = `ckpt ${agreed.checkpointSize} KB win ${agreed.windowSize}`;
    parts.push(original !== null && (original.checkpointSize !== agreed.checkpointSize || original.windowSize !== agreed.windowSize) ? `${sizes} (originally ckpt ${original.checkpointSize} KB win ${original.windowSize})` : sizes);
  }
  const out = context.outgoing;
  if (out) parts.push(`sending msg ${out.activity} (${out.segmentsSent} segments sent, checkpoint ${out.lastConfirmedSerial} confirmed)`);
  const incoming = context.incoming;
  if (incoming) parts.push(`receiving msg ${incoming.activity} (${incoming.kbHeld} KB held)`);
  parts.push(`queue ${queueLengthOf(snapshot)}`);
  if (context.delivered.length > 0) parts.push(`delivered ${context.delivered.join(',')}`);
  return parts.join(' · ');
}

/** The kinds of the PDUs in flight one way, in order; ∅ for none. */
const pduKinds = (pdus: readonly Pdu[]) => (pdus.length === 0 ? '∅' : pdus.map((pdu) => pdu.kind).join(' '));

/** The sides that have not yet noticed the last loss. */
const noticesPending = (snapshot: ChannelSnapshot): Side[] => (['A', 'B'] as const).filter((side) => snapshot.context.lossNoticePending[side]);

function describeChannel(snapshot: ChannelSnapshot): string {
  const { context } = snapshot;
  const notices = noticesPending(snapshot);
  const connection = String(snapshot.value);
  return `${connection} · to B: ${pduKinds(context.toB)} · to A: ${pduKinds(context.toA)}${notices.length ? ` · loss not yet seen by ${notices.join(',')}` : ''}`;
}

const sizesOf = (agreement: MtaContext['agreed'], unit: string, pick: (a: NonNullable<MtaContext['agreed']>) => number) =>
  agreement === null ? '—' : `${pick(agreement)}${unit}`;

/** An MTA's state as the report's pane shows it: the Turn, both agreements (Q187929), the traffic. */
function mtaFacts(snapshot: MtaSnapshot): Fact[] {
  const { agreed, original, outgoing, incoming, delivered } = snapshot.context;
  return [
    { label: 'association', value: phaseOf(snapshot) },
    { label: 'Turn', value: turnInWords[turnOf(snapshot)] },
    { label: 'checkpoint agreed / original', value: `${sizesOf(agreed, ' KB', (a) => a.checkpointSize)} / ${sizesOf(original, ' KB', (a) => a.checkpointSize)}` },
    { label: 'window agreed / original', value: `${sizesOf(agreed, '', (a) => a.windowSize)} / ${sizesOf(original, '', (a) => a.windowSize)}` },
    { label: 'sending', value: outgoing ? `msg ${outgoing.activity}: ${outgoing.segmentsSent} segment(s) sent, checkpoint ${outgoing.lastConfirmedSerial} confirmed` : '—' },
    { label: 'receiving', value: incoming ? `msg ${incoming.activity}: ${incoming.kbHeld} KB held` : '—' },
    { label: 'queue', value: `${queueLengthOf(snapshot)} waiting` },
    { label: 'delivered here', value: delivered.length === 0 ? 'none' : `msg ${delivered.join(', ')}` },
  ];
}

function channelFacts(snapshot: ChannelSnapshot): Fact[] {
  const { context } = snapshot;
  const notices = noticesPending(snapshot);
  return [
    { label: 'connection', value: String(snapshot.value) },
    { label: 'in flight to B', value: pduKinds(context.toB) },
    { label: 'in flight to A', value: pduKinds(context.toA) },
    { label: 'loss not yet seen by', value: notices.length ? notices.join(', ') : '—' },
    { label: 'losses so far', value: String(context.losses) },
  ];
}

/**
 * The channel as the medium of the message sequence charts: a PDU sent by one MTA is for the
 * other; what is in flight is the two FIFOs. A loss notice and a disconnect carry no PDU.
 */
const channelAsMedium: Medium<SystemView, 'channel'> = {
  actor: 'channel',
  messageOf(from, to, event) {
    const pdu = pduOf(event);
    if (pdu === null) return null;
    const label = describePdu(pdu);
    if (to === 'channel' && from !== 'channel') return { from, to: otherSide(from), label };
    if (from === 'channel' && to !== 'channel') return { from: otherSide(to), to, label };
    return null;
  },
  inFlight(snapshot) {
    const { toA, toB } = snapshot.context;
    return [...toB.map((pdu) => ({ from: 'A', to: 'B', label: describePdu(pdu) })), ...toA.map((pdu) => ({ from: 'B', to: 'A', label: describePdu(pdu) }))];
  },
};

/**
 * What a step did, when it did nothing or refused: "refused" when an MTA sent a refusal (RTORJ)
 * or released the connection over a changed recovery answer; "ignored" when an MTA did nothing
 * with a PDU it was given, or nothing changed at all.
 */
function stepEffect(deliveries: readonly { from: string; to: string; event: EventObject; ignored?: boolean }[], changed: boolean): string | null {
  const refused = deliveries.some(
    (d) => d.to === 'channel' && (d.event.type === 'mta.disconnect' || (d.event.type === 'mta.send' && pduOf(d.event)?.kind === 'RTORJ')),
  );
  if (refused) return 'refused';
  // An MTA that neither changed nor answered did nothing with the PDU.
  const ignoredPdu = deliveries.some(
    (d, k) => d.from === 'channel' && d.to !== 'channel' && 'pdu' in d.event && d.ignored === true && !deliveries.slice(k + 1).some((later) => later.from === d.to),
  );
  return ignoredPdu || !changed ? 'ignored' : null;
}

export function composeSystem(options: CompositionOptions): ComposedModel<EnvironmentEvent, SystemView> {
  const { mode, bounds } = options;
  const config = systemConfigFor(options);
  const { machine, channelChart = channelMachine } = config;
  const allSteps = everyEnvironmentStep(bounds);
  return {
    actors: [
      { name: 'A', machine, input: mtaInputFor('A', config.a) },
      { name: 'channel', machine: channelChart, input: validateChannelInput(config.channel) },
      { name: 'B', machine, input: mtaInputFor('B', config.b) },
    ],
    // What an actor emits is what its chart declares it emits (the checker hands it over untyped).
    route: (from, emitted) => routeEmitted(from, emitted as SendEvent | ChannelEmitted),
    environment: (view) => enabledEnvironmentSteps(allSteps, mode, bounds, view),
    factoredEnvironment: {
      steps: allSteps,
      decidedBy: ({ payload }) => decidedBy(payload),
      offers: ({ payload }, ...actorState) => isOffered(payload, mode, bounds, ...actorState),
    },
    isValidEndState: (view) => queueLengthOf(mtaOf(view, 'A')) === 0 && queueLengthOf(mtaOf(view, 'B')) === 0,
    keyOf: (_, snapshot) => withoutConfig(snapshot),
    startRuntime(runtimeOptions = {}) {
      const system = createSystem(config, runtimeOptions.inspect);
      return {
        perform: (payload) => void system.dispatch(payload),
        snapshots: () => ({ A: system.mtas.A.getSnapshot(), channel: system.channel.getSnapshot(), B: system.mtas.B.getSnapshot() }),
        stop: () => system.stop(),
      };
    },
    presentation: {
      actorTitles: { A: 'MTA A', channel: 'channel', B: 'MTA B' },
      labelEvent(event: EventObject) {
        const pdu = pduOf(event);
        if (pdu !== null) return describePdu(pdu);
        if (event.type === 'net.lost') return 'loss noticed';
        if (event.type === 'disconnect' || event.type === 'mta.disconnect') return 'disconnect';
        return event.type;
      },
      describeActor(actor, snapshot) {
        return actor === 'channel' ? describeChannel(snapshot) : describeMta(snapshot);
      },
      factsOf: (actor, snapshot) => (actor === 'channel' ? channelFacts(snapshot) : mtaFacts(snapshot)),
      medium: channelAsMedium,
      stepEffect,
    },
  };
}
