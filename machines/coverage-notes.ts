// Why a chart transition is not taken at the default bounds (mostly in `patched`; the last
// entries explain what the unpatched variants cannot take). results/ lists every
// transition an exploration never took, with the reason from here. Tests check that in
// `patched` every untaken transition has a reason, that every reason still names an untaken
// transition, and that each one is taken once the bound named in its reason is raised.

import type { DialogueMode } from './pdu';

const secondLoss = 'needs a second loss (bound: losses = 1)';
const noCheckpointing = 'needs checkpoint size 0 (bound: proposedCheckpointSize = 2)';
const onlyWithWrongRecoveryAnswer = 'only when the acceptor answers a recovery with other sizes (the unpatched KB Q187929 behaviour)';
const faultModesOff = 'the single-PDU fault modes are off by default';

const common: Record<string, string> = {
  'mta.association on peer.RTORQ #2': 'both MTAs are configured with the same dialogue mode, so no open is refused',
  'mta.association on peer.RTORQ #3': 'the initiator chooses the connection identifier and repeats it in every recovery request, so a request never names an association the responder does not await',
  'mta.association.opening on peer.RTORJ': 'both MTAs are configured with the same dialogue mode, so no open is refused',
  'mta.association.open on net.lost #2': noCheckpointing,
  'mta.association.open on net.lost #4': noCheckpointing,
  'mta.association.open on queue.threshold': 'the queue never reaches the threshold (bound: threshold = 3 > messagesFromA = 2)',
  'mta.association.open on peer.RTAB': onlyWithWrongRecoveryAnswer,
  'mta.association.recovering.connecting on peer.RTOAC #2': onlyWithWrongRecoveryAnswer,
  'mta.association.recovering.connecting on peer.RTORJ': 'a recovery is refused only for an unknown identifier or a proposal the original agreement cannot answer, and A always repeats both',
  'mta.association.recovering.connecting on net.lost': secondLoss,
  'mta.association.recovering.attemptFailed on (always) #1': `a recovery attempt fails only when it is lost (${secondLoss}) or answered with other sizes (unpatched)`,
  'mta.association.recovering.attemptFailed on (always) #2': `a recovery attempt fails only when it is lost (${secondLoss}) or answered with other sizes (unpatched)`,
  'mta.association.recoveryFailed on timer.recovery': 'recovery never runs out of attempts: see recovering.attemptFailed',
  'mta.association.answeringRecovery on net.lost': secondLoss,
  'mta.association.answeringRecovery on (always)': 'A always repeats its original proposal, which the original agreement can answer',
  'mta.turn.notHolding on peer.PT': 'a Turn-Please reaches a side without the Turn only when the Turn is lost (the unpatched KB Q166594 behaviour)',
  'mta.sending.activityOpen.transferring on (always) #2': noCheckpointing,
  'mta.receiving on peer.AS #1': 'a message is restarted only on a new association, which patched opens only after a recovery timeout (see recoveryFailed)',
  'channel.up on mta.send #1': 'a connect on a live connection is the threshold association (see queue.threshold)',
  'channel.up on mta.send #2': 'RTORJ and RTAB are sent only by the refusals and aborts listed above',
  'channel.up on mta.send #4': 'the capacity bound is never reached (property "the channel stays within its capacity")',
  'channel.up on net.drop': faultModesOff,
  'channel.up on net.duplicate': faultModesOff,
  'channel.up on net.reorder': faultModesOff,
  // Taken by turn-fix and patched; never by unpatched and checkpoint-fix.
  'mta.turn on association.established #3': 'the Turn is re-derived after a recovery only in turn-fix and patched (KB Q166594 fix)',
  'mta.turn on association.established #4': 'the Turn is re-derived after a recovery only in turn-fix and patched (KB Q166594 fix)',
};

const monologueOnly: Record<string, string> = {
  'mta.turn.notHolding.quiet on (always)': 'in monologue only the initiator sends and it holds the Turn throughout',
  'mta.turn.notHolding on peer.GTC': 'in monologue the Turn is never given',
  'mta.turn.notHolding.asking on net.lost': 'in monologue nobody asks for the Turn',
  'mta.turn.notHolding on peer.PT': 'in monologue nobody asks for the Turn',
  'mta.turn.holding.unasked on peer.PT': 'in monologue nobody asks for the Turn',
  'mta.turn.holding.askedToGive on (always)': 'in monologue nobody asks for the Turn',
  'mta.turn.holding.askedToGive on net.lost': 'in monologue nobody asks for the Turn',
  'mta.turn.giving on peer.GTA': 'in monologue the Turn is never given',
  'mta.turn.giving on net.lost': 'in monologue the Turn is never given',
};

const twaOnly: Record<string, string> = {};

export function untakenReasonsFor(mode: DialogueMode): Readonly<Record<string, string>> {
  return { ...common, ...(mode === 'monologue' ? monologueOnly : twaOnly) };
}
