// Seeded faults of the patched model: each a plausible implementation mistake, made by
// substituting one guard or action through provide() (the charts exist once). `npm run
// mutants` explores each and records the first property that catches it. A fault that no
// property catches means a property is missing.

import { assign, emit, or, stateIn } from 'xstate';
import type { Bounds } from './bounds';
import { channelMachine } from './channel.machine';
import { segmentsPerMessage, type AnswerEvent, type MtaMachine } from './mta.machine';
import type { DialogueMode, RTORQ } from './pdu';
import { acceptsAnyRecoveryRequest, renegotiatesSizesOnRecovery, variants } from './variants';

export interface Mutant {
  /** Stable name, used in results/mutants.md. */
  readonly name: string;
  /** The mistake, in one sentence. */
  readonly fault: string;
  readonly machine?: MtaMachine;
  readonly channelChart?: typeof channelMachine;
  /** Modes to explore, in order; the first that catches the fault is reported. */
  readonly modes: readonly DialogueMode[];
  /** Bounds other than the defaults, and why the fault needs them to show. */
  readonly bounds?: Partial<Bounds>;
  readonly boundsReason?: string;
}

const patched = variants.patched;
const send = (pdu: object) => ({ type: 'send' as const, pdu }) as never;

export const mutants: readonly Mutant[] = [
  {
    name: 'window-check-off-by-one',
    fault: 'the sender issues a new minor sync while W are unconfirmed (<= instead of <)',
    machine: patched.provide({
      guards: {
        isWindowOpenForNextSegment: ({ context }) => {
          const { outgoing, agreed } = context;
          if (outgoing === null || agreed === null) return false;
          const segments = segmentsPerMessage(agreed.checkpointSize, context.config.messageSize);
          return outgoing.segmentsSent < segments && outgoing.segmentsSent - outgoing.lastConfirmedSerial <= agreed.windowSize;
        },
      },
    }),
    modes: ['monologue', 'twa'],
    bounds: { acceptorWindowLimit: 1 },
    boundsReason: 'with window 2 and 2 segments the window never fills',
  },
  {
    name: 'resume-from-checkpoint-zero',
    fault: 'ACTIVITY-RESUME names checkpoint 0 instead of the last confirmed one, while the sender goes on after the last confirmed',
    machine: patched.provide({
      actions: { sendActivityResume: emit(({ context }) => send({ kind: 'AR', activity: context.outgoing!.activity, serial: 0 })) },
    }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'completed-activity-not-recognised',
    fault: 'the receiver does not recognise the resume (or restart) of an activity it already completed',
    machine: patched.provide({ guards: { isAlreadyDelivered: () => false } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'giver-keeps-sending',
    fault: 'the giver keeps starting activities after it sent GTC',
    machine: patched.provide({ guards: { isHoldingTurnUnasked: or([stateIn('#mta.turn.holding.unasked'), stateIn('#mta.turn.giving')]) as never } }),
    modes: ['twa'],
  },
  {
    name: 'turn-given-mid-activity',
    fault: 'a Turn-Please is answered while an activity is open',
    machine: patched.provide({ guards: { hasNoActivityInProgress: () => true } }),
    modes: ['twa'],
  },
  {
    name: 'acceptor-raises-checkpoint-size',
    fault: 'the acceptor answers with a checkpoint size above the proposal',
    machine: patched.provide({
      actions: {
        agreeOnOpenRequest: assign(({ event }) => {
          const request = (event as { pdu: RTORQ }).pdu;
          const agreement = { checkpointSize: request.checkpointSize + 1, windowSize: request.windowSize, dialogueMode: request.dialogueMode };
          return { connectionId: request.connectionData.connectionId, agreed: agreement, original: agreement, request: null };
        }),
      },
    }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'confirmation-taken-for-everything-sent',
    fault: 'a minor-sync confirmation is taken to confirm every segment sent so far, whatever its serial',
    machine: patched.provide({
      actions: {
        recordCheckpointConfirmed: assign({
          outgoing: ({ context }) => (context.outgoing === null ? null : { ...context.outgoing, lastConfirmedSerial: context.outgoing.segmentsSent }),
        }),
      },
    }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'no-rewind-on-interruption',
    fault: 'after a loss the sender resumes without going back to the last confirmed checkpoint',
    machine: patched.provide({ actions: { rewindToLastCheckpoint: () => {} } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'window-not-kept-for-recovery',
    fault: 'the acceptor keeps only the checkpoint size for recovery and answers any window',
    machine: patched.provide({
      guards: {
        isAcceptableRecoveryAnswer: ({ context, event }) =>
          event.type === 'local.answer' && context.original !== null && (event as AnswerEvent).checkpointSize === context.original.checkpointSize,
      },
    }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'end-confirmed-without-delivery',
    fault: 'the receiver confirms ACTIVITY-END without handing the message on',
    machine: patched.provide({ actions: { deliverMessage: assign({ incoming: null }) } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'give-not-acknowledged',
    fault: 'the receiver of a GTC takes the Turn but sends no GTA',
    machine: patched.provide({ actions: { acknowledgeTurn: () => {} } }),
    modes: ['twa'],
  },
  {
    name: 'minor-sync-never-confirmed',
    fault: 'the receiver records a minor sync but never confirms it',
    machine: patched.provide({ actions: { confirmMinorSync: () => {} } }),
    modes: ['monologue', 'twa'],
    bounds: { acceptorWindowLimit: 1 },
    boundsReason: 'with window 2 and 2 segments the sender never waits for a confirmation',
  },
  {
    name: 'stale-sender-accepted-after-reconnect',
    fault: 'the channel carries what a side sends on a connection it is no longer part of',
    channelChart: channelMachine.provide({ guards: { isSenderOnCurrentConnection: () => true } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'turn-belief-kept-on-recovery',
    fault: 'after a recovery each side keeps its pre-loss Turn belief (KB Q166594 reintroduced)',
    machine: patched.provide({ guards: { isTurnRederivedOnRecovery: () => false } }),
    modes: ['twa'],
  },
  {
    name: 'recovery-answer-renegotiated',
    fault: 'the acceptor answers a recovery like a new open, with any size up to the proposal (KB Q187929 reintroduced)',
    machine: patched.provide({ guards: { isAcceptableRecoveryAnswer: renegotiatesSizesOnRecovery, isRecoveryRequestCompatible: acceptsAnyRecoveryRequest } }),
    modes: ['monologue', 'twa'],
  },
];
