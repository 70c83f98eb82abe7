// The properties of domain.md §5, each under its sentence name, used verbatim in tests,
// results/ and the README. A property is a predicate over the composed state (MTA A, the
// channel, MTA B); the checker in explore/ decides it over every reachable state.

import type { Property, StateView } from '../explore/model';
import type { Bounds } from './bounds';
import { messagesFrom } from './bounds';
import { channelOf, mtaOf } from './composition';
import type { Agreement } from './mta.machine';
import type { DialogueMode } from './pdu';
import { phaseOf, turnOf } from './system';

export const propertyNames = {
  turnNeverLost: 'turn is never lost',
  noDeadlock: 'no deadlock',
  deliveredWithoutNewAssociation: 'every message is delivered without a new association',
  recoveryKeepsCheckpointSize: 'recovery keeps the negotiated checkpoint size',
  monologueRecoverySucceeds: 'monologue recovery succeeds',
  exactlyOnceInOrder: 'each message is delivered exactly once, in order',
  deliveredWhole: 'each message is delivered whole',
  onlyHolderTransfers: 'only the Turn holder transfers',
  windowRespected: 'the window is respected',
  negotiationOnlyLowers: 'negotiation only lowers',
  channelWithinCapacity: 'the channel stays within its capacity',
  recoverySucceeds: 'a recovery succeeds',
  turnChangesHands: 'the Turn changes hands',
  deliveredAfterLoss: 'a message is delivered after a loss',
} as const;

export type PropertyName = (typeof propertyNames)[keyof typeof propertyNames];

const sides = ['A', 'B'] as const;

function sameAgreement(x: Agreement, y: Agreement): boolean {
  return x.checkpointSize === y.checkpointSize && x.windowSize === y.windowSize && x.dialogueMode === y.dialogueMode;
}

/** Both MTAs in the open phase of the same connection, and both know it. */
function bothOpenOnOneConnection(view: StateView): boolean {
  const channel = channelOf(view);
  const { epoch, epochOf, lossNoticePending } = channel.context;
  return (
    channel.value === 'up' &&
    epochOf.A === epoch &&
    epochOf.B === epoch &&
    !lossNoticePending.A &&
    !lossNoticePending.B &&
    sides.every((side) => phaseOf(mtaOf(view, side)) === 'open')
  );
}

function totalDelivered(view: StateView): number {
  return mtaOf(view, 'A').context.delivered.length + mtaOf(view, 'B').context.delivered.length;
}

/** Every message of the bounds submitted and delivered. */
function allDelivered(view: StateView, mode: DialogueMode, bounds: Bounds): boolean {
  return sides.every((sender) => {
    const receiver = sender === 'A' ? 'B' : 'A';
    const delivered = mtaOf(view, receiver).context.delivered;
    return delivered.length === messagesFrom(sender, mode, bounds) && delivered.every((id, i) => id === i + 1);
  });
}

export function propertiesFor(mode: DialogueMode, bounds: Bounds): Property[] {
  return [
    {
      kind: 'always',
      name: propertyNames.turnNeverLost,
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
      goal: (view) => allDelivered(view, mode, bounds),
    },
    {
      kind: 'leadsTo',
      name: propertyNames.deliveredWithoutNewAssociation,
      // From the start, every fair path delivers everything without the threshold association
      // (the workaround); a new association after a recovery timeout is the protocol's own.
      from: (_, isInitial) => isInitial,
      to: (view) => allDelivered(view, mode, bounds),
      withoutStepKinds: ['workaround'],
    },
    {
      kind: 'always',
      name: propertyNames.recoveryKeepsCheckpointSize,
      holds: (view) =>
        sides.every((side) => {
          const { agreed, original } = mtaOf(view, side).context;
          return phaseOf(mtaOf(view, side)) !== 'open' || agreed === null || original === null || sameAgreement(agreed, original);
        }),
    },
    {
      kind: 'leadsTo',
      name: propertyNames.monologueRecoverySucceeds,
      appliesWhen: mode === 'monologue',
      // Once A is recovering and the network stays up (no loss left in the bound, none that A has
      // yet to notice, the connection of its attempt up), every fair path reaches the open phase
      // again without running out of attempts.
      from: (view) => {
        const channel = channelOf(view);
        return (
          phaseOf(mtaOf(view, 'A')) === 'recovering' &&
          channel.context.losses >= bounds.losses &&
          channel.value === 'up' &&
          !channel.context.lossNoticePending.A
        );
      },
      to: (view) => phaseOf(mtaOf(view, 'A')) === 'open',
      failure: (view) => phaseOf(mtaOf(view, 'A')) === 'recoveryFailed',
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
      holds: (view) => sides.every((side) => mtaOf(view, side).context.damagedDeliveries.length === 0),
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
      holds: (view) =>
        sides.every((side) => {
          const { agreed } = mtaOf(view, side).context;
          if (agreed === null) return true;
          const lowered = agreed.checkpointSize <= bounds.proposedCheckpointSize && agreed.windowSize <= bounds.proposedWindowSize;
          const zeroStaysZero = bounds.proposedCheckpointSize !== 0 || agreed.checkpointSize === 0;
          return lowered && zeroStaysZero && agreed.windowSize >= 1;
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
      reached: (view) => phaseOf(mtaOf(view, 'A')) === 'open' && mtaOf(view, 'A').context.recoveryAttemptsUsed > 0,
    },
    {
      kind: 'sometimes',
      name: propertyNames.turnChangesHands,
      appliesWhen: mode === 'twa',
      reached: (view) => turnOf(mtaOf(view, 'B')) === 'holding',
    },
    {
      kind: 'sometimes',
      name: propertyNames.deliveredAfterLoss,
      reached: (view, previous) => previous !== null && channelOf(previous).context.losses > 0 && totalDelivered(view) > totalDelivered(previous),
    },
  ];
}
