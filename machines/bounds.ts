// The bounds of an exploration, in one place, each with its reason. Every report prints them.

import type { ChannelFault } from './channel.machine';
import type { DialogueMode } from './pdu';

export interface Bounds {
  readonly messagesFromA: number;
  readonly messagesFromB: number;
  readonly losses: number;
  readonly threshold: number;
  readonly recoveryAttempts: number;
  readonly proposedCheckpointSize: number;
  readonly proposedWindowSize: number;
  /** The acceptor's local checkpoint limit on one connection: one of these, chosen per connection. */
  readonly acceptorCheckpointLimits: readonly number[];
  /** The acceptor's local window limit on one connection: one of these, chosen per connection. */
  readonly acceptorWindowLimits: readonly number[];
  readonly messageSize: number;
  readonly capacity: number;
  /** Single-PDU faults of the channel (none by default). */
  readonly faults: readonly ChannelFault[];
  readonly maxFaults: number;
  /** Threshold associations each MTA may open in a run. */
  readonly thresholdAssociations: number;
  /** Times an MTA may repeat a Turn-Please before it gets the Turn. */
  readonly turnPleaseRepeats: number;
  /** Times an MTA may give the Turn unasked on one connection. */
  readonly unaskedGivesPerConnection: number;
}

export const defaultBounds: Bounds = {
  messagesFromA: 2,
  messagesFromB: 2,
  losses: 1,
  threshold: 3,
  recoveryAttempts: 2,
  proposedCheckpointSize: 2,
  proposedWindowSize: 2,
  acceptorCheckpointLimits: [1, 2],
  acceptorWindowLimits: [2],
  messageSize: 2,
  capacity: 16,
  faults: [],
  maxFaults: 1,
  thresholdAssociations: 1,
  turnPleaseRepeats: 0,
  unaskedGivesPerConnection: 0,
};

export const boundReasons: Record<keyof Bounds, string> = {
  messagesFromA: 'two messages from A: one to be interrupted, one queued behind it',
  messagesFromB: 'a backlog at B too (two-way alternate only): B asks for the Turn, may recover, and may open a threshold association',
  losses: 'one loss is enough for both KB bugs; more grow the space without new behaviour at these sizes',
  threshold: 'above every backlog, so the Turn bug shows as a deadlock; the runs with T = 2 let a queue reach it (the KB\'s workaround)',
  recoveryAttempts: 'two attempts show a retry, and running out of them; at least the losses, so every loss can be recovered',
  proposedCheckpointSize: 'both MTAs propose 2 KB in every connect, so an acceptor has a smaller size to answer',
  proposedWindowSize: 'both MTAs propose window 2',
  acceptorCheckpointLimits:
    'the acceptor\'s limit on one connection (ISODE rt2ssrespond.c: its session SSDU size ÷ 1024, which the connection decides) is 1 or 2 KB, chosen per connection: it lowers the 2 KB proposal on one connection and not on another',
  acceptorWindowLimits: 'the acceptor keeps window 2 on every connection: two segments may be unconfirmed at once',
  messageSize: '2 KB messages: 2 segments at 1 KB, one at 2 KB',
  capacity: 'room for the rest of a resumed message plus the whole next one (the sender starts it as soon as a completed resume is reported); reaching it is reported as a modelling error',
  faults: 'no single-PDU faults: RTSE assumes a connection that delivers in order until it is lost',
  maxFaults: 'at most one single-PDU fault in a run, when faults are on',
  thresholdAssociations: 'each MTA may open one threshold association in a run: enough for the workaround, no endless ping-pong',
  turnPleaseRepeats: 'a Turn-Please is not repeated; the runs "Turn-Please repeated, Turn given unasked" allow one repeat',
  unaskedGivesPerConnection: 'the Turn is given when asked; the runs "Turn-Please repeated, Turn given unasked" allow one give unasked per connection',
};

export const dialogueModes: readonly DialogueMode[] = ['monologue', 'twa'];

/** B sends only in two-way alternate. */
export function messagesFrom(side: 'A' | 'B', mode: DialogueMode, bounds: Bounds): number {
  if (side === 'A') return bounds.messagesFromA;
  return mode === 'twa' ? bounds.messagesFromB : 0;
}

/** Whether every loss can be recovered: at most as many losses as recovery attempts. */
export function everyLossRecoverable(bounds: Bounds): boolean {
  return bounds.losses <= bounds.recoveryAttempts;
}

/**
 * Whether a threshold association may open: a queue can reach T while its MTA does not hold
 * the Turn, which never happens in monologue (the initiator holds it throughout).
 */
export function thresholdReachable(mode: DialogueMode, bounds: Bounds): boolean {
  return mode === 'twa' && bounds.thresholdAssociations > 0 && Math.max(bounds.messagesFromA, bounds.messagesFromB) >= bounds.threshold;
}
