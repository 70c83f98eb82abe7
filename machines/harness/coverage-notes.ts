// Why a chart transition is not taken at the default bounds. results/ lists every transition an
// exploration never took, with the reason from here. Tests check that in `patched` every
// untaken transition has a reason, that every reason still names a transition some patched run
// leaves untaken, and that each one is taken once the bound named in its reason is raised.

import type { DialogueMode } from '../pdu';

const secondLoss = 'needs a second loss (bound: losses = 1)';
const secondLossWithAttempt = 'needs a second loss with an attempt left (bounds: losses = 1 here, 1 attempt in the runs with 2 losses)';
const noCheckpointing = 'needs an agreed checkpoint size 0 (bound: acceptorCheckpointLimits = {1, 2})';
const sameMode = 'both MTAs are configured with the same dialogue mode, so no open is refused';
const faultsOff = 'the single-PDU faults are off by default (--faults)';
const turnDisciplineOff =
  'needs the bounds of the runs "Turn-Please repeated, Turn given unasked" (turnPleaseRepeats, unaskedGivesPerConnection = 0 here)';

const common: Record<string, string> = {
  'mta.association on peer.RTORQ #2': sameMode,
  'mta.association.opening on peer.RTORJ': sameMode,
  'mta.association on peer.RTORQ #3':
    'a recovering connect reaches an MTA without the record of its association only while that MTA opens a new one (see opening on peer.RTORQ): B drops its record only when A can no longer recover',
  'mta.association.answering on peer.RTORQ': `a second recovering connect reaches an acceptor still answering the first only when the first connection is lost: ${secondLossWithAttempt}`,
  'mta.association.answering on local.limit #3':
    'the fixed acceptor refuses only a recovery request its original agreement cannot answer, and both MTAs always propose 2 KB and window 2, at least any agreement',
  'mta.association.answering on net.lost #1': `a recovery connection lost before it is answered ${secondLoss}`,
  'mta.association.open on net.lost #4': noCheckpointing,
  'mta.association.open on net.lost #5': noCheckpointing,

  'mta.association.recovering.connecting on net.lost': secondLoss,
  'mta.sending.activityOpen.transferring on (always) #2': noCheckpointing,
  'mta.receiving on peer.AS #1':
    'a delivered message is started again only after the recovery timer restarted its transfer, which needs more losses than recovery attempts (taken in the runs with 2 losses and 1 attempt)',
  'channel.up on mta.send #4': 'the capacity bound is never reached (property "the channel stays within its capacity")',
  'channel.up on net.drop': faultsOff,
  'channel.up on net.duplicate': faultsOff,
  'channel.up on net.reorder': faultsOff,
};

/** Untaken in patched because only the 4.0/5.0 acceptor (unpatched, turn-fix) answers a recovery from its current limit. */
const onlyWithChangedRecoveryAnswer: Record<string, string> = {
  'mta.association.answering on local.limit #4': 'only an acceptor without the checkpoint fix answers a recovery from its current local limit (KB Q187929)',
  'mta.association.recovering.connecting on peer.RTOAC #2': 'only when the acceptor answers a recovery with other sizes (the unfixed KB Q187929 behaviour)',
  'channel.up on mta.disconnect': 'an MTA releases a connection only to refuse a recovery answer with other sizes (the unfixed KB Q187929 behaviour)',
};

/** Untaken in the variants without the checkpoint fix. */
export const onlyWithCheckpointFix: Record<string, string> = {
  'mta.association.answering on local.limit #2': 'only the fixed acceptor (checkpoint-fix, patched) answers a recovery with the original agreement (KB Q187929 fix)',
};

const monologueOnly: Record<string, string> = {
  'mta.association.open on queue.threshold': 'in monologue the initiator holds the Turn throughout, so the association never stops sending',
  'mta.association.opening on peer.RTORQ': 'in monologue only A recovers, so no recovering connect reaches A',
  'mta.association.recovering on peer.RTORQ': 'in monologue only A recovers: no two recovering connects cross',
  'mta.association.recovering.connecting on peer.RTORJ':
    'in monologue B refuses a recovery only after dropping its record, which its timer does only when A can no longer recover',
  'mta.association.recovering.attemptFailed on (always) #1': `a second attempt needs a failed first one: ${secondLossWithAttempt}`,
  'mta.association.recovering.attemptFailed on (always) #2': `an attempt fails in patched monologue only when it is lost (${secondLoss})`,
  'mta.turn.notHolding.quiet on (always)': 'in monologue only the initiator sends and it holds the Turn throughout',
  'mta.turn.notHolding on peer.GTC': 'in monologue the Turn is never given',
  'mta.turn.notHolding.asking on net.lost': 'in monologue nobody asks for the Turn',
  'mta.turn.notHolding on peer.PT': 'in monologue nobody asks for the Turn',
  'mta.turn.holding.unasked on peer.PT': 'in monologue nobody asks for the Turn',
  'mta.turn.holding.askedToGive on (always)': 'in monologue nobody asks for the Turn',
  'mta.turn.holding.askedToGive on net.lost': 'in monologue nobody asks for the Turn',
  'mta.turn.giving on peer.GTA': 'in monologue the Turn is never given',
  'mta.turn.giving on net.lost': 'in monologue the Turn is never given',
  'mta.turn.notHolding.asking on turn.askAgain': 'in monologue nobody asks for the Turn',
  'mta.turn.holding.unasked on turn.giveUnasked': 'in monologue the Turn is never given',
  'channel.up on mta.send #1': 'in monologue only A connects, and only once its connection is gone (or for the threshold association, see queue.threshold)',
  'channel.up on mta.send #2': 'no connect is refused in patched monologue (see recovering.connecting on peer.RTORJ)',
};

const twaOnly: Record<string, string> = {
  'mta.association.open on queue.threshold': 'no queue reaches the threshold (bound: threshold = 3, above every backlog; taken in the runs with T 2)',
  'mta.turn.notHolding.asking on turn.askAgain': turnDisciplineOff,
  'mta.turn.holding.unasked on turn.giveUnasked': turnDisciplineOff,
  'mta.turn.notHolding on peer.PT': 'a Turn-Please reaches a side without the Turn only when the Turn is lost (the unfixed KB Q166594 behaviour)',
  'mta.association.recovering.attemptFailed on (always) #1': `a second attempt needs a failed first one: ${secondLossWithAttempt}`,
};

export function untakenReasonsFor(mode: DialogueMode): Readonly<Record<string, string>> {
  return { ...common, ...onlyWithChangedRecoveryAnswer, ...onlyWithCheckpointFix, ...(mode === 'monologue' ? monologueOnly : twaOnly) };
}
