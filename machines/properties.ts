// The properties of the model, each under its sentence name, used verbatim in tests,
// results/ and the README. A property is a predicate over the composed state (MTA A, the
// channel, MTA B); the checker in explore/ decides it over every reachable state.
//
// Each bug is judged by what it does: a Turn nobody holds and mail that waits ("turn is never
// lost", "no deadlock"), a recovery that never succeeds, data sent twice. "recovery keeps the
// negotiated checkpoint size" is KB Q187929's literal symptom, kept as a diagnostic.

import type { Property, Scenario } from '../explore/engine/model';
import type { Bounds } from './bounds';
import { everyLossRecoverable, messagesFrom, thresholdReachable } from './bounds';
import { channelOf, mtaOf } from './composition';
import { explainChangedAnswer, explainDeadlock, explainFailedRecovery, explainResent, explainTurn } from './explain';
import { peerOf } from './channel.machine';
import type { Agreement } from './mta.machine';
import type { DialogueMode, Pdu } from './pdu';
import { phaseOf, queueLengthOf, turnOf, type MtaSnapshot, type SystemView } from './system';

export const propertyNames = {
  turnNeverLost: 'turn is never lost',
  noDeadlock: 'no deadlock',
  deliveredWithoutNewAssociation: 'every message is delivered without a new association',
  thresholdRescues: 'once a queue reaches the threshold, every message is eventually delivered',
  recoverySucceedsWhileUp: 'a recovery succeeds while the connection stays up',
  confirmedDataNeverResent: 'confirmed data is never sent again',
  recoveryKeepsCheckpointSize: 'recovery keeps the negotiated checkpoint size',
  exactlyOnceInOrder: 'each message is delivered exactly once, in order',
  deliveredWhole: 'each message is delivered whole',
  onlyHolderTransfers: 'only the Turn holder transfers',
  windowRespected: 'the window is respected',
  negotiationOnlyLowers: 'negotiation only lowers',
  channelWithinCapacity: 'the channel stays within its capacity',
  recoverySucceeds: 'a recovery succeeds',
  turnChangesHands: 'the Turn changes hands',
  deliveredAfterLoss: 'a message is delivered after a loss',
  resumesAfterFirstCheckpoint: 'a transfer resumes after its first checkpoint',
  timerRestartsTransfer: 'the recovery timer restarts a transfer',
  thresholdDelivers: 'the threshold association delivers',
  lostGiveRecovered: 'a Turn given just before a loss is recovered',
  pleaseCrossesGive: 'a Turn-Please crosses a Turn-Give',
} as const;

export type PropertyName = (typeof propertyNames)[keyof typeof propertyNames];

const sides = ['A', 'B'] as const;

function sameAgreement(x: Agreement, y: Agreement): boolean {
  return x.checkpointSize === y.checkpointSize && x.windowSize === y.windowSize && x.dialogueMode === y.dialogueMode;
}

/** Both MTAs in the open phase of the same connection, and both know it. */
function bothOpenOnOneConnection(view: SystemView): boolean {
  const channel = channelOf(view);
  const { joined, lossNoticePending } = channel.context;
  return (
    channel.value === 'up' &&
    joined.A &&
    joined.B &&
    !lossNoticePending.A &&
    !lossNoticePending.B &&
    sides.every((side) => phaseOf(mtaOf(view, side)) === 'open')
  );
}

function totalDelivered(view: SystemView): number {
  return mtaOf(view, 'A').context.delivered.length + mtaOf(view, 'B').context.delivered.length;
}

/** Every message of the bounds submitted and delivered. */
function allDelivered(view: SystemView, mode: DialogueMode, bounds: Bounds): boolean {
  return sides.every((sender) => {
    const receiver = sender === 'A' ? 'B' : 'A';
    const delivered = mtaOf(view, receiver).context.delivered;
    return delivered.length === messagesFrom(sender, mode, bounds) && delivered.every((id, i) => id === i + 1);
  });
}

export function propertiesFor(mode: DialogueMode, bounds: Bounds): Property<SystemView>[] {
  return [
    {
      kind: 'always',
      name: propertyNames.turnNeverLost,
      explain: explainTurn,
      // In the open phase of one connection exactly one side holds the Turn or exactly one GTC
      // for it is in flight; never two holders.
      holds(view) {
        const holders = sides.filter((side) => turnOf(mtaOf(view, side)) === 'holding').length;
        if (holders > 1) return false;
        if (!bothOpenOnOneConnection(view)) return true;
        const { toA, toB } = channelOf(view).context;
        const givesInFlight = [...toA, ...toB].filter((pdu) => pdu.kind === 'GTC').length;
        return holders + givesInFlight === 1;
      },
    },
    {
      kind: 'noDeadlock',
      name: propertyNames.noDeadlock,
      explain: explainDeadlock(bounds),
      goal: (view) => allDelivered(view, mode, bounds),
      ...(mode === 'twa' ? { illustration: shapedLikeQ166594 } : {}),
    },
    {
      kind: 'leadsTo',
      name: propertyNames.deliveredWithoutNewAssociation,
      explain: explainDeadlock(bounds),
      // From the start, every fair path delivers everything without the threshold association
      // (the workaround); a new association after a recovery timeout is the protocol's own.
      from: (_, isInitial) => isInitial,
      to: (view) => allDelivered(view, mode, bounds),
      withoutStepKinds: ['workaround'],
    },
    {
      kind: 'leadsTo',
      name: propertyNames.thresholdRescues,
      explain: explainTurn,
      // KB Q166594's workaround: from any state where some queue has reached T, every fair path
      // delivers (new associations allowed) until everything is delivered or no queue is at T
      // any more. A backlog that fell below T before the Turn was lost stays stuck: that is the
      // KB's "until the threshold", and what "no deadlock" and the property above report.
      ...thresholdApplicability(mode, bounds),
      from: (view) => sides.some((side) => queueLengthOf(mtaOf(view, side)) >= bounds.threshold),
      to: (view) => allDelivered(view, mode, bounds) || sides.every((side) => queueLengthOf(mtaOf(view, side)) < bounds.threshold),
    },
    {
      kind: 'leadsTo',
      name: propertyNames.recoverySucceedsWhileUp,
      explain: explainFailedRecovery,
      // Once an MTA is recovering and no loss remains in the bound, every fair path reaches
      // both MTAs open on one connection by recovery: never through a new association (the
      // recovery timer's restart, or the threshold's), whatever local limit the acceptor has.
      // The premise needs the association on both sides: the peer keeps its record (an open
      // lost with its answer leaves nothing to recover); and the recovering side's own
      // connection must not be lost already. The threshold association is left out.
      from: (view) =>
        channelOf(view).context.losses >= bounds.losses &&
        sides.some(
          (side) =>
            phaseOf(mtaOf(view, side)) === 'recovering' &&
            !channelOf(view).context.lossNoticePending[side] &&
            holdsSameRecord(mtaOf(view, side), mtaOf(view, peerOf(side))),
        ),
      to: (view) => bothOpenOnOneConnection(view),
      failure: (view) => sides.some((side) => isMakingNewAssociation(mtaOf(view, side))),
      withoutStepKinds: ['workaround'],
    },
    {
      kind: 'always',
      name: propertyNames.confirmedDataNeverResent,
      explain: explainResent,
      // X.228 clause 0: recovery with minimal retransmission. No sender sends a segment it
      // knew the receiver had confirmed; a restart from the beginning after the timer counts.
      ...confirmedDataApplicability(bounds),
      holds: (view) => sides.every((side) => !mtaOf(view, side).context.resentConfirmedData),
    },
    {
      kind: 'always',
      name: propertyNames.recoveryKeepsCheckpointSize,
      explain: explainChangedAnswer,
      // KB Q187929's symptom: every side open after a recovery uses the original sizes and mode.
      holds: (view) =>
        sides.every((side) => {
          const { agreed, original } = mtaOf(view, side).context;
          return phaseOf(mtaOf(view, side)) !== 'open' || agreed === null || original === null || sameAgreement(agreed, original);
        }),
    },
    {
      kind: 'always',
      name: propertyNames.exactlyOnceInOrder,
      holds: (view) =>
        sides.every((sender) => {
          const submitted = mtaOf(view, sender).context.submitted;
          const delivered = mtaOf(view, sender === 'A' ? 'B' : 'A').context.delivered;
          return delivered.length <= submitted && delivered.every((id, i) => id === i + 1);
        }),
    },
    {
      kind: 'always',
      name: propertyNames.deliveredWhole,
      // Every segment arrived once, in order, and as many as the activity end says.
      holds: (view) => sides.every((side) => !mtaOf(view, side).context.deliveredDamaged),
    },
    {
      kind: 'always',
      name: propertyNames.onlyHolderTransfers,
      // An open activity (start, data, minor syncs, end) needs the Turn: the tokens it uses.
      holds: (view) => sides.every((side) => !mtaOf(view, side).matches({ sending: 'activityOpen' }) || turnOf(mtaOf(view, side)) === 'holding'),
    },
    {
      kind: 'always',
      name: propertyNames.windowRespected,
      holds: (view) =>
        sides.every((side) => {
          const { outgoing, agreed } = mtaOf(view, side).context;
          if (outgoing === null || agreed === null || agreed.checkpointSize === 0) return true;
          return outgoing.segmentsSent - outgoing.lastConfirmedSerial <= agreed.windowSize;
        }),
    },
    {
      kind: 'always',
      name: propertyNames.negotiationOnlyLowers,
      // ISODE rt2ssrespond.c, Siemens rortpm0.h: the answer is at most the proposal, but a
      // proposal of 0 may be answered with any size; 1 <= window <= proposal.
      holds: (view) =>
        sides.every((side) => {
          const { agreed } = mtaOf(view, side).context;
          if (agreed === null) return true;
          const checkpointLowered = bounds.proposedCheckpointSize === 0 || agreed.checkpointSize <= bounds.proposedCheckpointSize;
          return checkpointLowered && agreed.windowSize >= 1 && agreed.windowSize <= bounds.proposedWindowSize;
        }),
    },
    {
      kind: 'always',
      name: propertyNames.channelWithinCapacity,
      holds: (view) => !channelOf(view).hasTag('modelError'),
    },
    {
      kind: 'sometimes',
      name: propertyNames.recoverySucceeds,
      // The recovering MTA's connect is accepted.
      reached: (view, previous) =>
        previous !== null && sides.some((side) => phaseOf(mtaOf(previous, side)) === 'recovering' && phaseOf(mtaOf(view, side)) === 'open'),
    },
    {
      kind: 'sometimes',
      name: propertyNames.turnChangesHands,
      ...(mode === 'twa' ? {} : { notApplicableBecause: 'in monologue only the association initiator sends: the Turn never moves' }),
      reached: (view) => turnOf(mtaOf(view, 'B')) === 'holding',
    },
    {
      kind: 'sometimes',
      name: propertyNames.deliveredAfterLoss,
      reached: (view, previous) => previous !== null && channelOf(previous).context.losses > 0 && totalDelivered(view) > totalDelivered(previous),
    },
    {
      kind: 'sometimes',
      name: propertyNames.resumesAfterFirstCheckpoint,
      // An interrupted activity resumes (ACTIVITY-RESUME) from a confirmed checkpoint.
      reached: (view, previous) =>
        previous !== null &&
        sides.some((side) => {
          const before = mtaOf(previous, side);
          return before.matches({ sending: 'interrupted' }) && (before.context.outgoing?.lastConfirmedSerial ?? 0) >= 1 && mtaOf(view, side).matches({ sending: 'activityOpen' });
        }),
    },
    {
      kind: 'sometimes',
      name: propertyNames.timerRestartsTransfer,
      // The timer drops the record of an association whose transfer was interrupted after a
      // confirmed checkpoint: the transfer will start again from the beginning.
      ...(everyLossRecoverable(bounds)
        ? { notApplicableBecause: `checked where losses exceed recovery attempts; here (${bounds.losses} vs ${bounds.recoveryAttempts}) every loss can be recovered and "${propertyNames.confirmedDataNeverResent}" is checked instead` }
        : {}),
      reached: (view, previous) =>
        previous !== null &&
        sides.some((side) => {
          const before = mtaOf(previous, side);
          return phaseOf(before) === 'awaitingRecovery' && before.context.confirmedKB > 0 && mtaOf(view, side).context.original === null;
        }),
    },
    {
      kind: 'sometimes',
      name: propertyNames.thresholdDelivers,
      ...thresholdApplicability(mode, bounds),
      // A message is delivered once some MTA has opened a threshold association.
      reached: (view, previous) =>
        previous !== null && totalDelivered(view) > totalDelivered(previous) && sides.some((side) => mtaOf(view, side).context.thresholdAssociationsOpened > 0),
    },
    {
      kind: 'sometimes',
      name: propertyNames.lostGiveRecovered,
      ...(mode === 'twa' ? {} : { notApplicableBecause: 'in monologue the Turn is never given' }),
      // The first loss takes a GTC with it; the recovery of that loss (no other loss comes
      // first, so no other recovery) completes with exactly one holder.
      stages: [
        (view, previous) => channelOf(previous).context.losses === 0 && channelOf(view).context.losses === 1 && givesInFlight(previous) > 0,
        (view, previous) =>
          channelOf(view).context.losses === 1 &&
          sides.some((side) => phaseOf(mtaOf(previous, side)) === 'recovering' && phaseOf(mtaOf(view, side)) === 'open') &&
          sides.filter((side) => turnOf(mtaOf(view, side)) === 'holding').length + givesInFlight(view) === 1,
      ],
    },
    {
      kind: 'sometimes',
      name: propertyNames.pleaseCrossesGive,
      ...(mode !== 'twa'
        ? { notApplicableBecause: 'in monologue nobody asks for or gives the Turn' }
        : bounds.turnPleaseRepeats === 0 && bounds.unaskedGivesPerConnection === 0
          ? { notApplicableBecause: 'a Turn-Please is answered before another can be sent: no repeat and no give unasked in these bounds' }
          : {}),
      reached: (view) => {
        const { toA, toB } = channelOf(view).context;
        const has = (queue: readonly Pdu[], kind: Pdu['kind']) => queue.some((pdu) => pdu.kind === kind);
        return (has(toA, 'PT') && has(toB, 'GTC')) || (has(toB, 'PT') && has(toA, 'GTC'));
      },
    },
  ];
}

function givesInFlight(view: SystemView): number {
  const { toA, toB } = channelOf(view).context;
  return [...toA, ...toB].filter((pdu) => pdu.kind === 'GTC').length;
}

/**
 * KB Q166594 as the article tells it: the initiator, with mail queued, gives the Turn; the
 * connection is lost with the GTC in flight; the initiator recovers and asks for the Turn
 * back; the responder ignores the request.
 */
const shapedLikeQ166594: Scenario<SystemView> = {
  name: 'shaped like KB Q166594',
  stages: [
    (view, previous) => turnOf(mtaOf(previous, 'A')) !== 'giving' && turnOf(mtaOf(view, 'A')) === 'giving' && queueLengthOf(mtaOf(view, 'A')) > 0,
    (view, previous) => channelOf(view).context.losses > channelOf(previous).context.losses && channelOf(previous).context.toB.some((pdu) => pdu.kind === 'GTC'),
    (view, previous) => phaseOf(mtaOf(previous, 'A')) === 'recovering' && phaseOf(mtaOf(view, 'A')) === 'open',
    (view, previous) => turnOf(mtaOf(previous, 'A')) !== 'asking' && turnOf(mtaOf(view, 'A')) === 'asking',
    (view, previous) => {
      const before = channelOf(previous).context.toB;
      return before[0]?.kind === 'PT' && channelOf(view).context.toB.length < before.length && turnOf(mtaOf(view, 'B')) !== 'holding';
    },
  ],
};

/** The threshold properties apply where a threshold association may open. */
function thresholdApplicability(mode: DialogueMode, bounds: Bounds): { notApplicableBecause?: string } {
  if (mode !== 'twa') return { notApplicableBecause: 'in monologue the initiator holds the Turn throughout: the association never stops sending, so no threshold association opens' };
  if (!thresholdReachable(mode, bounds)) return { notApplicableBecause: `no queue can reach the threshold (T = ${bounds.threshold} is above every backlog): the premise cannot occur` };
  return {};
}

/** "confirmed data is never sent again" is claimed where every loss can be recovered. */
function confirmedDataApplicability(bounds: Bounds): { notApplicableBecause?: string } {
  if (!everyLossRecoverable(bounds)) {
    return { notApplicableBecause: `more losses (${bounds.losses}) than recovery attempts (${bounds.recoveryAttempts}): a loss may leave a transfer no attempt can recover` };
  }
  return {};
}

/** The peer keeps the recovery record of the association this MTA recovers. */
function holdsSameRecord(recovering: MtaSnapshot, peer: MtaSnapshot): boolean {
  return peer.context.original !== null && peer.context.connectionId === recovering.context.connectionId;
}

/** A new association is under way at this MTA: it opens one, answers a fresh open, or waits for one (its record dropped). */
function isMakingNewAssociation(mta: MtaSnapshot): boolean {
  const phase = phaseOf(mta);
  return phase === 'opening' || phase === 'idle' || (phase === 'answering' && mta.context.request?.connectionData.kind === 'open');
}
