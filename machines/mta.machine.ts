// One X.400 MTA's RTSE + session protocol machine. The same chart serves both MTAs; the
// association role (who opens new associations) and the configuration come in by `input`.
//
// Four parallel regions, each one idea:
//   association  idle → opening / answering → open → recovering / awaitingRecovery → ...
//   turn         who this MTA believes holds the Turn (the session tokens)
//   sending      the outgoing activity: one P1 message = one session activity
//   receiving    the incoming activity and the messages delivered here
//
// Where the 4.0/5.0 MTA goes wrong is two guards, substituted in variants.ts:
//   isTurnRederivedOnRecovery           (KB Q166594) in the turn region's reaction to a recovery
//   isRecoveryBoundByOriginalAgreement  (KB Q187929) in association.answering on local.limit
// A third, isGiverTakingTurnBack, is another candidate fix of KB Q166594 (variants.ts).
// The implementations below are the patched ones.
//
// Every transition that encodes protocol behaviour carries a `description` naming its source:
// a KB article, an X.228 clause or ASN.1 definition, a file of ISODE, the PP MTA or the Siemens
// RTS [S], or it is a modelling assumption [A] (see docs/assumptions.md). Composite
// guards are named in setup() and built only of named guards, so that the visualizer and Stately
// Studio's import show every guard by name (test/stately.test.ts).

import { and, assign, emit, not, or, raise, setup, stateIn } from 'xstate';
import type { DialogueMode, Pdu, RefuseReason, RTOAC, RTORQ } from './pdu';
import { validateMtaInput, type MtaInput } from './mta.input';

export interface Agreement {
  readonly checkpointSize: number;
  readonly windowSize: number;
  readonly dialogueMode: DialogueMode;
}

/** What an acceptor may agree to on one connection: its local limits (ISODE: the session SSDU size). */
export interface LocalLimit {
  readonly checkpointSize: number;
  readonly windowSize: number;
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
  /** Where the data held so far ends, in KB from the start of the message. */
  readonly kbHeld: number;
  /** Verification only: every KB held arrived once, in order, with no gap. */
  readonly intact: boolean;
}

export interface MtaContext {
  readonly config: MtaInput;
  /** The session connection identifier of the current association (0: none yet). The association initiator chooses it. */
  readonly connectionId: number;
  /** This MTA's side of the current session connection: the caller sent the connect. */
  readonly connectedAs: 'caller' | 'called' | null;
  /** This MTA opened the current association (the first connect, not a recovery): it opens the next one after a timeout. */
  readonly openedAssociation: boolean;
  /** Threshold associations this MTA has opened and seen accepted (bounded by config.maxThresholdAssociations). */
  readonly thresholdAssociationsOpened: number;
  /** The open request in progress is a threshold association's. */
  readonly openingForThreshold: boolean;
  /** Turn-Pleases repeated since this side last asked (bounded by the config). */
  readonly turnPleasesRepeated: number;
  /** Turns given unasked on the current connection (bounded by the config). */
  readonly unaskedGives: number;
  /** A GTC was sent and not acknowledged: what the candidate fix "the giver takes the Turn back" remembers across a loss. */
  readonly gaveTurnUnacknowledged: boolean;
  /** What the current connection agreed. */
  readonly agreed: Agreement | null;
  /** The recovery record: what the association first agreed, kept until the recovery timer drops it. */
  readonly original: Agreement | null;
  /** The connect request being answered. */
  readonly request: RTORQ | null;
  /** Recovery connects sent since this MTA's last successful recovery or new association. */
  readonly recoveryAttemptsUsed: number;
  /** Messages submitted here; their ids are 1..submitted. */
  readonly submitted: number;
  /** Messages the peer has confirmed (AEA, or transferCompleted on a resume). Queue = submitted - acknowledged. */
  readonly acknowledged: number;
  readonly outgoing: OutgoingActivity | null;
  readonly incoming: IncomingActivity | null;
  /** Ids of the peer's messages delivered here, in delivery order. */
  readonly delivered: readonly number[];
  /** Verification only: a message was delivered here with data missing, repeated or out of order. */
  readonly deliveredDamaged: boolean;
  /** Verification only: KB of the next message (id acknowledged + 1) the peer confirmed to this sender; survives a restart. */
  readonly confirmedKB: number;
  /** Verification only: this sender sent again data it knew to be confirmed. */
  readonly resentConfirmedData: boolean;
}

/** The acceptor's local limit for the connection it is answering: a choice of the environment. */
export interface LimitEvent extends LocalLimit {
  readonly type: 'local.limit';
}

/** Raised internally when a connection is established, so every region reacts in one step. */
export interface EstablishedEvent {
  readonly type: 'association.established';
  readonly fresh: boolean;
  /** Whether this MTA holds the Turn by the connect's token-setting item. */
  readonly tokensHere: boolean;
}

/** The connection is gone. `replaced`: the peer's recovering connect arrived before this side saw the loss. */
export interface LostEvent {
  readonly type: 'net.lost';
  readonly replaced?: boolean;
}

export type MtaEvent =
  | { type: 'user.submit' }
  | LostEvent
  | { type: 'timer.recovery' }
  | { type: 'queue.threshold' }
  | { type: 'turn.askAgain' }
  | { type: 'turn.giveUnasked' }
  | LimitEvent
  | EstablishedEvent
  | { [K in Pdu['kind']]: { type: `peer.${K}`; pdu: Extract<Pdu, { kind: K }> } }[Pdu['kind']];

/** What an MTA hands to the channel: a PDU, or the end of the current connection (no PDU: a transport disconnect). */
export type SendEvent = { readonly type: 'send'; readonly pdu: Pdu } | { readonly type: 'disconnect' };

type GuardArgs = { context: MtaContext; event: MtaEvent };

/** Number of segments of checkpointSize KB in a message of messageSize KB; one segment without checkpointing. */
export function segmentsPerMessage(checkpointSize: number, messageSize: number): number {
  return checkpointSize === 0 ? 1 : Math.ceil(messageSize / checkpointSize);
}

/** Where a resume after checkpoint `serial` starts, in KB. */
export function resumeOffsetKB(serial: number, checkpointSize: number, messageSize: number): number {
  return Math.min(serial * checkpointSize, messageSize);
}

/**
 * The acceptor's answer to a connect: min(proposal, local limit); a proposal of 0 (no
 * checkpointing asked) gets the acceptor's own limit; the window is at least 1 and at most
 * the proposal.
 */
export function negotiate(request: RTORQ, limit: LocalLimit): Agreement {
  return {
    checkpointSize: request.checkpointSize === 0 ? limit.checkpointSize : Math.min(request.checkpointSize, limit.checkpointSize),
    windowSize: Math.max(1, Math.min(request.windowSize, limit.windowSize)),
    dialogueMode: request.dialogueMode,
  };
}

/** Whether `answer` is what negotiate() could give `request` with the acceptor's limit set to `answer` itself. */
export function isValidAnswer(request: RTORQ, answer: Agreement): boolean {
  const limit = { checkpointSize: answer.checkpointSize, windowSize: answer.windowSize };
  const again = negotiate(request, limit);
  return request.dialogueMode === answer.dialogueMode && again.checkpointSize === answer.checkpointSize && again.windowSize === answer.windowSize;
}

function pduOf<K extends Pdu['kind']>(event: MtaEvent, kind: K): Extract<Pdu, { kind: K }> | undefined {
  return 'pdu' in event && event.pdu.kind === kind ? (event.pdu as Extract<Pdu, { kind: K }>) : undefined;
}

function agreedOf(context: MtaContext): Agreement {
  if (context.agreed === null) throw new Error('mta: no agreement while an association is open (model bug)');
  return context.agreed;
}

function requestOf(context: MtaContext): RTORQ {
  if (context.request === null) throw new Error('mta: answering without a request (model bug)');
  return context.request;
}

function segmentsOfOutgoing(context: MtaContext): number {
  return segmentsPerMessage(agreedOf(context).checkpointSize, context.config.messageSize);
}

function send(pdu: Pdu): SendEvent {
  return { type: 'send', pdu };
}

function connectRequest(context: MtaContext, kind: 'open' | 'recover'): RTORQ {
  return {
    kind: 'RTORQ',
    checkpointSize: context.config.checkpointSize,
    windowSize: context.config.windowSize,
    dialogueMode: context.config.dialogueMode,
    connectionData: { kind, connectionId: context.connectionId },
    initialTurn: 'caller',
  };
}

/** Patched recovery rules. variants.ts substitutes the 4.0/5.0 behaviour and the other candidate for them. */
export const patchedRecoveryGuards = {
  /** KB Q166594 fix (the candidate patched uses): after a recovery both sides take the Turn from the recovery connect's token setting. */
  isTurnRederivedOnRecovery: (_: GuardArgs) => true,
  /** Another candidate fix of KB Q166594, not used by patched: the giver of an unacknowledged GTC takes the Turn back. */
  isGiverTakingTurnBack: (_: GuardArgs) => false,
  /** KB Q187929 fix: the association's original agreement binds its recovery, whatever the acceptor's current limit. */
  isRecoveryBoundByOriginalAgreement: (_: GuardArgs) => true,
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

    // --- role, connect requests and agreement ---------------------------------------------
    /** The association initiator before its first association. */
    isStartingUp: ({ context }) => context.config.role === 'initiator' && context.connectionId === 0,
    hasOpenedAssociation: ({ context }) => context.openedAssociation,
    /** The current connection checkpoints: segments are followed by minor syncs. */
    hasCheckpointing: ({ context }) => agreedOf(context).checkpointSize > 0,
    /** The recovery record is kept and recovery is possible (with checkpointing; ISODE: 0 means no recovery). */
    isRecoverable: ({ context }) => context.original !== null && context.original.checkpointSize > 0,
    isTwoWayAlternate: ({ context }) => context.agreed?.dialogueMode === 'twa',
    maySubmit: ({ context }) => !(context.config.role === 'responder' && context.config.dialogueMode === 'monologue'),
    isOpenRequest: ({ event }) => pduOf(event, 'RTORQ')?.connectionData.kind === 'open',
    isRecoverRequest: ({ event }) => pduOf(event, 'RTORQ')?.connectionData.kind === 'recover',
    isDialogueModeAcceptable: ({ context, event }) => pduOf(event, 'RTORQ')?.dialogueMode === context.config.dialogueMode,
    isKnownConnection: ({ context, event }) => pduOf(event, 'RTORQ')?.connectionData.connectionId === context.connectionId,
    isAnsweringFreshOpen: ({ context }) => context.request?.connectionData.kind === 'open',
    /** The original agreement is a valid answer to the request: same mode, and sizes negotiation could give. */
    isRecoveryRequestCompatible: ({ context }) =>
      context.request !== null && context.original !== null && isValidAnswer(context.request, context.original),
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
    isTransferCompletedReport: ({ event }) => pduOf(event, 'ER')?.reason === 'transferCompleted',
    isReplacedByPeerRecovery: ({ event }) => event.type === 'net.lost' && event.replaced === true,

    // --- association phase and Turn, read across regions --------------------------------
    isAssociationReady: stateIn('#mta.association.open.ready'),
    isWithoutTurn: stateIn('#mta.turn.notHolding'),
    isHoldingTurnUnasked: stateIn('#mta.turn.holding.unasked'),
    isActivityInProgress: stateIn('#mta.sending.activityOpen'),
    hasNoActivityInProgress: not('isActivityInProgress'),
    isFreshAssociation: ({ event }) => event.type === 'association.established' && event.fresh,
    isTokenSettingOurs: ({ event }) => event.type === 'association.established' && event.tokensHere,

    // --- queue --------------------------------------------------------------------------
    hasMailWaiting: ({ context }) => context.submitted > context.acknowledged,
    hasQueueAtThreshold: ({ context }) => context.submitted - context.acknowledged >= context.config.messageThreshold,
    hasThresholdAssociationsLeft: ({ context }) => context.thresholdAssociationsOpened < context.config.maxThresholdAssociations,
    hasNoTransferOutgoing: stateIn('#mta.sending.idle'),
    mayRepeatTurnPlease: ({ context }) => context.turnPleasesRepeated < context.config.turnPleaseRepeats,
    hasUnaskedGivesLeft: ({ context }) => context.unaskedGives < context.config.unaskedGivesPerConnection,

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

    // --- composites, named so the visualizer shows them ----------------------------------
    isFreshOpenWeCanAccept: and(['isOpenRequest', 'isDialogueModeAcceptable']),
    /** A recover request for the association this MTA still keeps the record of. */
    isRecoveryOfThisAssociation: and(['isRecoverRequest', 'isKnownConnection', 'isRecoverable']),
    /** The sending MTA (mail queued, an interrupted transfer among it) recovers; KB Q166594, Q194556. */
    isSenderWithRecoverableAssociation: and(['isRecoverable', 'hasMailWaiting', 'hasRecoveryAttemptsLeft']),
    answersRecoveryWithOriginal: and(['isRecoveryBoundByOriginalAgreement', 'isRecoveryRequestCompatible']),
    mayOpenThresholdAssociation: and(['hasQueueAtThreshold', 'isWithoutTurn', 'hasNoTransferOutgoing', 'hasThresholdAssociationsLeft']),
    mayGiveTurnUnasked: and(['isTwoWayAlternate', 'isAssociationReady', 'hasNoActivityInProgress', 'hasUnaskedGivesLeft']),
    /** The holder gives the Turn it was asked for once its association is open and no activity is. */
    mayGiveTurnAsked: and(['isAssociationReady', 'hasNoActivityInProgress']),
    mayAskAgain: and(['isAssociationReady', 'mayRepeatTurnPlease']),
    /** Fresh, or a recovery in a variant that re-derives the Turn: the connect's token setting decides. */
    isTurnTakenFromTokenSetting: or(['isFreshAssociation', 'isTurnRederivedOnRecovery']),
    isTurnTakenFromTokenSettingAndOurs: and(['isTurnTakenFromTokenSetting', 'isTokenSettingOurs']),
    /** The Turn is ours once the association is established: by the token setting, or taken back by the giver. */
    isTurnOursOnEstablishing: or(['isGiverTakingTurnBack', 'isTurnTakenFromTokenSettingAndOurs']),
    shouldAskForTurn: and(['isTwoWayAlternate', 'isAssociationReady', 'hasMailWaiting']),
    mayStartActivity: and(['isAssociationReady', 'isHoldingTurnUnasked', 'hasMailWaiting']),
    maySendCheckpointedSegment: and(['isWindowOpenForNextSegment', 'hasCheckpointing']),
    mayResumeActivity: and(['isAssociationReady', 'isHoldingTurnUnasked']),
  },
  actions: {
    countSubmission: assign({ submitted: ({ context }) => context.submitted + 1 }),

    // --- association: connecting ----------------------------------------------------------
    chooseNewConnectionId: assign({ connectionId: ({ context }) => context.connectionId + 1 }),
    markCaller: assign({ connectedAs: 'caller' as const }),
    markCalled: assign({ connectedAs: 'called' as const }),
    markOpener: assign({ openedAssociation: true }),
    markThresholdOpening: assign({ openingForThreshold: true }),
    /** A new connection: the per-connection count starts again, and a remembered give has been used. */
    startConnectionCounts: assign({ unaskedGives: 0, gaveTurnUnacknowledged: false }),
    sendOpenRequest: emit(({ context }) => send(connectRequest(context, 'open'))),
    sendRecoveryRequest: emit(({ context }) => send(connectRequest(context, 'recover'))),
    /** The open is accepted; a threshold association counts once it is made (two that cross make one). */
    adoptFreshAgreement: assign(({ context, event }) => {
      const accept = pduOf(event, 'RTOAC') as RTOAC;
      const agreement: Agreement = { checkpointSize: accept.checkpointSize, windowSize: accept.windowSize, dialogueMode: context.config.dialogueMode };
      const thresholdAssociationsOpened = context.thresholdAssociationsOpened + (context.openingForThreshold ? 1 : 0);
      return { agreed: agreement, original: agreement, recoveryAttemptsUsed: 0, thresholdAssociationsOpened, openingForThreshold: false };
    }),
    /** The recovery succeeded: its attempts are counted afresh from the next loss. */
    adoptRecoveryAgreement: assign({
      agreed: ({ context, event }) => {
        const accept = pduOf(event, 'RTOAC') as RTOAC;
        return { checkpointSize: accept.checkpointSize, windowSize: accept.windowSize, dialogueMode: context.config.dialogueMode };
      },
      recoveryAttemptsUsed: 0,
    }),
    disconnect: emit({ type: 'disconnect' } as SendEvent),
    countRecoveryAttempt: assign({ recoveryAttemptsUsed: ({ context }) => context.recoveryAttemptsUsed + 1 }),
    dropRecoveryRecord: assign({ original: null }),

    // --- association: answering -----------------------------------------------------------
    rememberRequest: assign(({ event }) => {
      const request = pduOf(event, 'RTORQ') as RTORQ;
      return { request, connectionId: request.connectionData.connectionId };
    }),
    forgetRequest: assign({ request: null }),
    agreeFromLocalLimit: assign({ agreed: ({ context, event }) => negotiate(requestOf(context), event as LimitEvent) }),
    agreeOnOriginal: assign({ agreed: ({ context }) => context.original }),
    recordOriginalAgreement: assign({ original: ({ context }) => context.agreed, recoveryAttemptsUsed: 0, openedAssociation: false, openingForThreshold: false }),
    sendAccept: emit(({ context }) =>
      send({
        kind: 'RTOAC',
        checkpointSize: agreedOf(context).checkpointSize,
        windowSize: agreedOf(context).windowSize,
        connectionData: requestOf(context).connectionData,
        initialTurn: requestOf(context).initialTurn,
      }),
    ),
    refuseConnect: emit((_, params: { reason: RefuseReason }) => send({ kind: 'RTORJ', reason: params.reason })),
    announceEstablished: raise(({ context, event }, params: { fresh: boolean }) => {
      const setting = pduOf(event, 'RTOAC')?.initialTurn ?? requestOf(context).initialTurn;
      return { type: 'association.established' as const, fresh: params.fresh, tokensHere: setting === context.connectedAs };
    }),
    /** Half-open: every region treats the old connection as lost, then the request is taken again. */
    treatAsLossReplacedByPeer: raise({ type: 'net.lost' as const, replaced: true }),
    takeRequestAgain: raise(({ event }) => event as MtaEvent),

    // --- turn -------------------------------------------------------------------------------
    /** A repeated request carries the next priority down (0 is the highest). */
    sendTurnPlease: emit(({ context }) => send({ kind: 'PT', priority: context.turnPleasesRepeated })),
    countTurnPleaseRepeat: assign({ turnPleasesRepeated: ({ context }) => context.turnPleasesRepeated + 1 }),
    forgetTurnPleaseRepeats: assign({ turnPleasesRepeated: 0 }),
    giveTurn: emit(() => send({ kind: 'GTC' })),
    rememberTurnGiven: assign({ gaveTurnUnacknowledged: true }),
    forgetTurnGiven: assign({ gaveTurnUnacknowledged: false }),
    countUnaskedGive: assign({ unaskedGives: ({ context }) => context.unaskedGives + 1 }),
    acknowledgeTurn: emit(() => send({ kind: 'GTA' })),

    // --- sending ----------------------------------------------------------------------------
    startActivity: assign({
      outgoing: ({ context }) => ({ activity: context.acknowledged + 1, segmentsSent: 0, lastConfirmedSerial: 0 }),
    }),
    sendActivityStart: emit(({ context }) => send({ kind: 'AS', activity: context.outgoing!.activity })),
    /** Sends the next segment; notes (verification only) when it repeats data the peer confirmed. */
    sendSegment: assign(({ context }) => {
      const out = context.outgoing!;
      const { checkpointSize } = agreedOf(context);
      const fromKB = checkpointSize === 0 ? 0 : resumeOffsetKB(out.segmentsSent, checkpointSize, context.config.messageSize);
      return {
        outgoing: { ...out, segmentsSent: out.segmentsSent + 1 },
        resentConfirmedData: context.resentConfirmedData || fromKB < context.confirmedKB,
      };
    }),
    sendSegmentData: emit(({ context }) => {
      const out = context.outgoing!;
      const { checkpointSize } = agreedOf(context);
      const size = context.config.messageSize;
      const fromKB = checkpointSize === 0 ? 0 : resumeOffsetKB(out.segmentsSent - 1, checkpointSize, size);
      const toKB = checkpointSize === 0 ? size : resumeOffsetKB(out.segmentsSent, checkpointSize, size);
      return send({ kind: 'DT', activity: out.activity, fromKB, toKB });
    }),
    sendMinorSync: emit(({ context }) => send({ kind: 'MIP', serial: context.outgoing!.segmentsSent })),
    sendActivityEnd: emit(({ context }) =>
      send({ kind: 'AE', activity: context.outgoing!.activity, serial: segmentsOfOutgoing(context), sizeKB: context.config.messageSize }),
    ),
    recordCheckpointConfirmed: assign(({ context, event }) => {
      if (context.outgoing === null) return {};
      const serial = pduOf(event, 'MIA')?.serial ?? 0;
      const kb = resumeOffsetKB(serial, agreedOf(context).checkpointSize, context.config.messageSize);
      return { outgoing: { ...context.outgoing, lastConfirmedSerial: serial }, confirmedKB: Math.max(context.confirmedKB, kb) };
    }),
    completeActivity: assign({ outgoing: null, acknowledged: ({ context }) => context.acknowledged + 1, confirmedKB: 0 }),
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
      incoming: ({ event }) => ({ activity: pduOf(event, 'AS')!.activity, kbHeld: 0, intact: true }),
    }),
    resumeIncomingActivity: assign({
      incoming: ({ context, event }) => {
        const resume = pduOf(event, 'AR')!;
        const held = context.incoming?.activity === resume.activity ? context.incoming : null;
        // The resume point is the checkpoint serial times this side's agreed checkpoint size.
        // Data after it is discarded: it will be sent again. A resume past what is held leaves
        // a gap (noted for verification only).
        const at = resumeOffsetKB(resume.serial, agreedOf(context).checkpointSize, Number.MAX_SAFE_INTEGER);
        const intact = (held?.intact ?? true) && at <= (held?.kbHeld ?? 0);
        return { activity: resume.activity, kbHeld: at, intact };
      },
    }),
    holdSegment: assign({
      incoming: ({ context, event }) => {
        const incoming = context.incoming!;
        const data = pduOf(event, 'DT')!;
        return { ...incoming, kbHeld: data.toKB, intact: incoming.intact && data.fromKB === incoming.kbHeld };
      },
    }),
    confirmMinorSync: emit(({ event }) => send({ kind: 'MIA', serial: pduOf(event, 'MIP')!.serial })),
    deliverMessage: assign(({ context, event }) => {
      const incoming = context.incoming!;
      const whole = incoming.intact && incoming.kbHeld === pduOf(event, 'AE')!.sizeKB;
      return {
        delivered: [...context.delivered, incoming.activity],
        deliveredDamaged: context.deliveredDamaged || !whole,
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
    connectedAs: null,
    openedAssociation: false,
    thresholdAssociationsOpened: 0,
    openingForThreshold: false,
    turnPleasesRepeated: 0,
    unaskedGives: 0,
    gaveTurnUnacknowledged: false,
    agreed: null,
    original: null,
    request: null,
    recoveryAttemptsUsed: 0,
    submitted: 0,
    acknowledged: 0,
    outgoing: null,
    incoming: null,
    delivered: [],
    deliveredDamaged: false,
    confirmedKB: 0,
    resentConfirmedData: false,
  }),
  on: {
    'user.submit': {
      guard: 'maySubmit',
      actions: 'countSubmission',
      description: '[A] a P1 message is queued for the peer (the environment submits it); in monologue only the association initiator sends.',
    },
  },
  states: {
    association: {
      initial: 'idle',
      on: {
        // A connect request in a phase that has no more specific answer.
        'peer.RTORQ': [
          {
            guard: 'isFreshOpenWeCanAccept',
            target: '.answering',
            actions: ['dropRecoveryRecord', 'rememberRequest', 'markCalled'],
            description:
              '[A] a fresh open replaces any earlier association here: its recovery record is dropped (the threshold association, or a new one after a recovery timeout).',
          },
          {
            guard: 'isOpenRequest',
            actions: { type: 'refuseConnect', params: { reason: 'unacceptableDialogueMode' } },
            description: '[S] X.228 ASN.1 (rtse.asn) RefuseReason unacceptableDialogueMode; Siemens RTS: only at establishment.',
          },
          {
            guard: 'isRecoverRequest',
            actions: { type: 'refuseConnect', params: { reason: 'cannotRecover' } },
            description:
              '[S] X.228 ASN.1 RefuseReason cannotRecover; ISODE refuses every recovering connect so. Here: no record of that association is kept (dropped by the recovery timer, or never made).',
          },
        ],
      },
      states: {
        idle: {
          always: {
            guard: 'isStartingUp',
            target: 'opening',
            description: '[A] the association initiator opens the first association as soon as it starts.',
          },
        },
        opening: {
          // A new association abandons the old one: its recovery record goes.
          entry: ['dropRecoveryRecord', 'chooseNewConnectionId', 'markCaller', 'markOpener', 'sendOpenRequest'],
          on: {
            'peer.RTOAC': {
              target: 'open',
              actions: ['adoptFreshAgreement', { type: 'announceEstablished', params: { fresh: true } }],
              description: '[S] ISODE rtsap: the initiator adopts the checkpoint and window sizes RTOAC carries.',
            },
            'peer.RTORJ': {
              target: 'closed',
              description: '[A] a refused open is final in the model (a configuration mismatch).',
            },
            'peer.RTORQ': {
              guard: 'isRecoverRequest',
              target: 'opening',
              reenter: true,
              actions: { type: 'refuseConnect', params: { reason: 'cannotRecover' } },
              description:
                '[A] the peer recovers an association this side never saw established (its open was lost, answer and all): its connect replaced this side\'s own, so this side refuses it (X.228 ASN.1 cannotRecover) and connects again.',
            },
            'net.lost': {
              target: 'opening',
              reenter: true,
              description: '[A] a connect lost before it was answered is simply tried again.',
            },
          },
        },
        answering: {
          on: {
            'peer.RTORQ': {
              guard: 'isRecoveryOfThisAssociation',
              actions: 'rememberRequest',
              description: '[A] the caller tried again on a new connection before this side saw the earlier one lost: the newer request is answered.',
            },
            'local.limit': [
              {
                guard: 'isAnsweringFreshOpen',
                target: 'open',
                actions: [
                  'agreeFromLocalLimit',
                  'recordOriginalAgreement',
                  'sendAccept',
                  { type: 'announceEstablished', params: { fresh: true } },
                  'forgetRequest',
                ],
                description:
                  '[S] ISODE rtsap/rt2ssrespond.c: the acceptor answers min(proposal, its local limit), a proposal of 0 with its own value; Siemens RTS: 1 <= window <= proposal. The limit is this connection\'s (environment choice).',
              },
              {
                guard: 'answersRecoveryWithOriginal',
                target: 'open',
                actions: ['agreeOnOriginal', 'sendAccept', { type: 'announceEstablished', params: { fresh: false } }, 'forgetRequest'],
                description: '[A] KB Q187929 fix: the original agreement binds the recovery, whatever the current local limit.',
              },
              {
                guard: 'isRecoveryBoundByOriginalAgreement',
                target: 'awaitingRecovery',
                actions: [{ type: 'refuseConnect', params: { reason: 'cannotRecover' } }, 'forgetRequest'],
                description:
                  '[A] KB Q187929 fix: a recovery request the original agreement cannot answer (another mode, a smaller proposal) is refused with cannotRecover (X.228 ASN.1; Siemens RTS: only during recovery).',
              },
              {
                target: 'open',
                actions: ['agreeFromLocalLimit', 'sendAccept', { type: 'announceEstablished', params: { fresh: false } }, 'forgetRequest'],
                description:
                  '[S] KB Q187929: the recovery is answered like a fresh open, from the acceptor\'s current local limit, so its sizes may differ from the original (the 4.0/5.0 behaviour; patched never comes here).',
              },
            ],
            'net.lost': [
              {
                guard: 'isRecoverable',
                target: 'awaitingRecovery',
                actions: 'forgetRequest',
                description: '[A] the recovery connection was lost before it was answered: the record is kept for the next attempt.',
              },
              {
                target: 'idle',
                actions: 'forgetRequest',
                description: '[A] a fresh open lost before it was answered: the MTA that sent it connects again; this side waits.',
              },
            ],
          },
        },
        open: {
          initial: 'establishing',
          states: {
            establishing: {
              // Transient: left in the same macrostep by the raised association.established,
              // so every region has reacted before either MTA sends on the new connection.
              on: { 'association.established': { target: 'ready', actions: 'startConnectionCounts' } },
            },
            ready: {},
          },
          on: {
            'net.lost': [
              {
                guard: 'isReplacedByPeerRecovery',
                target: 'awaitingRecovery',
                description: '[A] half-open: the peer\'s recovering connect arrived before this side saw the loss; the old connection is given up and the request answered.',
              },
              {
                guard: 'isSenderWithRecoverableAssociation',
                target: 'recovering',
                description:
                  '[S] KB Q194556: the sending MTA retries with a recovering connect; KB Q166594: the initiator with a backlog recovers. [A] the sending MTA is the one with mail queued, in either role, with attempts left.',
              },
              {
                guard: 'isRecoverable',
                target: 'awaitingRecovery',
                description: '[S] KB Q198622: an MTA keeps its checkpoint data and waits for a reconnection initiated remotely until the recovery timeout.',
              },
              {
                guard: 'hasOpenedAssociation',
                target: 'opening',
                description: '[S] ISODE rtsap: checkpoint size 0 means no checkpointing and so no recovery; [A] the MTA that opened the association opens a new one.',
              },
              {
                target: 'idle',
                description: '[S] ISODE rtsap: without checkpointing there is nothing to recover.',
              },
            ],
            'peer.RTORQ': {
              guard: 'isRecoveryOfThisAssociation',
              actions: ['treatAsLossReplacedByPeer', 'takeRequestAgain'],
              description:
                '[A] half-open: a recovering connect for this association arrives before this side saw its connection lost; it takes over (no source we read says how an acceptor treats it).',
            },
            'queue.threshold': {
              guard: 'mayOpenThresholdAssociation',
              target: 'opening',
              actions: 'markThresholdOpening',
              description:
                '[S] KB Q166594, Q234157: an MTA whose queue reaches the message threshold opens another association to the peer. [A] it replaces the open one, and only while that one idles (no transfer either way, the Turn not being given; Exchange runs it beside); a bounded number per run.',
            },
          },
        },
        recovering: {
          initial: 'connecting',
          on: {
            'peer.RTORQ': {
              guard: 'isRecoveryOfThisAssociation',
              target: 'answering',
              actions: ['rememberRequest', 'markCalled'],
              description:
                '[A] both MTAs recover at once: the channel keeps only the later connect, so the side whose connect was dropped answers the other\'s.',
            },
          },
          states: {
            connecting: {
              entry: ['countRecoveryAttempt', 'markCaller', 'sendRecoveryRequest'],
              on: {
                'peer.RTOAC': [
                  {
                    guard: 'isOriginalAgreement',
                    target: '#mta.association.open',
                    actions: ['adoptRecoveryAgreement', { type: 'announceEstablished', params: { fresh: false } }],
                    description:
                      '[A] derived: a recovery resumes at checkpoint k, octet k × checkpoint size, so it must keep the original sizes (X.228 clause 0: recovery with minimal retransmission).',
                  },
                  {
                    target: 'attemptFailed',
                    actions: 'disconnect',
                    description:
                      '[S] KB Q187929: the recovery answer differs from the original, the MTA cannot reconnect. [A] it refuses the answer by releasing the connection (a disconnect, not an abort), keeps its record and counts a failed attempt.',
                  },
                ],
                'peer.RTORJ': {
                  target: 'attemptFailed',
                  description: '[A] a refused recovery counts as a failed attempt.',
                },
                'net.lost': {
                  target: 'attemptFailed',
                  description: '[A] a recovery connect lost before it was answered counts as a failed attempt.',
                },
              },
            },
            attemptFailed: {
              always: [
                {
                  guard: 'hasRecoveryAttemptsLeft',
                  target: 'connecting',
                  description: '[S] KB Q194556: the sending MTA retries with a new recovering connect. [A] a bounded number of attempts.',
                },
                {
                  target: '#mta.association.awaitingRecovery',
                  description: '[S] KB Q198622: the MTA waits for a reconnection (its own or the peer\'s) until the recovery timeout.',
                },
              ],
            },
          },
        },
        awaitingRecovery: {
          on: {
            'peer.RTORQ': {
              guard: 'isRecoveryOfThisAssociation',
              target: 'answering',
              actions: ['rememberRequest', 'markCalled'],
              description: '[S] X.228 ASN.1: the recovery request is an RTORQ whose connectionDataRQ is recover(the session connection identifier).',
            },
            'timer.recovery': [
              {
                guard: 'hasOpenedAssociation',
                target: 'opening',
                description:
                  '[S] KB Q198622: when the recovery timeout expires the checkpoint data is dropped and the transfer restarts from the beginning on a new association. [A] the MTA that opened the association opens it.',
              },
              {
                target: 'idle',
                actions: 'dropRecoveryRecord',
                description: '[S] KB Q198622: when the recovery timeout expires the checkpoint data is dropped. [A] the other MTA waits for the new association.',
              },
            ],
          },
        },
        closed: {},
      },
    },

    turn: {
      initial: 'notHolding',
      on: {
        // Two branches: the Turn is ours, or the peer's. No branch taken (the 4.0/5.0 MTA
        // after a recovery, KB Q166594): each side keeps the belief it had before the loss.
        'association.established': [
          {
            guard: 'isTurnOursOnEstablishing',
            target: '.holding',
            description:
              '[S] ISODE ssap: the initial Turn is on the side the connect\'s token setting names; after a recovery only where isTurnRederivedOnRecovery holds ([A] candidate fix turn-fix), or where isGiverTakingTurnBack holds ([A] candidate fix turn-fix-giver: the MTA whose GTC was never acknowledged takes the Turn back).',
          },
          {
            guard: 'isTurnTakenFromTokenSetting',
            target: '.notHolding',
            description: '[S] ISODE ssap: the connect\'s token setting names the peer, so the Turn is there (after a recovery only where isTurnRederivedOnRecovery holds).',
          },
        ],
      },
      states: {
        notHolding: {
          initial: 'quiet',
          on: {
            'peer.GTC': {
              target: 'holding',
              actions: 'acknowledgeTurn',
              description: '[S] ISODE ssap/ssaptoken.c: the receiver gains the tokens when GTC arrives and answers GTA.',
            },
            'peer.PT': {
              description:
                '[S] KB Q166594: a Turn-Please received by a side that does not believe it holds the Turn is ignored (ISODE\'s session layer passes it up unchecked; the PP MTA aborts).',
            },
          },
          states: {
            quiet: {
              entry: 'forgetTurnPleaseRepeats',
              always: {
                guard: 'shouldAskForTurn',
                target: 'asking',
                actions: 'sendTurnPlease',
                description: '[S] ISODE rtsap: RT-TURN-PLEASE is a PLEASE TOKENS SPDU, only in two-way alternate, from the side without the Turn that has data to send.',
              },
            },
            asking: {
              on: {
                'turn.askAgain': {
                  guard: 'mayAskAgain',
                  actions: ['sendTurnPlease', 'countTurnPleaseRepeat'],
                  description: '[A] the side without the Turn may ask again (a bounded number of times), with the next priority (X.228 ASN.1 RTTPapdu: a priority).',
                },
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
                'turn.giveUnasked': {
                  guard: 'mayGiveTurnUnasked',
                  target: '#mta.turn.giving',
                  actions: ['giveTurn', 'rememberTurnGiven', 'countUnaskedGive'],
                  description:
                    '[S] ISODE rtsap/rt2ss.c: the holder may give the Turn with no transfer in progress, asked or not (Siemens rortpm0.h: only the side with the Turn). [A] a bounded number of times per connection.',
                },
              },
            },
            askedToGive: {
              always: {
                guard: 'mayGiveTurnAsked',
                target: '#mta.turn.giving',
                actions: ['giveTurn', 'rememberTurnGiven'],
                description: '[S] ISODE rtsap/rt2ss.c: RT-TURN-GIVE (GTC) only by the holder with no transfer in progress.',
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
              actions: 'forgetTurnGiven',
              description: '[S] ISODE ssap: GTA acknowledges the GTC; the giver cleared its Turn when it sent GTC (rtsap/rt2ss.c).',
            },
            'net.lost': {
              target: 'notHolding',
              description: '[S] ISODE rtsap/rt2ss.c: the giver cleared its Turn when it sent GTC, whether or not GTC arrived.',
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
          description: '[S] KB Q198622: on a new association the transfer restarts from the beginning.',
        },
      },
      states: {
        idle: {
          always: {
            guard: 'mayStartActivity',
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
                '[S] X.228 ASN.1 comment: transferCompleted = the receiver already completed the transfer. [A] it says so in an exception report; the sender discards the activity (AD) and counts the message delivered.',
            },
            'net.lost': {
              target: 'interrupted',
              actions: 'rewindToLastCheckpoint',
              description: '[S] KB Q198622: a recovered transfer restarts from the last confirmed checkpoint.',
            },
          },
          states: {
            transferring: {
              always: [
                {
                  guard: 'maySendCheckpointedSegment',
                  actions: ['sendSegment', 'sendSegmentData', 'sendMinorSync'],
                  description:
                    '[S] ISODE rtsap: data in segments of checkpointSize KB, a confirmed MINOR-SYNC after each, no new one while the window is full.',
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
            guard: 'mayResumeActivity',
            target: 'activityOpen',
            actions: 'sendActivityResume',
            description: '[A] ACTIVITY-RESUME names the old activity and the serial of the last confirmed checkpoint (X.225 Table A-4: serials continue from it).',
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
          description: '[S] KB Q198622: on a new association the partial transfer is dropped.',
        },
        'peer.AS': [
          {
            guard: 'isAlreadyDelivered',
            target: '.noActivity',
            actions: ['reportTransferCompleted', 'forgetIncomingActivity'],
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
            '[A] ACTIVITY-DISCARD ends an activity without delivering it; it only follows this side\'s exception report, which already closed the activity here: nothing left to do.',
        },
        'peer.AR': [
          {
            guard: 'isAlreadyDelivered',
            target: '.noActivity',
            actions: ['reportTransferCompleted', 'forgetIncomingActivity'],
            description:
              '[S] X.228 ASN.1 comment: transferCompleted = the receiver already completed this transfer and cannot discard it. [A] reported with S-U-EXCEPTION-REPORT.',
          },
          {
            target: '.inActivity',
            actions: 'resumeIncomingActivity',
            description: '[A] the receiver discards data after the resumed checkpoint (X.225 Table A-4: serials continue from it).',
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
              actions: 'confirmMinorSync',
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
