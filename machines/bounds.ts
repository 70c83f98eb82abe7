// The bounds of an exploration, in one place, each with its reason. Every report prints them.

import type { DialogueMode } from './pdu';

export interface Bounds {
  readonly messagesFromA: number;
  readonly messagesFromB: number;
  readonly losses: number;
  readonly threshold: number;
  readonly recoveryAttempts: number;
  readonly proposedCheckpointSize: number;
  readonly proposedWindowSize: number;
  readonly acceptorCheckpointLimit: number;
  readonly acceptorWindowLimit: number;
  readonly messageSize: number;
  readonly recoveryAnswerCheckpointSizes: readonly number[];
  readonly recoveryAnswerWindowSizes: readonly number[];
  readonly capacity: number;
}

export const defaultBounds: Bounds = {
  messagesFromA: 2,
  messagesFromB: 1,
  losses: 1,
  threshold: 3,
  recoveryAttempts: 2,
  proposedCheckpointSize: 2,
  proposedWindowSize: 2,
  acceptorCheckpointLimit: 1,
  acceptorWindowLimit: 2,
  messageSize: 2,
  recoveryAnswerCheckpointSizes: [0, 1, 2],
  recoveryAnswerWindowSizes: [1, 2],
  capacity: 16,
};

export const boundReasons: Record<keyof Bounds, string> = {
  messagesFromA: 'two messages from A: one to be interrupted, one queued behind it',
  messagesFromB: 'one message from B (two-way alternate only) makes B ask for the Turn',
  losses: 'one loss is enough for both KB bugs; more grow the space without new behaviour at these sizes',
  threshold: 'above the message count, so the Turn bug shows as a deadlock (at or below it, the threshold association hides it)',
  recoveryAttempts: 'two attempts show a retry, and running out of them',
  proposedCheckpointSize: 'A proposes 2 KB, so the acceptor has a smaller size to choose',
  proposedWindowSize: 'A proposes window 2',
  acceptorCheckpointLimit: 'B lowers the checkpoint size to 1 KB: negotiation changes something, and a message has 2 checkpoints',
  acceptorWindowLimit: 'B keeps window 2: two segments may be unconfirmed at once',
  messageSize: '2 KB messages: 2 segments at 1 KB, one at 2 KB',
  recoveryAnswerCheckpointSizes: 'every checkpoint size up to the proposal that an unpatched acceptor may answer a recovery with',
  recoveryAnswerWindowSizes: 'every window up to the proposal that an unpatched acceptor may answer a recovery with',
  capacity: 'room for the rest of a resumed message plus the whole next one (the sender starts it as soon as a completed resume is reported); reaching it is reported as a modelling error',
};

export const dialogueModes: readonly DialogueMode[] = ['monologue', 'twa'];

/** B sends only in two-way alternate. */
export function messagesFrom(side: 'A' | 'B', mode: DialogueMode, bounds: Bounds): number {
  if (side === 'A') return bounds.messagesFromA;
  return mode === 'twa' ? bounds.messagesFromB : 0;
}
