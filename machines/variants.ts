// The variants (unpatched, the fixes, patched), made by substituting guard implementations
// into the one chart in mta.machine.ts. The wrong implementations are named for what they do
// wrong. No source says who holds the Turn after a recovery, so there are two candidate fixes
// of KB Q166594 side by side: turn-fix (the one patched uses) and turn-fix-giver.

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
 * The other candidate fix of KB Q166594 [A]: after a recovery, the MTA whose GTC was never
 * acknowledged takes the Turn back; the other side keeps its belief. If the GTC had arrived
 * and only the GTA was lost, the other side holds the Turn too.
 */
export function takesBackAnUnacknowledgedGive({ context, event }: GuardArgs): boolean {
  return event.type === 'association.established' && !event.fresh && context.gaveTurnUnacknowledged;
}

/**
 * KB Q187929 (Exchange 5.0/5.5): the acceptor answers a recovery like a fresh open, from its
 * current local limit, instead of with the values the association first agreed. When the limit
 * differs from the one the original connection had, so does the answer.
 */
export function answersRecoveryLikeAFreshOpen(_: GuardArgs): boolean {
  return false;
}

const unpatchedTurn = { isTurnRederivedOnRecovery: keepsTurnBeliefFromBeforeTheLoss, isGiverTakingTurnBack: patchedRecoveryGuards.isGiverTakingTurnBack };
const patchedTurn = { isTurnRederivedOnRecovery: patchedRecoveryGuards.isTurnRederivedOnRecovery, isGiverTakingTurnBack: patchedRecoveryGuards.isGiverTakingTurnBack };
const giverTurn = { isTurnRederivedOnRecovery: keepsTurnBeliefFromBeforeTheLoss, isGiverTakingTurnBack: takesBackAnUnacknowledgedGive };
const unpatchedCheckpoint = { isRecoveryBoundByOriginalAgreement: answersRecoveryLikeAFreshOpen };
const patchedCheckpoint = { isRecoveryBoundByOriginalAgreement: patchedRecoveryGuards.isRecoveryBoundByOriginalAgreement };

export const variants = {
  unpatched: mtaMachine.provide({ guards: { ...unpatchedTurn, ...unpatchedCheckpoint } }),
  'turn-fix': mtaMachine.provide({ guards: { ...patchedTurn, ...unpatchedCheckpoint } }),
  'turn-fix-giver': mtaMachine.provide({ guards: { ...giverTurn, ...unpatchedCheckpoint } }),
  'checkpoint-fix': mtaMachine.provide({ guards: { ...unpatchedTurn, ...patchedCheckpoint } }),
  patched: mtaMachine.provide({ guards: { ...patchedTurn, ...patchedCheckpoint } }),
};

export type VariantName = keyof typeof variants;

export const variantNames = Object.keys(variants) as VariantName[];
