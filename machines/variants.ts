// The four variants of domain.md §6, made by substituting guard implementations into the one
// chart in mta.machine.ts. The wrong implementations are named for what they do wrong.

import type { MtaContext, MtaEvent } from './mta.machine';
import { mtaMachine, patchedRecoveryGuards } from './mta.machine';

type GuardArgs = { context: MtaContext; event: MtaEvent };

/**
 * KB Q166594 (Exchange 4.0/5.0): after a recovery each side keeps the Turn belief it had before
 * the loss. A GTC lost with the connection leaves both sides believing the other holds the Turn.
 */
export function keepsTurnBeliefFromBeforeTheLoss(_: GuardArgs): boolean {
  return false;
}

/**
 * KB Q187929 (Exchange 5.0/5.5): the acceptor answers a recovery as if it were a new open,
 * choosing again any value up to the proposal instead of the values it agreed originally.
 */
export function renegotiatesSizesOnRecovery({ context, event }: GuardArgs): boolean {
  return (
    event.type === 'local.answer' &&
    context.request !== null &&
    event.checkpointSize <= context.request.checkpointSize &&
    event.windowSize >= 1 &&
    event.windowSize <= context.request.windowSize
  );
}

/** Goes with renegotiatesSizesOnRecovery: no recovery request is refused for its sizes. */
export function acceptsAnyRecoveryRequest(_: GuardArgs): boolean {
  return true;
}

const unpatchedTurn = { isTurnRederivedOnRecovery: keepsTurnBeliefFromBeforeTheLoss };
const patchedTurn = { isTurnRederivedOnRecovery: patchedRecoveryGuards.isTurnRederivedOnRecovery };
const unpatchedCheckpoint = {
  isAcceptableRecoveryAnswer: renegotiatesSizesOnRecovery,
  isRecoveryRequestCompatible: acceptsAnyRecoveryRequest,
};
const patchedCheckpoint = {
  isAcceptableRecoveryAnswer: patchedRecoveryGuards.isAcceptableRecoveryAnswer,
  isRecoveryRequestCompatible: patchedRecoveryGuards.isRecoveryRequestCompatible,
};

export const variants = {
  unpatched: mtaMachine.provide({ guards: { ...unpatchedTurn, ...unpatchedCheckpoint } }),
  'turn-fix': mtaMachine.provide({ guards: { ...patchedTurn, ...unpatchedCheckpoint } }),
  'checkpoint-fix': mtaMachine.provide({ guards: { ...unpatchedTurn, ...patchedCheckpoint } }),
  patched: mtaMachine.provide({ guards: { ...patchedTurn, ...patchedCheckpoint } }),
};

export type VariantName = keyof typeof variants;

export const variantNames = Object.keys(variants) as VariantName[];
