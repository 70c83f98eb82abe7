// The SPIN twin of the composed MTA system (mta-system.pml): which -D flags give it a
// variant, a dialogue mode and bounds, and how one of our composed states reads in the twin's
// encoding (to compare state sets one by one when the counts differ).

import { fileURLToPath } from 'node:url';
import type { StateView } from '../../../explore/engine/model';
import type { Bounds } from '../../bounds';
import { channelOf, mtaOf, systemViewOf } from '../../composition';
import type { Pdu } from '../../pdu';
import type { DialogueMode } from '../../pdu';
import type { VariantName } from '../../variants';

/** Absolute path of the Promela model. */
export const twinModelPath = fileURLToPath(new URL('./mta-system.pml', import.meta.url));

/**
 * spin's own options for the twin. -o2: otherwise spin leaves variables that are written but
 * never read out of the state vector, and merges states that differ only in them. Every
 * variable of the twin is read today, but each is part of our state key, so none may go.
 */
export const twinSpinFlags: readonly string[] = ['-o2'];

/** What the twin's encoding and arrays hold; beyond this the .pml would need changing. */
export const twinLimits = {
  /** Proposed checkpoint and window sizes, message sizes: 4-bit fields of a PDU. */
  maxProposedCheckpointSize: 15,
  maxProposedWindowSize: 15,
  maxMessageSize: 15,
  /** The acceptor's local limits: one environment step per pair, checkpoint 0..4 × window 1..4. */
  maxLimitCheckpointSize: 4,
  maxLimitWindowSize: 4,
  /** Activity ids (4-bit fields) and delivered entries per MTA (MAXLIST 8). */
  maxMessages: 7,
  /** A Turn-Please's priority (the repeats before it) is a 4-bit field. */
  maxTurnPleaseRepeats: 16,
  maxThresholdAssociations: 100,
  maxUnaskedGivesPerConnection: 100,
  maxCapacity: 60,
  maxLosses: 20,
  maxThreshold: 100,
  maxRecoveryAttempts: 100,
} as const;

/** The guards each variant substitutes (machines/variants.ts), as the .pml's cpp flags. */
const variantFlags: Record<VariantName, { turnFix: boolean; giverFix: boolean; checkpointFix: boolean }> = {
  unpatched: { turnFix: false, giverFix: false, checkpointFix: false },
  'turn-fix': { turnFix: true, giverFix: false, checkpointFix: false },
  'turn-fix-giver': { turnFix: false, giverFix: true, checkpointFix: false },
  'checkpoint-fix': { turnFix: false, giverFix: false, checkpointFix: true },
  patched: { turnFix: true, giverFix: false, checkpointFix: true },
};

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`SPIN twin: bound ${name} = ${value} is outside what mta-system.pml supports (${min}..${max})`);
  }
}

/** A list of distinct integers in min..max as a bit mask (bit v set for value v). */
function limitMask(name: string, values: readonly number[], min: number, max: number): number {
  if (!Array.isArray(values) || values.length === 0) throw new Error(`SPIN twin: bound ${name} must be a non-empty list (got ${JSON.stringify(values)})`);
  let mask = 0;
  for (const value of values) {
    requireInteger(`${name} entry`, value, min, max);
    if (mask & (1 << value)) throw new Error(`SPIN twin: bound ${name} lists ${value} twice`);
    mask |= 1 << value;
  }
  return mask;
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
  requireInteger('proposedCheckpointSize', bounds.proposedCheckpointSize, 0, l.maxProposedCheckpointSize);
  requireInteger('proposedWindowSize', bounds.proposedWindowSize, 1, l.maxProposedWindowSize);
  requireInteger('messageSize', bounds.messageSize, 1, l.maxMessageSize);
  requireInteger('capacity', bounds.capacity, 1, l.maxCapacity);
  requireInteger('thresholdAssociations', bounds.thresholdAssociations, 0, l.maxThresholdAssociations);
  requireInteger('turnPleaseRepeats', bounds.turnPleaseRepeats, 0, l.maxTurnPleaseRepeats);
  requireInteger('unaskedGivesPerConnection', bounds.unaskedGivesPerConnection, 0, l.maxUnaskedGivesPerConnection);
  const checkpointLimits = limitMask('acceptorCheckpointLimits', bounds.acceptorCheckpointLimits, 0, l.maxLimitCheckpointSize);
  const windowLimits = limitMask('acceptorWindowLimits', bounds.acceptorWindowLimits, 1, l.maxLimitWindowSize);
  // The twin has no single-PDU faults (drop, duplicate, reorder).
  if (bounds.faults.length > 0) {
    throw new Error(`SPIN twin: channel faults are not modelled in mta-system.pml (got faults {${bounds.faults.join(', ')}})`);
  }
  const defines: Record<string, number> = {
    TURN_FIX: flags.turnFix ? 1 : 0,
    GIVER_FIX: flags.giverFix ? 1 : 0,
    CKPT_FIX: flags.checkpointFix ? 1 : 0,
    MODE_TWA: mode === 'twa' ? 1 : 0,
    MSGS_A: bounds.messagesFromA,
    MSGS_B: bounds.messagesFromB,
    LOSSES: bounds.losses,
    THRESHOLD: bounds.threshold,
    ATTEMPTS: bounds.recoveryAttempts,
    THR_ASSOCS: bounds.thresholdAssociations,
    PT_REPEATS: bounds.turnPleaseRepeats,
    UNASKED_GIVES: bounds.unaskedGivesPerConnection,
    PROP_CKPT: bounds.proposedCheckpointSize,
    PROP_WIN: bounds.proposedWindowSize,
    LIMIT_CKPTS: checkpointLimits,
    LIMIT_WINS: windowLimits,
    MSG_SIZE: bounds.messageSize,
    CAPACITY: bounds.capacity,
  };
  return Object.entries(defines).map(([name, value]) => `-D${name}=${value}`);
}

// --- one of our states in the twin's encoding (its print_state line) -------------------

const kinds = ['RTORQ', 'RTOAC', 'RTORJ', 'AS', 'DT', 'MIP', 'MIA', 'AE', 'AEA', 'AR', 'AD', 'ER', 'PT', 'GTC', 'GTA'] as const;
const refuseReasons = ['rtsBusy', 'cannotRecover', 'validationFailure', 'unacceptableDialogueMode'];
const reportReasons = ['transferCompleted'];

function code(kind: Pdu['kind'], f1 = 0, f2 = 0, f3 = 0, f4 = 0): number {
  return kinds.indexOf(kind) + 32 * (f1 + 16 * (f2 + 16 * (f3 + 16 * f4)));
}

function index(list: readonly string[], value: string, what: string): number {
  const found = list.indexOf(value);
  if (found < 0) throw new Error(`twin encoding: unknown ${what} ${value}`);
  return found;
}

/**
 * The twin's int for a PDU (mta-system.pml PDU()). The connects' token setting is always
 * 'caller' in the model, so the twin does not store it; a PDU with another one cannot be encoded.
 */
export function twinPduCode(pdu: Pdu): number {
  switch (pdu.kind) {
    case 'RTORQ': {
      if (pdu.initialTurn !== 'caller') throw new Error(`twin encoding: RTORQ with token setting ${pdu.initialTurn}`);
      const data = pdu.connectionData.kind === 'open' ? 0 : 1;
      return code('RTORQ', pdu.checkpointSize, pdu.windowSize, data + 2 * (pdu.dialogueMode === 'twa' ? 1 : 0), pdu.connectionData.connectionId);
    }
    case 'RTOAC':
      if (pdu.initialTurn !== 'caller') throw new Error(`twin encoding: RTOAC with token setting ${pdu.initialTurn}`);
      return code('RTOAC', pdu.checkpointSize, pdu.windowSize, pdu.connectionData.kind === 'open' ? 0 : 1, pdu.connectionData.connectionId);
    case 'RTORJ':
      return code('RTORJ', index(refuseReasons, pdu.reason, 'refuse reason'));
    case 'ER':
      return code('ER', index(reportReasons, pdu.reason, 'report reason'));
    case 'AS':
    case 'AEA':
    case 'AD':
      return code(pdu.kind, pdu.activity);
    case 'DT':
      return code('DT', pdu.activity, pdu.fromKB, pdu.toKB);
    case 'MIP':
    case 'MIA':
      return code(pdu.kind, pdu.serial);
    case 'AE':
      return code('AE', pdu.activity, pdu.serial, pdu.sizeKB);
    case 'AR':
      return code('AR', pdu.activity, pdu.serial);
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
  awaitingRecovery: 6,
  answering: 7,
  closed: 8,
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
const connectedAsCodes: Record<string, number> = { null: 0, caller: 1, called: 2 };

function path(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value as Record<string, unknown>)[0]!;
  return `${key}.${path(inner)}`;
}

function lookup(table: Record<string, number>, key: string, what: string): number {
  const found = table[key];
  if (found === undefined) throw new Error(`twin encoding: unknown ${what} ${key}`);
  return found;
}

/**
 * One of our composed states as the twin prints it (mta-system.pml print_state, model compiled
 * with -DTWIN_TRACE, pan with -DPRINTF). Equal lines = equal states, if the twin is right.
 */
export function twinStateLine(explored: StateView): string {
  const view = systemViewOf(explored);
  const parts: (string | number)[] = ['STATE'];
  for (const side of ['A', 'B'] as const) {
    const snapshot = mtaOf(view, side);
    // The twin keeps no MTA status: the chart has no final state, so it is always active.
    if (snapshot.status !== 'active') throw new Error(`twin encoding: MTA ${side} is ${snapshot.status}`);
    const value = snapshot.value as Record<string, unknown>;
    const c = snapshot.context;
    parts.push(
      lookup(associationCodes, path(value.association), 'association state'),
      lookup(turnCodes, path(value.turn), 'turn state'),
      lookup(sendingCodes, path(value.sending), 'sending state'),
      lookup(receivingCodes, path(value.receiving), 'receiving state'),
      c.connectionId,
      lookup(connectedAsCodes, String(c.connectedAs), 'connectedAs'),
      c.agreed === null ? 255 : c.agreed.checkpointSize,
      c.agreed === null ? 0 : c.agreed.windowSize,
      c.original === null ? 255 : c.original.checkpointSize,
      c.original === null ? 0 : c.original.windowSize,
      c.request === null ? -1 : twinPduCode(c.request),
      c.openedAssociation ? 1 : 0,
      c.thresholdAssociationsOpened,
      c.openingForThreshold ? 1 : 0,
      c.turnPleasesRepeated,
      c.unaskedGives,
      c.gaveTurnUnacknowledged ? 1 : 0,
      c.recoveryAttemptsUsed,
      c.submitted,
      c.acknowledged,
      c.outgoing === null ? 0 : c.outgoing.activity,
      c.outgoing === null ? 0 : c.outgoing.segmentsSent,
      c.outgoing === null ? 0 : c.outgoing.lastConfirmedSerial,
      c.incoming === null ? 0 : c.incoming.activity,
      c.incoming === null ? 0 : c.incoming.kbHeld,
      c.incoming === null ? 0 : c.incoming.intact ? 1 : 0,
      c.confirmedKB,
      c.resentConfirmedData ? 1 : 0,
      c.deliveredDamaged ? 1 : 0,
      'd',
      ...c.delivered,
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
  // Nor the fault counter: the twin has no faults.
  if (c.faults !== 0) throw new Error(`twin encoding: the channel counts ${c.faults} faults`);
  parts.push(link, c.joined.A ? 1 : 0, c.joined.B ? 1 : 0, c.lossNoticePending.A ? 1 : 0, c.lossNoticePending.B ? 1 : 0, c.losses);
  parts.push('q', ...c.toA.map(twinPduCode), 'q', ...c.toB.map(twinPduCode));
  return parts.join(' ');
}
