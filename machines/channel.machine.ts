// The connection between the two MTAs: up (connection number `epoch`) or down, one bounded
// FIFO per direction, and connection loss.
//
// A loss drops everything in flight and each side learns of it at its own time (a pending
// loss notice, delivered before anything newer). Until a side learns, what it sends is lost.
// Deliveries and the loss interleave freely, so any prefix of what was in flight may have
// arrived first.
//
// Instead of tagging each PDU with its epoch and discarding stale ones on arrival, the channel
// drops a PDU at the source when its sender is not on the current connection, and drops what
// was in flight to the initiator when it connects anew. Both give the same behaviour; this one
// keeps no epoch in the queues.

import { and, assign, emit, not, setup } from 'xstate';
import type { Pdu } from './pdu';

export type Side = 'A' | 'B';

export interface ChannelInput {
  /** Most PDUs in flight per direction; reaching it is a modelling error (state `overflowed`). */
  readonly capacity: number;
  /** How many connection losses may happen in a run. */
  readonly maxLosses: number;
  /** Optional faults, off by default: lose, duplicate or swap single PDUs. */
  readonly singlePduLoss?: boolean;
  readonly duplication?: boolean;
  readonly reordering?: boolean;
}

export interface ChannelContext {
  readonly config: Required<ChannelInput>;
  /** Number of the current (or last) connection; 0 before the first connect. */
  readonly epoch: number;
  /** The connection each side is on: a side joins one by connecting (A) or receiving RTORQ (B). */
  readonly epochOf: { readonly A: number; readonly B: number };
  readonly toA: readonly Pdu[];
  readonly toB: readonly Pdu[];
  /** A side that has not yet learned of a loss of the connection it was on. */
  readonly lossNoticePending: { readonly A: boolean; readonly B: boolean };
  readonly losses: number;
}

export type ChannelEvent =
  | { type: 'mta.send'; from: Side; pdu: Pdu }
  | { type: 'net.deliver'; to: Side }
  | { type: 'net.notice'; to: Side }
  | { type: 'net.lose' }
  | { type: 'net.drop'; to: Side }
  | { type: 'net.duplicate'; to: Side }
  | { type: 'net.reorder'; to: Side };

export type ChannelEmitted = { type: 'deliver'; to: Side; pdu: Pdu } | { type: 'lossNoticed'; to: Side };

export function peerOf(side: Side): Side {
  return side === 'A' ? 'B' : 'A';
}

function queueKey(to: Side): 'toA' | 'toB' {
  return to === 'A' ? 'toA' : 'toB';
}

function targetOf(event: ChannelEvent): Side {
  if ('to' in event) return event.to;
  if (event.type === 'mta.send') return peerOf(event.from);
  throw new Error(`channel: ${event.type} has no target side`);
}

function queueFor(context: ChannelContext, to: Side): readonly Pdu[] {
  return context[queueKey(to)];
}

export function validateChannelInput(input: unknown): Required<ChannelInput> {
  if (typeof input !== 'object' || input === null) {
    throw new Error(`channel input: expected an object with capacity and maxLosses (got ${JSON.stringify(input)})`);
  }
  const record = input as Record<string, unknown>;
  for (const field of ['capacity', 'maxLosses'] as const) {
    const value = record[field];
    const min = field === 'capacity' ? 1 : 0;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new Error(`channel input: ${field} must be an integer >= ${min} (got ${JSON.stringify(value)})`);
    }
  }
  for (const field of ['singlePduLoss', 'duplication', 'reordering'] as const) {
    const value = record[field];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new Error(`channel input: ${field} must be true or false (got ${JSON.stringify(value)})`);
    }
  }
  return {
    capacity: record.capacity as number,
    maxLosses: record.maxLosses as number,
    singlePduLoss: (record.singlePduLoss as boolean | undefined) ?? false,
    duplication: (record.duplication as boolean | undefined) ?? false,
    reordering: (record.reordering as boolean | undefined) ?? false,
  };
}

export const channelMachine = setup({
  types: {
    context: {} as ChannelContext,
    events: {} as ChannelEvent,
    input: {} as ChannelInput,
    emitted: {} as ChannelEmitted,
  },
  guards: {
    isConnectRequest: ({ event }) => event.type === 'mta.send' && event.pdu.kind === 'RTORQ',
    /** RTORJ and RTAB end the connection once they are sent. */
    isReleasingPdu: ({ event }) => event.type === 'mta.send' && (event.pdu.kind === 'RTORJ' || event.pdu.kind === 'RTAB'),
    isSenderOnCurrentConnection: ({ context, event }) => event.type === 'mta.send' && context.epochOf[event.from] === context.epoch,
    hasRoom: ({ context, event }) => queueFor(context, targetOf(event)).length < context.config.capacity,
    hasPduFor: ({ context, event }) => queueFor(context, targetOf(event)).length > 0,
    hasTwoPdusFor: ({ context, event }) => queueFor(context, targetOf(event)).length > 1,
    isLossNoticePending: ({ context, event }) => context.lossNoticePending[targetOf(event)],
    hasLossBudget: ({ context }) => context.losses < context.config.maxLosses,
    isSinglePduLossOn: ({ context }) => context.config.singlePduLoss,
    isDuplicationOn: ({ context }) => context.config.duplication,
    isReorderingOn: ({ context }) => context.config.reordering,
  },
  actions: {
    openConnection: assign(({ context }) => ({
      epoch: context.epoch + 1,
      epochOf: { ...context.epochOf, A: context.epoch + 1 },
      toA: [],
    })),
    enqueue: assign(({ context, event }) => {
      if (event.type !== 'mta.send') return {};
      const key = queueKey(peerOf(event.from));
      return { [key]: [...context[key], event.pdu] };
    }),
    dropInFlightToSender: assign(({ event }) => (event.type === 'mta.send' ? { [queueKey(event.from)]: [] } : {})),
    loseEverythingInFlight: assign(({ context }) => ({
      toA: [],
      toB: [],
      losses: context.losses + 1,
      lossNoticePending: {
        A: context.lossNoticePending.A || context.epochOf.A === context.epoch,
        B: context.lossNoticePending.B || context.epochOf.B === context.epoch,
      },
    })),
    clearLossNotice: assign(({ context, event }) => ({
      lossNoticePending: { ...context.lossNoticePending, [targetOf(event)]: false },
    })),
    reportLoss: emit(({ event }) => ({ type: 'lossNoticed' as const, to: targetOf(event) })),
    deliverHead: emit(({ context, event }) => {
      const to = targetOf(event);
      return { type: 'deliver' as const, to, pdu: queueFor(context, to)[0]! };
    }),
    joinConnectionOnConnectRequest: assign(({ context, event }) => {
      const to = targetOf(event);
      const head = queueFor(context, to)[0];
      return head?.kind === 'RTORQ' ? { epochOf: { ...context.epochOf, [to]: context.epoch } } : {};
    }),
    removeHead: assign(({ context, event }) => {
      const key = queueKey(targetOf(event));
      return { [key]: context[key].slice(1) };
    }),
    duplicateHead: assign(({ context, event }) => {
      const key = queueKey(targetOf(event));
      const queue = context[key];
      return { [key]: [queue[0]!, ...queue] };
    }),
    swapFirstTwo: assign(({ context, event }) => {
      const key = queueKey(targetOf(event));
      const [first, second, ...rest] = context[key];
      return { [key]: [second!, first!, ...rest] };
    }),
  },
}).createMachine({
  id: 'channel',
  initial: 'down',
  context: ({ input }) => ({
    config: validateChannelInput(input),
    epoch: 0,
    epochOf: { A: 0, B: 0 },
    toA: [],
    toB: [],
    lossNoticePending: { A: false, B: false },
    losses: 0,
  }),
  on: {
    'net.deliver': {
      // A side learns of a loss before anything sent on a newer connection reaches it.
      guard: and(['hasPduFor', not('isLossNoticePending')]),
      actions: ['joinConnectionOnConnectRequest', 'deliverHead', 'removeHead'],
      description: '[A] FIFO per direction: the oldest PDU in flight arrives; deliveries interleave freely with everything else.',
    },
    'net.notice': {
      guard: 'isLossNoticePending',
      actions: ['clearLossNotice', 'reportLoss'],
      description: '[A] each side learns of a connection loss separately, at its own time.',
    },
  },
  states: {
    down: {
      on: {
        'mta.send': {
          guard: 'isConnectRequest',
          target: 'up',
          actions: ['openConnection', 'enqueue'],
          description: '[S] X.410-mode RTSE: RTORQ travels in the session CONNECT SPDU, on a new connection.',
        },
        // Anything else sent while there is no connection is lost.
      },
    },
    up: {
      on: {
        'mta.send': [
          {
            guard: 'isConnectRequest',
            target: 'up',
            reenter: true,
            actions: ['openConnection', 'enqueue'],
            description:
              '[A] a new connect replaces the current connection (the threshold association abandons the stuck one); what was in flight to the initiator on the old one is gone.',
          },
          {
            guard: and(['isSenderOnCurrentConnection', 'isReleasingPdu', 'hasRoom']),
            target: 'down',
            actions: ['enqueue', 'dropInFlightToSender'],
            description:
              '[S] X.410-mode RTSE: RTORJ (session REFUSE) and RTAB end the connection. [A] the last PDU still arrives; what was in flight to its sender is gone.',
          },
          {
            guard: and(['isSenderOnCurrentConnection', 'hasRoom']),
            actions: 'enqueue',
            description: '[A] a PDU sent on the current connection joins the FIFO toward the peer.',
          },
          {
            guard: 'isSenderOnCurrentConnection',
            target: 'overflowed',
            description: '[A] the FIFO bound is a modelling bound: reaching it is a modelling error, not protocol behaviour.',
          },
          // Otherwise the sender is not on the current connection (it has not yet learned of a
          // loss, or the initiator has connected anew): what it sends is lost.
        ],
        'net.lose': {
          guard: 'hasLossBudget',
          target: 'down',
          actions: 'loseEverythingInFlight',
          description: '[S] KB Q166594, Q187929: the connection is lost; everything in flight is dropped.',
        },
        'net.drop': {
          guard: and(['isSinglePduLossOn', 'hasPduFor']),
          actions: 'removeHead',
          description: '[A] optional fault mode: a single PDU is lost.',
        },
        'net.duplicate': {
          guard: and(['isDuplicationOn', 'hasPduFor', 'hasRoom']),
          actions: 'duplicateHead',
          description: '[A] optional fault mode: a single PDU arrives twice.',
        },
        'net.reorder': {
          guard: and(['isReorderingOn', 'hasTwoPdusFor']),
          actions: 'swapFirstTwo',
          description: '[A] optional fault mode: two PDUs in flight swap places.',
        },
      },
    },
    overflowed: {
      // A modelling error: the run stops here and the checker reports it.
      type: 'final',
      tags: ['modelError'],
    },
  },
});
