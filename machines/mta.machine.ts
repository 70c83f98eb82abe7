// One X.400 MTA's RTSE + session protocol machine. The same chart serves both MTAs; the
// role (association initiator or responder) and the configuration come in by `input`.
//
// Four parallel regions, each one idea:
//   association  idle → opening/answering → open → recovering / awaitingRecovery → ...
//   turn         who this MTA believes holds the Turn (the session tokens)
//   sending      the outgoing activity: one P1 message = one session activity
//   receiving    the incoming activity and the messages delivered here
//
// Where the 4.0/5.0 MTA goes wrong is two guards, substituted in variants.ts:
//   isTurnRederivedOnRecovery    (KB Q166594) in the turn region's reaction to a recovery
//   isAcceptableRecoveryAnswer   (KB Q187929) in association.answeringRecovery
// The implementations below are the patched ones.
//
// Every transition that encodes protocol behaviour carries a `description` naming its source:
// a clause or document [S], a recalled fact not yet confirmed in the standard [R], or a
// modelling assumption [A] (see the README's assumption table).

import { and, assign, emit, not, raise, setup, stateIn } from 'xstate';
import type { DialogueMode, Pdu, RefuseReason, RTOAC, RTORQ, TokenSetting } from './pdu';
import { validateMtaInput, type MtaInput } from './mta.input';

export interface Agreement {
  readonly checkpointSize: number;
  readonly windowSize: number;
  readonly dialogueMode: DialogueMode;
}

export interface OutgoingActivity {
  /** The message id (1, 2, ... per sender); also the session activity identifier. */
  readonly activity: number;
  readonly segmentsSent: number;
  /** Serial of the last minor sync the receiver confirmed: where a resume starts. */
  readonly lastConfirmedSerial: number;
}

export interface IncomingActivity {
  readonly activity: number;
  readonly segmentsHeld: number;
  readonly lastConfirmedSerial: number;
  /** Verification only: every segment held arrived in order, with no gap. */
  readonly intact: boolean;
}

export interface MtaContext {
  readonly config: MtaInput;
  /** The session connection identifier of the current association (0: none yet). The initiator chooses it. */
  readonly connectionId: number;
  /** What the current connection agreed. */
  readonly agreed: Agreement | null;
  /** What the association first agreed: kept for recovery. */
  readonly original: Agreement | null;
  /** Responder: the recovery request being answered. */
  readonly request: RTORQ | null;
  readonly recoveryAttemptsUsed: number;
  /** Messages submitted here; their ids are 1..submitted. */
  readonly submitted: number;
  /** Messages the peer has confirmed (AEA, or transferCompleted on a resume). Queue = submitted - acknowledged. */
  readonly acknowledged: number;
  readonly outgoing: OutgoingActivity | null;
  readonly incoming: IncomingActivity | null;
  /** Ids of the peer's messages delivered here, in delivery order. */
  readonly delivered: readonly number[];
  /** Verification only: ids of messages delivered with segments missing, repeated or out of order. */
  readonly damagedDeliveries: readonly number[];
}

/** The acceptor's answer to a recovery request: its choice, offered by the environment. */
export interface AnswerEvent {
  readonly type: 'local.answer';
  readonly checkpointSize: number;
  readonly windowSize: number;
}

/** Raised internally when a connection is established, so every region reacts in one step. */
export interface EstablishedEvent {
  readonly type: 'association.established';
  readonly fresh: boolean;
  readonly initialTurn: TokenSetting;
}

export type MtaEvent =
  | { type: 'user.submit' }
  | { type: 'net.lost' }
  | { type: 'timer.recovery' }
  | { type: 'queue.threshold' }
  | AnswerEvent
  | EstablishedEvent
  | { [K in Pdu['kind']]: { type: `peer.${K}`; pdu: Extract<Pdu, { kind: K }> } }[Pdu['kind']];

/** What an MTA hands to the channel. */
export interface SendEvent {
  readonly type: 'send';
  readonly pdu: Pdu;
}

type GuardArgs = { context: MtaContext; event: MtaEvent };

/** Number of segments of checkpointSize KB in a message of messageSize KB; one segment without checkpointing. */
export function segmentsPerMessage(checkpointSize: number, messageSize: number): number {
  return checkpointSize === 0 ? 1 : Math.ceil(messageSize / checkpointSize);
}

/** The responder's answer to an open request: it may only lower; 0 stays 0. */
export function negotiate(request: RTORQ, config: MtaInput): Agreement {
  return {
    checkpointSize: Math.min(request.checkpointSize, config.checkpointSize),
    windowSize: Math.min(request.windowSize, config.windowSize),
    dialogueMode: request.dialogueMode,
  };
}

function pduOf<K extends Pdu['kind']>(event: MtaEvent, kind: K): Extract<Pdu, { kind: K }> | undefined {
  return 'pdu' in event && event.pdu.kind === kind ? (event.pdu as Extract<Pdu, { kind: K }>) : undefined;
}

function agreedOf(context: MtaContext): Agreement {
  if (context.agreed === null) throw new Error('mta: no agreement while an association is open (model bug)');
  return context.agreed;
}

function segmentsOfOutgoing(context: MtaContext): number {
  return segmentsPerMessage(agreedOf(context).checkpointSize, context.config.messageSize);
}

function send(pdu: Pdu): SendEvent {
  return { type: 'send', pdu };
}

/** Patched recovery rules. variants.ts substitutes the 4.0/5.0 behaviour for them. */
export const patchedRecoveryGuards = {
  /** KB Q166594 fix: after a recovery both sides take the Turn from the recovery connect's token setting. */
  isTurnRederivedOnRecovery: (_: GuardArgs) => true,
  /** KB Q187929 fix: a recovery is answered with the values the association first agreed. */
  isAcceptableRecoveryAnswer: ({ context, event }: GuardArgs) =>
    event.type === 'local.answer' &&
    context.original !== null &&
    event.checkpointSize === context.original.checkpointSize &&
    event.windowSize === context.original.windowSize,
  /** KB Q187929 fix: a request the original agreement cannot answer is refused (cannotRecover). */
  isRecoveryRequestCompatible: ({ context }: GuardArgs) =>
    context.request !== null &&
    context.original !== null &&
    context.request.dialogueMode === context.original.dialogueMode &&
    context.request.checkpointSize >= context.original.checkpointSize &&
    context.request.windowSize >= context.original.windowSize,
};

export const mtaMachine = setup({
  types: {
    context: {} as MtaContext,
    events: {} as MtaEvent,
    input: {} as MtaInput,
    emitted: {} as SendEvent,
  },
  guards: {
    ...patchedRecoveryGuards,

    // --- role and agreement -------------------------------------------------------------
    isInitiator: ({ context }) => context.config.role === 'initiator',
    isResponder: ({ context }) => context.config.role === 'responder',
    /** The current connection checkpoints: segments are followed by minor syncs. */
    hasCheckpointing: ({ context }) => agreedOf(context).checkpointSize > 0,
    /** The association can be recovered: what recovery restores is its original agreement. */
    isRecoverable: ({ context }) => context.original !== null && context.original.checkpointSize > 0,
    isTwoWayAlternate: ({ context }) => context.agreed?.dialogueMode === 'twa',
    maySubmit: ({ context }) => !(context.config.role === 'responder' && context.config.dialogueMode === 'monologue'),
    isOpenRequest: ({ event }) => pduOf(event, 'RTORQ')?.connectionData.kind === 'open',
    isRecoverRequest: ({ event }) => pduOf(event, 'RTORQ')?.connectionData.kind === 'recover',
    isDialogueModeAcceptable: ({ context, event }) => pduOf(event, 'RTORQ')?.dialogueMode === context.config.dialogueMode,
    isKnownConnection: ({ context, event }) => {
      const data = pduOf(event, 'RTORQ')?.connectionData;
      return data?.kind === 'recover' && context.original !== null && data.connectionId === context.connectionId;
    },
    isOriginalAgreement: ({ context, event }) => {
      const accept = pduOf(event, 'RTOAC');
      return (
        accept !== undefined &&
        context.original !== null &&
        accept.checkpointSize === context.original.checkpointSize &&
        accept.windowSize === context.original.windowSize
      );
    },
    hasRecoveryAttemptsLeft: ({ context }) => context.recoveryAttemptsUsed < context.config.recoveryAttempts,
    isProtocolErrorAbort: ({ event }) => pduOf(event, 'RTAB')?.reason === 'protocolError',
    isTransferCompletedReport: ({ event }) => pduOf(event, 'ER')?.reason === 'transferCompleted',

    // --- association phase and Turn, read across regions --------------------------------
    isAssociationReady: stateIn('#mta.association.open.ready'),
    isHoldingTurn: stateIn('#mta.turn.holding'),
    isHoldingTurnUnasked: stateIn('#mta.turn.holding.unasked'),
    hasNoActivityInProgress: not(stateIn('#mta.sending.activityOpen')),
    isFreshAssociation: ({ event }) => event.type === 'association.established' && event.fresh,
    isTokenSettingOurs: ({ context, event }) =>
      event.type === 'association.established' && (event.initialTurn === 'initiator') === (context.config.role === 'initiator'),

    // --- queue --------------------------------------------------------------------------
    hasMailWaiting: ({ context }) => context.submitted > context.acknowledged,
    hasQueueAtThreshold: ({ context }) => context.submitted - context.acknowledged >= context.config.messageThreshold,

    // --- outgoing activity ----------------------------------------------------------------
    isWindowOpenForNextSegment: ({ context }) => {
      const out = context.outgoing;
      if (out === null || out.segmentsSent >= segmentsOfOutgoing(context)) return false;
      const agreed = agreedOf(context);
      // Without checkpointing there are no minor syncs, so no window to respect.
      return agreed.checkpointSize === 0 || out.segmentsSent - out.lastConfirmedSerial < agreed.windowSize;
    },
    hasSentAllSegments: ({ context }) =>
      context.outgoing !== null && context.outgoing.segmentsSent >= segmentsOfOutgoing(context),

    // --- incoming activity ----------------------------------------------------------------
    isAlreadyDelivered: ({ context, event }) => {
      const activity = pduOf(event, 'AS')?.activity ?? pduOf(event, 'AR')?.activity;
      return activity !== undefined && context.delivered.includes(activity);
    },
    isCurrentActivity: ({ context, event }) => {
      const activity = pduOf(event, 'DT')?.activity ?? pduOf(event, 'AE')?.activity;
      return context.incoming !== null && context.incoming.activity === activity;
    },
  },
  actions: {
    countSubmission: assign({ submitted: ({ context }) => context.submitted + 1 }),

    // --- association ----------------------------------------------------------------------
    chooseNewConnectionId: assign({ connectionId: ({ context }) => context.connectionId + 1 }),
    sendOpenRequest: emit(({ context }) =>
      send({
        kind: 'RTORQ',
        checkpointSize: context.config.checkpointSize,
        windowSize: context.config.windowSize,
        dialogueMode: context.config.dialogueMode,
        connectionData: { kind: 'open', connectionId: context.connectionId },
        initialTurn: 'initiator',
      }),
    ),
    adoptFreshAgreement: assign(({ context, event }) => {
      const accept = pduOf(event, 'RTOAC') as RTOAC;
      const agreement: Agreement = {
        checkpointSize: accept.checkpointSize,
        windowSize: accept.windowSize,
        dialogueMode: context.config.dialogueMode,
      };
      return { agreed: agreement, original: agreement, recoveryAttemptsUsed: 0 };
    }),
    agreeOnOpenRequest: assign(({ context, event }) => {
      const request = pduOf(event, 'RTORQ') as RTORQ;
      const agreement = negotiate(request, context.config);
      return { connectionId: request.connectionData.connectionId, agreed: agreement, original: agreement, request: null };
    }),
    sendOpenAccept: emit(({ context, event }) =>
      send({
        kind: 'RTOAC',
        checkpointSize: agreedOf(context).checkpointSize,
        windowSize: agreedOf(context).windowSize,
        connectionData: { kind: 'open', connectionId: context.connectionId },
        initialTurn: (pduOf(event, 'RTORQ') as RTORQ).initialTurn,
      }),
    ),
    refuseConnect: emit((_, params: { reason: RefuseReason }) => send({ kind: 'RTORJ', reason: params.reason })),
    announceEstablished: raise(({ context, event }, params: { fresh: boolean }) => ({
      type: 'association.established' as const,
      fresh: params.fresh,
      initialTurn: pduOf(event, 'RTOAC')?.initialTurn ?? pduOf(event, 'RTORQ')?.initialTurn ?? context.request?.initialTurn ?? 'initiator',
    })),
    treatAsConnectionLoss: raise({ type: 'net.lost' as const }),
    resetRecoveryAttempts: assign({ recoveryAttemptsUsed: 0 }),
    countRecoveryAttempt: assign({ recoveryAttemptsUsed: ({ context }) => context.recoveryAttemptsUsed + 1 }),
    sendRecoveryRequest: emit(({ context }) =>
      send({
        kind: 'RTORQ',
        checkpointSize: context.config.checkpointSize,
        windowSize: context.config.windowSize,
        dialogueMode: context.config.dialogueMode,
        connectionData: { kind: 'recover', connectionId: context.connectionId },
        initialTurn: 'initiator',
      }),
    ),
    abortMismatchedRecovery: emit(() => send({ kind: 'RTAB', reason: 'protocolError' })),
    rememberRecoveryRequest: assign({ request: ({ event }) => pduOf(event, 'RTORQ') ?? null }),
    forgetRecoveryRequest: assign({ request: null }),
    agreeOnRecoveryAnswer: assign({
      agreed: ({ context, event }) => {
        const answer = event as AnswerEvent;
        return { checkpointSize: answer.checkpointSize, windowSize: answer.windowSize, dialogueMode: agreedOf(context).dialogueMode };
      },
    }),
    sendRecoveryAccept: emit(({ context }) =>
      send({
        kind: 'RTOAC',
        checkpointSize: agreedOf(context).checkpointSize,
        windowSize: agreedOf(context).windowSize,
        connectionData: { kind: 'recover', connectionId: context.connectionId },
        initialTurn: context.request?.initialTurn ?? 'initiator',
      }),
    ),

    // --- turn -------------------------------------------------------------------------------
    sendTurnPlease: emit(() => send({ kind: 'PT', priority: 0 })),
    giveTurn: emit(() => send({ kind: 'GTC' })),
    acknowledgeTurn: emit(() => send({ kind: 'GTA' })),

    // --- sending ----------------------------------------------------------------------------
    startActivity: assign({
      outgoing: ({ context }) => ({ activity: context.acknowledged + 1, segmentsSent: 0, lastConfirmedSerial: 0 }),
    }),
    sendActivityStart: emit(({ context }) => send({ kind: 'AS', activity: context.outgoing!.activity })),
    sendSegment: assign({
      outgoing: ({ context }) => ({ ...context.outgoing!, segmentsSent: context.outgoing!.segmentsSent + 1 }),
    }),
    sendSegmentData: emit(({ context }) =>
      send({ kind: 'DT', activity: context.outgoing!.activity, segment: context.outgoing!.segmentsSent }),
    ),
    sendMinorSync: emit(({ context }) => send({ kind: 'MIP', serial: context.outgoing!.segmentsSent })),
    sendActivityEnd: emit(({ context }) => send({ kind: 'AE', activity: context.outgoing!.activity, serial: segmentsOfOutgoing(context) })),
    recordCheckpointConfirmed: assign({
      outgoing: ({ context, event }) =>
        context.outgoing === null ? null : { ...context.outgoing, lastConfirmedSerial: pduOf(event, 'MIA')?.serial ?? 0 },
    }),
    completeActivity: assign({ outgoing: null, acknowledged: ({ context }) => context.acknowledged + 1 }),
    rewindToLastCheckpoint: assign({
      outgoing: ({ context }) =>
        context.outgoing === null ? null : { ...context.outgoing, segmentsSent: context.outgoing.lastConfirmedSerial },
    }),
    sendActivityResume: emit(({ context }) =>
      send({ kind: 'AR', activity: context.outgoing!.activity, serial: context.outgoing!.lastConfirmedSerial }),
    ),
    sendActivityDiscard: emit(({ context }) => send({ kind: 'AD', activity: context.outgoing!.activity })),
    forgetOutgoingActivity: assign({ outgoing: null }),

    // --- receiving --------------------------------------------------------------------------
    reportTransferCompleted: emit(() => send({ kind: 'ER', reason: 'transferCompleted' })),
    beginIncomingActivity: assign({
      incoming: ({ event }) => ({ activity: pduOf(event, 'AS')!.activity, segmentsHeld: 0, lastConfirmedSerial: 0, intact: true }),
    }),
    resumeIncomingActivity: assign({
      incoming: ({ context, event }) => {
        const resume = pduOf(event, 'AR')!;
        const held = context.incoming?.activity === resume.activity ? context.incoming : null;
        // Data after the resumed checkpoint is discarded: it will be sent again. A resume past
        // what is held leaves a gap (noted for verification only).
        const intact = (held?.intact ?? true) && resume.serial <= (held?.segmentsHeld ?? 0);
        return { activity: resume.activity, segmentsHeld: resume.serial, lastConfirmedSerial: resume.serial, intact };
      },
    }),
    holdSegment: assign({
      incoming: ({ context, event }) => {
        const incoming = context.incoming!;
        const inOrder = pduOf(event, 'DT')!.segment === incoming.segmentsHeld + 1;
        return { ...incoming, segmentsHeld: incoming.segmentsHeld + 1, intact: incoming.intact && inOrder };
      },
    }),
    recordMinorSync: assign({
      incoming: ({ context, event }) =>
        context.incoming === null ? null : { ...context.incoming, lastConfirmedSerial: pduOf(event, 'MIP')!.serial },
    }),
    confirmMinorSync: emit(({ event }) => send({ kind: 'MIA', serial: pduOf(event, 'MIP')!.serial })),
    deliverMessage: assign(({ context, event }) => {
      const incoming = context.incoming!;
      const whole = incoming.intact && incoming.segmentsHeld === pduOf(event, 'AE')!.serial;
      return {
        delivered: [...context.delivered, incoming.activity],
        damagedDeliveries: whole ? context.damagedDeliveries : [...context.damagedDeliveries, incoming.activity],
        incoming: null,
      };
    }),
    confirmActivityEnd: emit(({ event }) => send({ kind: 'AEA', activity: pduOf(event, 'AE')!.activity })),
    forgetIncomingActivity: assign({ incoming: null }),
  },
}).createMachine({
  id: 'mta',
  type: 'parallel',
  context: ({ input }) => ({
    config: validateMtaInput(input),
    connectionId: 0,
    agreed: null,
    original: null,
    request: null,
    recoveryAttemptsUsed: 0,
    submitted: 0,
    acknowledged: 0,
    outgoing: null,
    incoming: null,
    delivered: [],
    damagedDeliveries: [],
  }),
  on: {
    'user.submit': {
      guard: 'maySubmit',
      actions: 'countSubmission',
      description: '[A] a P1 message is queued for the peer (the environment submits it). [R] in monologue only the initiator sends.',
    },
  },
  states: {
    association: {
      initial: 'idle',
      on: {
        // The responder answers a connect request in whatever phase it is: a fresh open
        // replaces an old association (the threshold association, or a new one after a
        // recovery timeout).
        'peer.RTORQ': [
          {
            guard: and(['isOpenRequest', 'isDialogueModeAcceptable']),
            target: '.open',
            actions: ['agreeOnOpenRequest', 'sendOpenAccept', { type: 'announceEstablished', params: { fresh: true } }],
            description:
              '[S] X.228 §7.1.4/§7.1.5, ISODE: the acceptor may only lower the proposed checkpoint and window sizes; 0 stays 0 [R]. [A] a fresh open replaces any earlier association (its checkpoint data is dropped).',
          },
          {
            guard: 'isOpenRequest',
            actions: { type: 'refuseConnect', params: { reason: 'unacceptableDialogueMode' } },
            description: '[S] X.410-mode RTORJ refuseReason unacceptableDialogueMode.',
          },
          {
            guard: 'isRecoverRequest',
            actions: { type: 'refuseConnect', params: { reason: 'cannotRecover' } },
            description: '[S] X.410-mode RTORJ refuseReason cannotRecover: no association of that identifier awaits recovery here.',
          },
        ],
      },
      states: {
        idle: {
          always: {
            guard: 'isInitiator',
            target: 'opening',
            description: '[A] the initiator opens the association as soon as it starts.',
          },
        },
        opening: {
          entry: ['chooseNewConnectionId', 'sendOpenRequest'],
          on: {
            'peer.RTOAC': {
              target: 'open',
              actions: ['adoptFreshAgreement', { type: 'announceEstablished', params: { fresh: true } }],
              description: '[S] ISODE rtsap: the initiator adopts what RTOAC says.',
            },
            'peer.RTORJ': {
              target: 'closed',
              description: '[A] a refused open is final in the model (a configuration mismatch).',
            },
            'net.lost': {
              target: 'opening',
              reenter: true,
              description: '[A] a connect lost before it was answered is simply tried again.',
            },
          },
        },
        open: {
          initial: 'establishing',
          states: {
            establishing: {
              // Transient: left in the same macrostep by the raised association.established,
              // so every region has reacted before either MTA sends on the new connection.
              on: { 'association.established': 'ready' },
            },
            ready: {},
          },
          on: {
            'net.lost': [
              {
                guard: and(['isInitiator', 'isRecoverable']),
                target: 'recovering',
                actions: 'resetRecoveryAttempts',
                description: '[R] after a connection loss the association initiator reconnects with connectionData recover(id).',
              },
              {
                guard: 'isInitiator',
                target: 'opening',
                description: '[S] ISODE: checkpoint size 0 means no checkpointing and so no recovery: a new association is opened.',
              },
              {
                guard: 'isRecoverable',
                target: 'awaitingRecovery',
                description: '[R] the responder keeps the checkpoint data and waits for the initiator to recover.',
              },
              {
                target: 'idle',
                description: '[S] ISODE: without checkpointing there is nothing to recover.',
              },
            ],
            'queue.threshold': {
              guard: and(['isInitiator', 'hasQueueAtThreshold', not('isHoldingTurn')]),
              target: 'opening',
              description:
                '[S] KB Q166594, Q198622: when the queue reaches the message threshold the MTA opens a new association. [A] modelled only where the open association cannot send (the Turn is not here); the stuck association is abandoned.',
            },
            'peer.RTAB': {
              guard: and(['isResponder', 'isProtocolErrorAbort']),
              actions: 'treatAsConnectionLoss',
              description:
                '[A] the initiator rejected the recovered connection (its sizes differ from the original): for every region the connection is gone, as after a loss; the responder awaits the next attempt.',
            },
          },
        },
        recovering: {
          initial: 'connecting',
          states: {
            connecting: {
              entry: ['countRecoveryAttempt', 'sendRecoveryRequest'],
              on: {
                'peer.RTOAC': [
                  {
                    guard: 'isOriginalAgreement',
                    target: '#mta.association.open',
                    actions: { type: 'announceEstablished', params: { fresh: false } },
                    description: '[A derived] a recovery must keep the original checkpoint and window sizes: resuming at checkpoint k means offset k × checkpointSize.',
                  },
                  {
                    target: 'attemptFailed',
                    actions: 'abortMismatchedRecovery',
                    description:
                      '[S] KB Q187929: the recovery answer differs from the original, the initiator cannot reconnect. [A] it aborts this connection (RTAB protocolError) and counts a failed attempt.',
                  },
                ],
                'peer.RTORJ': {
                  target: 'attemptFailed',
                  description: '[R] a refused recovery counts as a failed attempt.',
                },
                'net.lost': {
                  target: 'attemptFailed',
                  description: '[R] a recovery connect lost before it was answered counts as a failed attempt.',
                },
              },
            },
            attemptFailed: {
              always: [
                {
                  guard: 'hasRecoveryAttemptsLeft',
                  target: 'connecting',
                  description: '[S] Exchange docs: the MTA retries the recovery until the recovery timeout.',
                },
                {
                  target: '#mta.association.recoveryFailed',
                  description: '[A] the attempts are bounded; after the last one the MTA waits for the recovery timeout.',
                },
              ],
            },
          },
        },
        recoveryFailed: {
          on: {
            'timer.recovery': {
              target: 'opening',
              description:
                '[S] Exchange docs: after the recovery timeout (60 s) the checkpoint data is deleted and the transfer restarts from the beginning on a new association.',
            },
          },
        },
        awaitingRecovery: {
          on: {
            'peer.RTORQ': {
              guard: and(['isRecoverRequest', 'isKnownConnection']),
              target: 'answeringRecovery',
              actions: 'rememberRecoveryRequest',
              description: '[R] X.228 §7.8: a recover(connection id) request names the lost connection.',
            },
          },
        },
        answeringRecovery: {
          always: {
            guard: not('isRecoveryRequestCompatible'),
            target: 'awaitingRecovery',
            actions: [{ type: 'refuseConnect', params: { reason: 'cannotRecover' } }, 'forgetRecoveryRequest'],
            description: '[S] domain.md §6 checkpoint-fix: a recovery request the original agreement cannot answer is refused (cannotRecover).',
          },
          on: {
            'local.answer': {
              guard: 'isAcceptableRecoveryAnswer',
              target: 'open',
              actions: [
                'agreeOnRecoveryAnswer',
                'sendRecoveryAccept',
                { type: 'announceEstablished', params: { fresh: false } },
                'forgetRecoveryRequest',
              ],
              description:
                '[S] KB Q187929: the acceptor chooses its answer to the recovery request. Patched: the stored original values. Unpatched (variants.ts): any value up to the proposal.',
            },
            'net.lost': {
              target: 'awaitingRecovery',
              actions: 'forgetRecoveryRequest',
              description: '[R] the recovery connection was lost before it was answered.',
            },
          },
        },
        closed: {},
      },
    },

    turn: {
      initial: 'notHolding',
      on: {
        'association.established': [
          {
            guard: and(['isFreshAssociation', 'isTokenSettingOurs']),
            target: '.holding',
            description: '[S] X.225 token-setting item: the initial Turn is on the side the connect names.',
          },
          {
            guard: 'isFreshAssociation',
            target: '.notHolding',
            description: '[S] X.225 token-setting item: the initial Turn is on the side the connect names.',
          },
          {
            guard: and(['isTurnRederivedOnRecovery', 'isTokenSettingOurs']),
            target: '.holding',
            description: '[S] domain.md §6 turn-fix: after a recovery the Turn is re-derived from the recovery connect\'s token setting.',
          },
          {
            guard: 'isTurnRederivedOnRecovery',
            target: '.notHolding',
            description: '[S] domain.md §6 turn-fix: after a recovery the Turn is re-derived from the recovery connect\'s token setting.',
          },
          // Otherwise (the unpatched MTA, KB Q166594) each side keeps its pre-loss belief.
        ],
      },
      states: {
        notHolding: {
          initial: 'quiet',
          on: {
            'peer.GTC': {
              target: 'holding',
              actions: 'acknowledgeTurn',
              description: '[S] ISODE ssap: the receiver gains the tokens when GTC arrives and answers GTA automatically.',
            },
            'peer.PT': {
              description: '[S] KB Q166594, ISODE ssap: a Turn-Please received without the Turn is passed up with the current ownership and ignored.',
            },
          },
          states: {
            quiet: {
              always: {
                guard: and(['isTwoWayAlternate', 'isAssociationReady', 'hasMailWaiting']),
                target: 'asking',
                actions: 'sendTurnPlease',
                description: '[S] ISODE rtsap: RT-TURN-PLEASE is a PLEASE TOKENS SPDU, sent when the user has data and not the Turn.',
              },
            },
            asking: {
              on: {
                'net.lost': {
                  target: 'quiet',
                  description: '[A] a Turn-Please lost with the connection is asked again once the connection is back.',
                },
              },
            },
          },
        },
        holding: {
          initial: 'unasked',
          states: {
            unasked: {
              on: {
                'peer.PT': {
                  target: 'askedToGive',
                  description: '[S] ISODE rtsap: RT-TURN-PLEASE reaches the Turn holder, who decides when to give it.',
                },
              },
            },
            askedToGive: {
              always: {
                guard: 'hasNoActivityInProgress',
                target: '#mta.turn.giving',
                actions: 'giveTurn',
                description: '[S] ISODE rtsap: the holder finishes its activity, then gives the Turn (RT-TURN-GIVE = GTC).',
              },
              on: {
                'net.lost': {
                  target: 'unasked',
                  description: '[A] the peer asks again after the connection is back.',
                },
              },
            },
          },
        },
        giving: {
          on: {
            'peer.GTA': {
              target: 'notHolding',
              description: '[S] ISODE ssap: GTA acknowledges the GTC; the giver lost the tokens when it sent GTC.',
            },
            'net.lost': {
              target: 'notHolding',
              description: '[S] ISODE ssap: the giver lost the tokens when it sent GTC, whether or not it arrived.',
            },
          },
        },
      },
    },

    sending: {
      initial: 'idle',
      on: {
        'association.established': {
          guard: 'isFreshAssociation',
          target: '.idle',
          actions: 'forgetOutgoingActivity',
          description: '[S] Exchange docs: on a new association the transfer restarts from the beginning.',
        },
      },
      states: {
        idle: {
          always: {
            guard: and(['isAssociationReady', 'isHoldingTurnUnasked', 'hasMailWaiting']),
            target: 'activityOpen',
            actions: ['startActivity', 'sendActivityStart'],
            description: '[S] ISODE rtsap: each RT-TRANSFER (one P1 message) is one session activity: ACTIVITY-START.',
          },
        },
        activityOpen: {
          initial: 'transferring',
          on: {
            'peer.MIA': {
              actions: 'recordCheckpointConfirmed',
              description: '[S] ISODE ssap: the receiver confirms every minor sync.',
            },
            'peer.ER': {
              guard: 'isTransferCompletedReport',
              target: 'idle',
              actions: ['sendActivityDiscard', 'completeActivity'],
              description:
                '[R] the receiver recognises an activity it already completed (reason transferCompleted). [A] it says so in an exception report; the sender discards the activity (AD) and counts the message delivered.',
            },
            'net.lost': {
              target: 'interrupted',
              actions: 'rewindToLastCheckpoint',
              description: '[R] the interrupted activity resumes at the last confirmed checkpoint.',
            },
          },
          states: {
            transferring: {
              always: [
                {
                  guard: and(['isWindowOpenForNextSegment', 'hasCheckpointing']),
                  actions: ['sendSegment', 'sendSegmentData', 'sendMinorSync'],
                  description:
                    '[S] ISODE rtsap: data in segments of checkpointSize KB, a confirmed MINOR-SYNC after each. [A] at most W unconfirmed minor syncs.',
                },
                {
                  guard: 'isWindowOpenForNextSegment',
                  actions: ['sendSegment', 'sendSegmentData'],
                  description: '[S] ISODE rtsap: checkpoint size 0 means no checkpointing: the message goes as one segment without minor syncs.',
                },
                {
                  guard: 'hasSentAllSegments',
                  target: 'ending',
                  actions: 'sendActivityEnd',
                  description: '[S] ISODE rtsap: ACTIVITY-END (confirmed) closes the transfer.',
                },
              ],
            },
            ending: {
              on: {
                'peer.AEA': {
                  target: '#mta.sending.idle',
                  actions: 'completeActivity',
                  description: '[S] ISODE ssap: ACTIVITY-END is confirmed; the message is delivered.',
                },
              },
            },
          },
        },
        interrupted: {
          always: {
            guard: and(['isAssociationReady', 'isHoldingTurnUnasked']),
            target: 'activityOpen',
            actions: 'sendActivityResume',
            description: '[R] ACTIVITY-RESUME names the old activity and the serial of the last confirmed checkpoint.',
          },
        },
      },
    },

    receiving: {
      initial: 'noActivity',
      on: {
        'association.established': {
          guard: 'isFreshAssociation',
          target: '.noActivity',
          actions: 'forgetIncomingActivity',
          description: '[S] Exchange docs: on a new association the partial transfer is dropped.',
        },
        'peer.AS': [
          {
            guard: 'isAlreadyDelivered',
            target: '.noActivity',
            actions: 'reportTransferCompleted',
            description: '[A] a restart (on a new association) of a message already delivered is recognised by its id and not delivered twice.',
          },
          {
            target: '.inActivity',
            actions: 'beginIncomingActivity',
            description: '[S] ISODE rtsap: ACTIVITY-START begins the transfer of one message.',
          },
        ],
        'peer.AD': {
          description:
            '[S] X.215: ACTIVITY-DISCARD ends an activity without delivering it. [A] it only follows this side\'s exception report, which already closed the activity here: nothing left to do.',
        },
        'peer.AR': [
          {
            guard: 'isAlreadyDelivered',
            target: '.noActivity',
            actions: 'reportTransferCompleted',
            description: '[R] a resume of an activity already completed is recognised (reason transferCompleted) so the message is not delivered twice. [A] reported with S-U-EXCEPTION-REPORT.',
          },
          {
            target: '.inActivity',
            actions: 'resumeIncomingActivity',
            description: '[R] the receiver discards data after the resumed checkpoint.',
          },
        ],
      },
      states: {
        noActivity: {},
        inActivity: {
          on: {
            'peer.DT': {
              guard: 'isCurrentActivity',
              actions: 'holdSegment',
              description: '[S] ISODE rtsap: a segment of checkpointSize KB.',
            },
            'peer.MIP': {
              actions: ['recordMinorSync', 'confirmMinorSync'],
              description: '[S] ISODE ssap: the receiver confirms every minor sync.',
            },
            'peer.AE': {
              guard: 'isCurrentActivity',
              target: 'noActivity',
              actions: ['deliverMessage', 'confirmActivityEnd'],
              description: '[S] ISODE ssap: ACTIVITY-END is confirmed; the message is delivered to the MTA.',
            },
          },
        },
      },
    },
  },
});

export type MtaMachine = typeof mtaMachine;
