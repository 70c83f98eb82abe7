// Seeded faults: each a plausible implementation mistake, made by substituting one guard or
// action through provide() (the charts exist once), on top of a base variant. `npm run
// mutants` explores each beside its base at the same bounds; a fault is caught when some
// verdict differs from the base's. A fault that no verdict notices means a property is missing.

import { and, assign, emit, not, or, stateIn } from 'xstate';
import type { Bounds } from '../bounds';
import { channelMachine } from '../channel.machine';
import { negotiate, segmentsPerMessage, type LimitEvent, type MtaMachine } from '../mta.machine';
import type { DialogueMode, RTORQ } from '../pdu';
import { variants, type VariantName } from '../variants';

export interface Mutant {
  /** Stable name, used in results/mutants.md. */
  readonly name: string;
  /** The mistake, in one sentence. */
  readonly fault: string;
  /** The variant the fault is seeded into: patched, or a variant whose other behaviour the fault needs. */
  readonly base: VariantName;
  readonly machine?: MtaMachine;
  readonly channelChart?: typeof channelMachine;
  /** Modes to explore, in order; the first whose verdicts differ from the base's catches the fault. */
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
    base: 'patched',
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
    bounds: { acceptorWindowLimits: [1] },
    boundsReason: 'with window 2 and 2 segments the window never fills',
  },
  {
    name: 'resume-from-checkpoint-zero',
    fault: 'ACTIVITY-RESUME names checkpoint 0 instead of the last confirmed one, while the sender goes on after the last confirmed',
    base: 'patched',
    machine: patched.provide({
      actions: { sendActivityResume: emit(({ context }) => send({ kind: 'AR', activity: context.outgoing!.activity, serial: 0 })) },
    }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'completed-activity-not-recognised',
    fault: 'the receiver does not recognise the resume (or restart) of an activity it already completed',
    base: 'patched',
    machine: patched.provide({ guards: { isAlreadyDelivered: () => false } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'giver-keeps-sending',
    fault: 'the giver keeps starting activities after it sent GTC',
    base: 'patched',
    machine: patched.provide({ guards: { isHoldingTurnUnasked: or([stateIn('#mta.turn.holding.unasked'), stateIn('#mta.turn.giving')]) as never } }),
    modes: ['twa'],
  },
  {
    name: 'turn-given-mid-activity',
    fault: 'a Turn-Please is answered while an activity is open',
    base: 'patched',
    machine: patched.provide({ guards: { hasNoActivityInProgress: () => true } }),
    modes: ['twa'],
  },
  {
    name: 'acceptor-raises-checkpoint-size',
    fault: 'the acceptor answers a connect with a checkpoint size above the proposal',
    base: 'patched',
    machine: patched.provide({
      actions: {
        agreeFromLocalLimit: assign({
          agreed: ({ context }) => {
            const request = context.request as RTORQ;
            return { checkpointSize: request.checkpointSize + 1, windowSize: request.windowSize, dialogueMode: request.dialogueMode };
          },
        }),
      },
    }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'confirmation-taken-for-everything-sent',
    fault: 'a minor-sync confirmation is taken to confirm every segment sent so far, whatever its serial',
    base: 'patched',
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
    base: 'patched',
    machine: patched.provide({ actions: { rewindToLastCheckpoint: () => {} } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'window-not-kept-for-recovery',
    fault: 'the acceptor keeps only the checkpoint size for a recovery and answers the window from its current limit',
    base: 'patched',
    machine: patched.provide({
      actions: {
        agreeOnOriginal: assign({
          agreed: ({ context, event }) => {
            const window = negotiate(context.request as RTORQ, event as LimitEvent).windowSize;
            return context.original === null ? null : { ...context.original, windowSize: window };
          },
        }),
      },
    }),
    modes: ['monologue', 'twa'],
    bounds: { acceptorWindowLimits: [1, 2] },
    boundsReason: 'the acceptor\'s window limit must differ between connections',
  },
  {
    name: 'end-confirmed-without-delivery',
    fault: 'the receiver confirms ACTIVITY-END without handing the message on',
    base: 'patched',
    machine: patched.provide({ actions: { deliverMessage: assign({ incoming: null }) } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'give-not-acknowledged',
    fault: 'the receiver of a GTC takes the Turn but sends no GTA',
    base: 'patched',
    machine: patched.provide({ actions: { acknowledgeTurn: () => {} } }),
    modes: ['twa'],
  },
  {
    name: 'minor-sync-never-confirmed',
    fault: 'the receiver records a minor sync but never confirms it',
    base: 'patched',
    machine: patched.provide({ actions: { confirmMinorSync: () => {} } }),
    modes: ['monologue', 'twa'],
    bounds: { acceptorWindowLimits: [1] },
    boundsReason: 'with window 2 and 2 segments the sender never waits for a confirmation',
  },
  {
    name: 'stale-sender-accepted-after-reconnect',
    fault: 'the channel carries what a side sends on a connection it is no longer part of',
    base: 'patched',
    channelChart: channelMachine.provide({ guards: { isSenderOnCurrentConnection: () => true } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'turn-belief-kept-on-recovery',
    fault: 'after a recovery each side keeps its pre-loss Turn belief (KB Q166594 reintroduced)',
    base: 'patched',
    machine: patched.provide({ guards: { isTurnRederivedOnRecovery: () => false } }),
    modes: ['twa'],
  },
  {
    name: 'recovery-answered-from-current-limit',
    fault: 'the acceptor answers a recovery like a fresh open, from its current local limit (KB Q187929 reintroduced)',
    base: 'patched',
    machine: patched.provide({ guards: { isRecoveryBoundByOriginalAgreement: () => false } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'caller-adopts-changed-recovery-answer',
    fault: 'the recovering MTA adopts whatever sizes the recovery answer carries (as ISODE\'s initiator adopts any RTOAC) and resumes at checkpoint k of the new size',
    base: 'turn-fix',
    machine: variants['turn-fix'].provide({ guards: { isOriginalAgreement: () => true } }),
    modes: ['monologue', 'twa'],
  },
  {
    name: 'threshold-association-never-opened',
    fault: 'the MTA never opens the threshold association (the KB\'s workaround is gone)',
    base: 'unpatched',
    machine: variants.unpatched.provide({ guards: { mayOpenThresholdAssociation: () => false } }),
    modes: ['twa'],
    bounds: { threshold: 2 },
    boundsReason: 'a queue must be able to reach the threshold',
  },
  {
    name: 'two-way-recovery-refused-with-mail-queued',
    fault: 'in two-way alternate the acceptor refuses every recovery (cannotRecover) while it has mail of its own queued',
    base: 'patched',
    machine: patched.provide({
      guards: { answersRecoveryWithOriginal: and(['isRecoveryBoundByOriginalAgreement', 'isRecoveryRequestCompatible', not(and(['isTwoWayAlternate', 'hasMailWaiting']))]) as never },
    }),
    modes: ['twa'],
  },
];
