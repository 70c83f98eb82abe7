// The SPIN twin of the composed MTA system (mta-system.pml): which -D flags give it a
// variant, a dialogue mode and bounds, and how one of our composed states reads in the twin's
// encoding (to compare state sets one by one when the counts differ).

import { fileURLToPath } from 'node:url';
import type { StateView } from '../../explore/model';
import type { Bounds } from '../bounds';
import { channelOf, mtaOf } from '../composition';
import type { DialogueMode, Pdu } from '../pdu';
import type { VariantName } from '../variants';

/** Absolute path of the Promela model. */
export const twinModelPath = fileURLToPath(new URL('./mta-system.pml', import.meta.url));

/**
 * spin's own options for the twin. -o2: spin leaves variables that are written but never read
 * out of the state vector; incoming.lastConfirmedSerial and the ids in damagedDeliveries are
 * such (no guard reads them) but they are part of our state key.
 */
export const twinSpinFlags: readonly string[] = ['-o2'];

/** What the twin's encoding and arrays hold; beyond this the .pml would need changing. */
export const twinLimits = {
  /** Checkpoint and window sizes: 4-bit fields; recovery answers up to checkpoint 4, window 4. */
  maxCheckpointSize: 4,
  maxWindowSize: 4,
  /** Activity ids, segment numbers and serials: 4-bit fields. */
  maxMessages: 7,
  maxMessageSize: 15,
  /** delivered / damagedDeliveries entries per MTA (MAXLIST). */
  maxList: 8,
  maxCapacity: 60,
  maxLosses: 20,
  maxThreshold: 100,
  maxRecoveryAttempts: 100,
} as const;

const variantFlags: Record<VariantName, { turnFix: boolean; checkpointFix: boolean }> = {
  unpatched: { turnFix: false, checkpointFix: false },
  'turn-fix': { turnFix: true, checkpointFix: false },
  'checkpoint-fix': { turnFix: false, checkpointFix: true },
  patched: { turnFix: true, checkpointFix: true },
};

function isRange(values: readonly number[], from: number, to: number): boolean {
  return values.length === to - from + 1 && values.every((v, i) => v === from + i);
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`SPIN twin: bound ${name} = ${value} is outside what mta-system.pml supports (${min}..${max})`);
  }
}

/** The cpp defines (`-DNAME=value`) that make mta-system.pml the given variant, mode and bounds. */
export function twinDefines(variant: VariantName, mode: DialogueMode, bounds: Bounds): string[] {
  const flags = variantFlags[variant];
  if (flags === undefined) throw new Error(`SPIN twin: unknown variant "${String(variant)}"`);
  if (mode !== 'monologue' && mode !== 'twa') throw new Error(`SPIN twin: unknown dialogue mode "${String(mode)}"`);
  const l = twinLimits;
  requireInteger('messagesFromA', bounds.messagesFromA, 0, l.maxMessages);
  requireInteger('messagesFromB', bounds.messagesFromB, 0, l.maxMessages);
  requireInteger('losses', bounds.losses, 0, l.maxLosses);
  requireInteger('threshold', bounds.threshold, 1, l.maxThreshold);
  requireInteger('recoveryAttempts', bounds.recoveryAttempts, 1, l.maxRecoveryAttempts);
  requireInteger('proposedCheckpointSize', bounds.proposedCheckpointSize, 0, l.maxCheckpointSize);
  requireInteger('proposedWindowSize', bounds.proposedWindowSize, 1, l.maxWindowSize);
  requireInteger('acceptorCheckpointLimit', bounds.acceptorCheckpointLimit, 0, l.maxCheckpointSize);
  requireInteger('acceptorWindowLimit', bounds.acceptorWindowLimit, 1, l.maxWindowSize);
  requireInteger('messageSize', bounds.messageSize, 1, l.maxMessageSize);
  requireInteger('capacity', bounds.capacity, 1, l.maxCapacity);
  // The twin offers the recovery answers checkpoint 0..c × window 1..w (suite.ts boundsOf).
  const checkpoints = bounds.recoveryAnswerCheckpointSizes;
  const windows = bounds.recoveryAnswerWindowSizes;
  const maxCheckpoint = checkpoints.length === 0 ? -1 : Math.max(...checkpoints);
  const maxWindow = windows.length === 0 ? 0 : Math.max(...windows);
  if (!isRange(checkpoints, 0, maxCheckpoint) || !isRange(windows, 1, maxWindow) || maxCheckpoint < 0 || maxWindow < 1) {
    throw new Error(
      `SPIN twin: recovery answers must be checkpoint sizes 0..c and windows 1..w (got {${checkpoints.join(', ')}} × {${windows.join(', ')}})`,
    );
  }
  requireInteger('largest recovery answer checkpoint size', maxCheckpoint, 0, l.maxCheckpointSize);
  requireInteger('largest recovery answer window', maxWindow, 1, l.maxWindowSize);
  const defines: Record<string, number> = {
    TURN_FIX: flags.turnFix ? 1 : 0,
    CKPT_FIX: flags.checkpointFix ? 1 : 0,
    MODE_TWA: mode === 'twa' ? 1 : 0,
    MSGS_A: bounds.messagesFromA,
    MSGS_B: bounds.messagesFromB,
    LOSSES: bounds.losses,
    THRESHOLD: bounds.threshold,
    ATTEMPTS: bounds.recoveryAttempts,
    CKPT_A: bounds.proposedCheckpointSize,
    WIN_A: bounds.proposedWindowSize,
    CKPT_B: bounds.acceptorCheckpointLimit,
    WIN_B: bounds.acceptorWindowLimit,
    MSG_SIZE: bounds.messageSize,
    CAPACITY: bounds.capacity,
    ANSWER_CKPT_MAX: maxCheckpoint,
    ANSWER_WIN_MAX: maxWindow,
  };
  return Object.entries(defines).map(([name, value]) => `-D${name}=${value}`);
}

// --- one of our states in the twin's encoding (its print_state line) -------------------

const kinds = ['RTORQ', 'RTOAC', 'RTORJ', 'RTAB', 'AS', 'DT', 'MIP', 'MIA', 'AE', 'AEA', 'AR', 'AD', 'ER', 'PT', 'GTC', 'GTA'] as const;
const refuseReasons = ['rtsBusy', 'cannotRecover', 'validationFailure', 'unacceptableDialogueMode'];
const abortReasons = ['unrecognizedActivity', 'transferCompleted', 'protocolError'];

function code(kind: Pdu['kind'], f1 = 0, f2 = 0, f3 = 0, f4 = 0): number {
  return kinds.indexOf(kind) + 32 * (f1 + 16 * (f2 + 16 * (f3 + 16 * f4)));
}

/** The twin's int for a PDU (mta-system.pml PDU()). */
export function twinPduCode(pdu: Pdu): number {
  switch (pdu.kind) {
    case 'RTORQ': {
      const data = pdu.connectionData.kind === 'open' ? 0 : 1;
      return code('RTORQ', pdu.checkpointSize, pdu.windowSize, data + 2 * (pdu.dialogueMode === 'twa' ? 1 : 0), pdu.connectionData.connectionId);
    }
    case 'RTOAC':
      return code('RTOAC', pdu.checkpointSize, pdu.windowSize, pdu.connectionData.kind === 'open' ? 0 : 1, pdu.connectionData.connectionId);
    case 'RTORJ':
      return code('RTORJ', refuseReasons.indexOf(pdu.reason));
    case 'RTAB':
    case 'ER':
      return code(pdu.kind, abortReasons.indexOf(pdu.reason));
    case 'AS':
    case 'AEA':
    case 'AD':
      return code(pdu.kind, pdu.activity);
    case 'DT':
      return code('DT', pdu.activity, pdu.segment);
    case 'MIP':
    case 'MIA':
      return code(pdu.kind, pdu.serial);
    case 'AE':
    case 'AR':
      return code(pdu.kind, pdu.activity, pdu.serial);
    case 'PT':
      return code('PT', pdu.priority);
    case 'GTC':
    case 'GTA':
      return code(pdu.kind);
  }
}

const associationCodes: Record<string, number> = {
  idle: 0,
  opening: 1,
  'open.establishing': 2,
  'open.ready': 3,
  'recovering.connecting': 4,
  'recovering.attemptFailed': 5,
  recoveryFailed: 6,
  awaitingRecovery: 7,
  answeringRecovery: 8,
  closed: 9,
};
const turnCodes: Record<string, number> = {
  'notHolding.quiet': 0,
  'notHolding.asking': 1,
  'holding.unasked': 2,
  'holding.askedToGive': 3,
  giving: 4,
};
const sendingCodes: Record<string, number> = { idle: 0, 'activityOpen.transferring': 1, 'activityOpen.ending': 2, interrupted: 3 };
const receivingCodes: Record<string, number> = { noActivity: 0, inActivity: 1 };

function path(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value as Record<string, unknown>)[0]!;
  return `${key}.${path(inner)}`;
}

function lookup(table: Record<string, number>, key: string, what: string): number {
  const found = table[key];
  if (found === undefined) throw new Error(`twin encoding: unknown ${what} state ${key}`);
  return found;
}

/**
 * One of our composed states as the twin prints it (mta-system.pml print_state, model compiled
 * with -DTWIN_TRACE, pan with -DPRINTF). Equal lines = equal states, if the twin is right.
 */
export function twinStateLine(view: StateView): string {
  const parts: (string | number)[] = ['STATE'];
  for (const side of ['A', 'B'] as const) {
    const snapshot = mtaOf(view, side);
    // The twin keeps no MTA status: the chart has no final state, so it is always active.
    if (snapshot.status !== 'active') throw new Error(`twin encoding: MTA ${side} is ${snapshot.status}`);
    const value = snapshot.value as Record<string, unknown>;
    const c = snapshot.context;
    parts.push(
      lookup(associationCodes, path(value.association), 'association'),
      lookup(turnCodes, path(value.turn), 'turn'),
      lookup(sendingCodes, path(value.sending), 'sending'),
      lookup(receivingCodes, path(value.receiving), 'receiving'),
      c.connectionId,
      c.agreed === null ? 255 : c.agreed.checkpointSize,
      c.agreed === null ? 0 : c.agreed.windowSize,
      c.original === null ? 255 : c.original.checkpointSize,
      c.original === null ? 0 : c.original.windowSize,
      c.request === null ? -1 : twinPduCode(c.request),
      c.recoveryAttemptsUsed,
      c.submitted,
      c.acknowledged,
      c.outgoing === null ? 0 : c.outgoing.activity,
      c.outgoing === null ? 0 : c.outgoing.segmentsSent,
      c.outgoing === null ? 0 : c.outgoing.lastConfirmedSerial,
      c.incoming === null ? 0 : c.incoming.activity,
      c.incoming === null ? 0 : c.incoming.segmentsHeld,
      c.incoming === null ? 0 : c.incoming.lastConfirmedSerial,
      c.incoming === null ? 0 : c.incoming.intact ? 1 : 0,
      'd',
      ...c.delivered,
      'x',
      ...c.damagedDeliveries,
      '|',
    );
  }
  const channel = channelOf(view);
  const c = channel.context;
  const link = { down: 0, up: 1, overflowed: 2 }[String(channel.value)];
  if (link === undefined) throw new Error(`twin encoding: unknown channel state ${String(channel.value)}`);
  // Nor a channel status: it is done exactly in `overflowed`, its final state.
  if ((channel.status === 'done') !== (link === 2) || (channel.status !== 'done' && channel.status !== 'active')) {
    throw new Error(`twin encoding: channel ${String(channel.value)} with status ${channel.status}`);
  }
  parts.push(link, c.epoch, c.epochOf.A, c.epochOf.B, c.lossNoticePending.A ? 1 : 0, c.lossNoticePending.B ? 1 : 0, c.losses);
  parts.push('q', ...c.toA.map(twinPduCode), 'q', ...c.toB.map(twinPduCode));
  return parts.join(' ');
}
