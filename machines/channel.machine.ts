// The connection between the two MTAs: up or down, one bounded
// FIFO per direction, and connection loss.
//
// A loss drops everything in flight and each side learns of it at its own time (a pending
// loss notice, delivered before anything newer, but for a connect: see below). Until a side
// learns, what it sends is lost. Deliveries and the loss interleave freely, so any prefix of
// what was in flight may have arrived first.
//
// Either MTA may connect (the association initiator opens, whichever MTA recovers sends the
// recovering connect). A connect starts a new connection: the side that sent it joins at once,
// the other side when the connect reaches it. A connect may reach a side that has not yet
// seen the loss of its old connection (half-open); it then joins the new connection and is
// never told of the old one's loss [A]. Of two connects that cross, the later one wins [A].
//
// Instead of numbering connections and discarding stale PDUs on arrival, the channel keeps
// only whether each side is on the current connection: it drops a PDU at the source when its
// sender is not, and drops what was in flight to a side when it connects anew. Both give the
// same behaviour; this one keeps no ever-growing connection number in the state.

import { and, assign, emit, setup } from 'xstate';
import type { Pdu } from './pdu';

export type Side = 'A' | 'B';

export interface ChannelInput {
  /** Most PDUs in flight per direction; reaching it is a modelling error (state `overflowed`). */
  readonly capacity: number;
  /** How many connection losses may happen in a run. */
  readonly maxLosses: number;
  /** Optional single-PDU faults, off by default: lose (drop), duplicate or swap (reorder) one PDU in flight. */
  readonly faults?: readonly ChannelFault[];
  /** How many single-PDU faults may happen in a run (default 1). */
  readonly maxFaults?: number;
}

export const channelFaults = ['drop', 'duplicate', 'reorder'] as const;
export type ChannelFault = (typeof channelFaults)[number];

export interface ChannelConfig {
  readonly capacity: number;
  readonly maxLosses: number;
  readonly faults: readonly ChannelFault[];
  readonly maxFaults: number;
}

export interface ChannelContext {
  readonly config: ChannelConfig;
  /** Whether each side is on the current (or last) connection: it joins by sending a connect or receiving one. */
  readonly joined: { readonly A: boolean; readonly B: boolean };
  readonly toA: readonly Pdu[];
  readonly toB: readonly Pdu[];
  /** A side that has not yet learned of a loss of the connection it was on. */
  readonly lossNoticePending: { readonly A: boolean; readonly B: boolean };
  readonly losses: number;
  /** Single-PDU faults so far. */
  readonly faults: number;
}

export type ChannelEvent =
  | { type: 'mta.send'; from: Side; pdu: Pdu }
  | { type: 'mta.disconnect'; from: Side }
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
  if (event.type === 'mta.send' || event.type === 'mta.disconnect') return peerOf(event.from);
  throw new Error(`channel: ${event.type} has no target side`);
}

function queueFor(context: ChannelContext, to: Side): readonly Pdu[] {
  return context[queueKey(to)];
}

export function validateChannelInput(input: unknown): ChannelConfig {
  if (typeof input !== 'object' || input === null) {
    throw new Error(`channel input: expected an object with capacity and maxLosses (got ${JSON.stringify(input)})`);
  }
  const record = input as Record<string, unknown>;
  const integer = (field: 'capacity' | 'maxLosses' | 'maxFaults', min: number, fallback?: number): number => {
    const value = record[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new Error(`channel input: ${field} must be an integer >= ${min} (got ${JSON.stringify(value)})`);
    }
    return value;
  };
  const faults = record.faults ?? [];
  if (!Array.isArray(faults) || faults.some((fault) => !(channelFaults as readonly unknown[]).includes(fault)) || new Set(faults).size !== faults.length) {
    throw new Error(`channel input: faults must be a list of distinct ${channelFaults.join(' | ')} (got ${JSON.stringify(faults)})`);
  }
  return {
    capacity: integer('capacity', 1),
    maxLosses: integer('maxLosses', 0),
    faults: channelFaults.filter((fault) => faults.includes(fault)),
    maxFaults: integer('maxFaults', 0, 1),
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
    /** RTORJ (the session REFUSE) ends the connection once it is sent. */
    isReleasingPdu: ({ event }) => event.type === 'mta.send' && event.pdu.kind === 'RTORJ',
    isSenderOnCurrentConnection: ({ context, event }) =>
      (event.type === 'mta.send' || event.type === 'mta.disconnect') && context.joined[event.from],
    /** A side learns of a loss before anything newer reaches it, but for a connect (half-open). */
    isDeliverable: ({ context, event }) => {
      const to = targetOf(event);
      const head = queueFor(context, to)[0];
      return head !== undefined && (!context.lossNoticePending[to] || head.kind === 'RTORQ');
    },
    hasRoom: ({ context, event }) => queueFor(context, targetOf(event)).length < context.config.capacity,
    hasPduFor: ({ context, event }) => queueFor(context, targetOf(event)).length > 0,
    hasTwoPdusFor: ({ context, event }) => queueFor(context, targetOf(event)).length > 1,
    isLossNoticePending: ({ context, event }) => context.lossNoticePending[targetOf(event)],
    hasLossBudget: ({ context }) => context.losses < context.config.maxLosses,
    isDropOn: ({ context }) => context.config.faults.includes('drop') && context.faults < context.config.maxFaults,
    isDuplicationOn: ({ context }) => context.config.faults.includes('duplicate') && context.faults < context.config.maxFaults,
    isReorderingOn: ({ context }) => context.config.faults.includes('reorder') && context.faults < context.config.maxFaults,
    mayDrop: and(['isDropOn', 'hasPduFor']),
    mayDuplicate: and(['isDuplicationOn', 'hasPduFor', 'hasRoom']),
    mayReorder: and(['isReorderingOn', 'hasTwoPdusFor']),
    maySendReleasing: and(['isSenderOnCurrentConnection', 'isReleasingPdu', 'hasRoom']),
    maySend: and(['isSenderOnCurrentConnection', 'hasRoom']),
  },
  actions: {
    /**
     * The sender of a connect joins the new connection. When two connects cross (this one
     * replaces a live connection whose own connect has not reached this side yet), the other
     * side's connect is dropped but that side stays on the new connection: it learns of it
     * from this connect, or of its loss.
     */
    openConnection: assign(({ context, event }, params: { replacing: boolean }) => {
      if (event.type !== 'mta.send') return {};
      const from = event.from;
      const other = peerOf(from);
      const crossing = params.replacing && context.joined[other] && !context.joined[from];
      return {
        joined: { [from]: true, [other]: crossing } as ChannelContext['joined'],
        [queueKey(from)]: [],
        lossNoticePending: { ...context.lossNoticePending, [from]: false },
      };
    }),
    enqueue: assign(({ context, event }) => {
      if (event.type !== 'mta.send') return {};
      const key = queueKey(peerOf(event.from));
      return { [key]: [...context[key], event.pdu] };
    }),
    dropInFlightToSender: assign(({ event }) => (event.type === 'mta.send' ? { [queueKey(event.from)]: [] } : {})),
    releaseConnection: assign(({ context, event }) => {
      const peer = targetOf(event);
      return {
        toA: [],
        toB: [],
        lossNoticePending: { ...context.lossNoticePending, [peer]: context.lossNoticePending[peer] || context.joined[peer] },
      };
    }),
    countFault: assign({ faults: ({ context }) => context.faults + 1 }),
    loseEverythingInFlight: assign(({ context }) => ({
      toA: [],
      toB: [],
      losses: context.losses + 1,
      lossNoticePending: {
        A: context.lossNoticePending.A || context.joined.A,
        B: context.lossNoticePending.B || context.joined.B,
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
      if (head?.kind !== 'RTORQ') return {};
      return { joined: { ...context.joined, [to]: true }, lossNoticePending: { ...context.lossNoticePending, [to]: false } };
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
    joined: { A: false, B: false },
    toA: [],
    toB: [],
    lossNoticePending: { A: false, B: false },
    losses: 0,
    faults: 0,
  }),
  on: {
    'net.deliver': {
      guard: 'isDeliverable',
      actions: ['joinConnectionOnConnectRequest', 'deliverHead', 'removeHead'],
      description:
        '[A] FIFO per direction: the oldest PDU in flight arrives; deliveries interleave freely with everything else. A connect may arrive before its receiver saw its old connection lost (half-open): it joins the new one.',
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
          actions: [{ type: 'openConnection', params: { replacing: false } }, 'enqueue'],
          description: '[S] ISODE rtsap: in X.410-1984 mode RTORQ travels in the session CONNECT SPDU, on a new connection.',
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
            actions: [{ type: 'openConnection', params: { replacing: true } }, 'enqueue'],
            description:
              '[A] a new connect replaces the current connection (the threshold association abandons the stuck one; of two crossing connects the later one wins, and the side whose connect was dropped stays on the new connection); what was in flight to its sender on the old one is gone.',
          },
          {
            guard: 'maySendReleasing',
            target: 'down',
            actions: ['enqueue', 'dropInFlightToSender'],
            description:
              '[S] ISODE rtsap: in X.410-1984 mode RTORJ travels in the session REFUSE SPDU, which ends the connection. [A] it still arrives; what was in flight to its sender is gone.',
          },
          {
            guard: 'maySend',
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
        'mta.disconnect': {
          guard: 'isSenderOnCurrentConnection',
          target: 'down',
          actions: 'releaseConnection',
          description:
            '[A] an MTA releases the connection without an abort (it refuses a changed recovery answer): everything in flight is gone and the peer learns of it as of a loss; not counted as a loss.',
        },
        'net.lose': {
          guard: 'hasLossBudget',
          target: 'down',
          actions: 'loseEverythingInFlight',
          description: '[S] KB Q166594, Q187929: the connection is lost; [A] everything in flight is dropped.',
        },
        'net.drop': {
          guard: 'mayDrop',
          actions: ['removeHead', 'countFault'],
          description: '[A] optional fault (--faults drop): a single PDU is lost on a connection that stays up.',
        },
        'net.duplicate': {
          guard: 'mayDuplicate',
          actions: ['duplicateHead', 'countFault'],
          description: '[A] optional fault (--faults duplicate): a single PDU arrives twice.',
        },
        'net.reorder': {
          guard: 'mayReorder',
          actions: ['swapFirstTwo', 'countFault'],
          description: '[A] optional fault (--faults reorder): two PDUs in flight swap places.',
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
