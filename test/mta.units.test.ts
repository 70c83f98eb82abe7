// Unit cases of the MTA chart, through real actors: negotiation, the window, who recovers,
// resume from the last confirmed checkpoint, a resumed activity the receiver already
// completed, the half-open takeover, and answers to what the explored configurations never send.

import { describe, expect, test } from 'vitest';
import { isValidAnswer, negotiate, segmentsPerMessage } from '../machines/mta.machine';
import type { Pdu, RTORQ } from '../machines/pdu';
import { variants } from '../machines/variants';
import { lowLimit, settle, startSystem, systemConfig, view } from './fixtures';

const request = (checkpointSize: number, windowSize: number, kind: 'open' | 'recover' = 'open', connectionId = 1): RTORQ => ({
  kind: 'RTORQ',
  checkpointSize,
  windowSize,
  dialogueMode: 'twa',
  connectionData: { kind, connectionId },
  initialTurn: 'caller',
});

describe('negotiation: min(proposal, local limit); a proposal of 0 gets the acceptor\'s own value', () => {
  test.each([
    // proposed (ckpt, win), acceptor's limit (ckpt, win), agreed (ckpt, win)
    [2, 2, 1, 3, 1, 2],
    [2, 2, 5, 5, 2, 2],
    [0, 2, 2, 2, 2, 2],
    [0, 2, 0, 1, 0, 1],
    [2, 3, 0, 1, 0, 1],
  ])('proposal ckpt %i win %i, acceptor limit ckpt %i win %i → ckpt %i win %i', (pc, pw, lc, lw, ac, aw) => {
    const agreed = negotiate(request(pc, pw), { checkpointSize: lc, windowSize: lw });
    expect(agreed).toEqual({ checkpointSize: ac, windowSize: aw, dialogueMode: 'twa' });
    if (pc > 0) expect(agreed.checkpointSize).toBeLessThanOrEqual(pc);
    expect(agreed.windowSize).toBeGreaterThanOrEqual(1);
    expect(agreed.windowSize).toBeLessThanOrEqual(pw);
  });

  test('an agreement is a valid answer to a request when negotiation could give it', () => {
    const agreement = { checkpointSize: 1, windowSize: 2, dialogueMode: 'twa' as const };
    expect(isValidAnswer(request(2, 2), agreement)).toBe(true);
    expect(isValidAnswer(request(0, 2), agreement)).toBe(true);
    expect(isValidAnswer(request(1, 3), agreement)).toBe(true);
    expect(isValidAnswer(request(2, 1), agreement)).toBe(false); // a window above the proposal
    expect(isValidAnswer({ ...request(2, 2), dialogueMode: 'monologue' }, agreement)).toBe(false);
  });

  test('both MTAs end up with the acceptor\'s answer, and the initiator adopts what RTOAC says', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system, { checkpointSize: 1, windowSize: 1 });
    for (const side of ['A', 'B'] as const) {
      expect(system.mtas[side].getSnapshot().context.agreed).toEqual({ checkpointSize: 1, windowSize: 1, dialogueMode: 'twa' });
    }
  });

  test('the acceptor computes its answer from the limit of each connection', () => {
    const system = startSystem(systemConfig(variants.patched));
    system.drain();
    expect(view(system).B.phase).toBe('answering');
    system.dispatch({ type: 'local.limit', at: 'B', checkpointSize: 2, windowSize: 2 });
    expect(system.sent.B).toEqual(['RTOAC(open 1, ckpt 2, win 2, turn caller)']);
  });

  test('a proposal of 0 is answered with the acceptor\'s own checkpoint size', () => {
    const system = startSystem(systemConfig(variants.patched, { a: { checkpointSize: 0 } }));
    settle(system);
    expect(system.mtas.A.getSnapshot().context.agreed?.checkpointSize).toBe(1);
  });

  test('an agreed size of 0 means no checkpointing: one segment, no minor syncs, and a loss opens a new association', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system, { checkpointSize: 0, windowSize: 2 });
    expect(system.mtas.B.getSnapshot().context.agreed?.checkpointSize).toBe(0);
    system.dispatch({ type: 'user.submit', at: 'A' });
    expect(view(system).inFlight.toB).toEqual(['AS(msg 1)', 'DT(msg 1, KB 0-2)', 'AE(msg 1, 2 KB)']);
    system.dispatch({ type: 'net.lose' });
    settle(system, { checkpointSize: 0, windowSize: 2 });
    expect(system.sent.A.filter((label) => label.startsWith('RTORQ'))).toEqual(['RTORQ(open 2, ckpt 2, win 2, twa, turn caller)']);
    expect(view(system).A.connectionId).toBe(2);
    expect(view(system).B.delivered).toEqual([1]);
  });

  test('the acceptor refuses a dialogue mode it does not accept', () => {
    const system = startSystem(systemConfig(variants.patched, { b: { dialogueMode: 'monologue' } }));
    system.drain();
    expect(system.sent.B).toEqual(['RTORJ(unacceptableDialogueMode)']);
    expect(view(system).A.phase).toBe('closed');
  });

  test('segments per message: size / checkpoint size, rounded up; one without checkpointing', () => {
    expect([segmentsPerMessage(1, 2), segmentsPerMessage(2, 2), segmentsPerMessage(2, 3), segmentsPerMessage(0, 3)]).toEqual([2, 1, 2, 1]);
  });
});

describe('window: at most W unconfirmed minor syncs', () => {
  test('window 1: the second segment waits for the first confirmation', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system, { checkpointSize: 1, windowSize: 1 });
    system.dispatch({ type: 'user.submit', at: 'A' });
    expect(view(system).inFlight.toB).toEqual(['AS(msg 1)', 'DT(msg 1, KB 0-1)', 'MIP(1)']);
    for (let i = 0; i < 3; i++) system.dispatch({ type: 'net.deliver', to: 'B' });
    expect(view(system).inFlight.toA).toEqual(['MIA(1)']);
    system.dispatch({ type: 'net.deliver', to: 'A' });
    expect(view(system).inFlight.toB).toEqual(['DT(msg 1, KB 1-2)', 'MIP(2)', 'AE(msg 1, 2 KB)']);
  });

  test('window 2: both segments go at once', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system);
    system.dispatch({ type: 'user.submit', at: 'A' });
    expect(view(system).inFlight.toB).toEqual(['AS(msg 1)', 'DT(msg 1, KB 0-1)', 'MIP(1)', 'DT(msg 1, KB 1-2)', 'MIP(2)', 'AE(msg 1, 2 KB)']);
  });
});

describe('who recovers: the MTA with mail to send', () => {
  test('an MTA with mail queued recovers; one without waits for the peer', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system);
    system.dispatch({ type: 'user.submit', at: 'A' });
    system.dispatch({ type: 'net.lose' });
    system.dispatch({ type: 'net.notice', to: 'A' });
    system.dispatch({ type: 'net.notice', to: 'B' });
    expect(view(system).A.phase).toBe('recovering');
    expect(view(system).B.phase).toBe('awaitingRecovery');
  });

  test('in two-way alternate the responder recovers when it is the one with mail', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system);
    system.dispatch({ type: 'user.submit', at: 'B' });
    system.dispatch({ type: 'net.lose' });
    system.dispatch({ type: 'net.notice', to: 'A' });
    system.dispatch({ type: 'net.notice', to: 'B' });
    expect(view(system).A.phase).toBe('awaitingRecovery');
    expect(view(system).B.phase).toBe('recovering');
    expect(system.sent.B.at(-1)).toBe('RTORQ(recover 1, ckpt 2, win 2, twa, turn caller)');
    settle(system);
    expect(view(system).B.delivered).toEqual([]);
    expect(view(system).A.delivered).toEqual([1]);
    expect(view(system).A.connectionId).toBe(1);
  });

  test('half-open: a recovering connect that reaches a side before it saw the loss takes over the old connection', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system);
    system.dispatch({ type: 'user.submit', at: 'A' });
    system.dispatch({ type: 'net.lose' });
    system.dispatch({ type: 'net.notice', to: 'A' }); // A recovers; B has not seen the loss
    expect(view(system).B.phase).toBe('open');
    system.dispatch({ type: 'net.deliver', to: 'B' }); // the recovering connect
    expect(view(system).B.phase).toBe('answering');
    expect(system.mtas.B.getSnapshot().matches({ sending: 'idle' })).toBe(true);
    settle(system);
    expect(view(system).B.delivered).toEqual([1]);
    expect(view(system).A.connectionId).toBe(1);
  });

  test('two recoveries cross: the side whose connect was dropped answers the other\'s', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system);
    system.dispatch({ type: 'user.submit', at: 'B' });
    system.dispatch({ type: 'user.submit', at: 'A' }); // B asked for the Turn: both have mail
    system.dispatch({ type: 'net.lose' });
    system.dispatch({ type: 'net.notice', to: 'A' });
    system.dispatch({ type: 'net.notice', to: 'B' });
    expect([view(system).A.phase, view(system).B.phase]).toEqual(['recovering', 'recovering']);
    system.dispatch({ type: 'net.deliver', to: 'A' }); // B's connect replaced A's
    expect(view(system).A.phase).toBe('answering');
    settle(system);
    expect(view(system).A.delivered).toEqual([1]);
    expect(view(system).B.delivered).toEqual([1]);
  });

  test('an attempt fails only with the connection, a refusal or a changed answer; a success counts the attempts afresh', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system);
    system.dispatch({ type: 'user.submit', at: 'A' });
    system.dispatch({ type: 'net.lose' });
    settle(system);
    expect(system.mtas.A.getSnapshot().context.recoveryAttemptsUsed).toBe(0);
    expect(view(system).B.delivered).toEqual([1]);
  });
});

describe('recovery resumes the activity at the last confirmed checkpoint', () => {
  /** A sends one message; B holds both segments, A got the confirmation of the first; the connection is lost. */
  function interrupted(maxLosses = 1) {
    const system = startSystem(systemConfig(variants.patched, { maxLosses }));
    settle(system);
    system.dispatch({ type: 'user.submit', at: 'A' });
    for (let i = 0; i < 4; i++) system.dispatch({ type: 'net.deliver', to: 'B' }); // AS, DT 1, MIP 1, DT 2
    system.dispatch({ type: 'net.deliver', to: 'A' }); // MIA 1
    expect(system.mtas.B.getSnapshot().context.incoming).toEqual({ activity: 1, kbHeld: 2, intact: true });
    expect(system.mtas.A.getSnapshot().context.confirmedKB).toBe(1);
    system.dispatch({ type: 'net.lose' });
    system.drain();
    return system;
  }

  test('data held beyond the resumed checkpoint is discarded and sent again; confirmed data is not', () => {
    const system = interrupted();
    system.dispatch({ type: 'local.limit', at: 'B', ...lowLimit });
    system.dispatch({ type: 'net.deliver', to: 'A' }); // RTOAC: A resumes
    expect(view(system).inFlight.toB).toEqual(['AR(msg 1, after 1)', 'DT(msg 1, KB 1-2)', 'MIP(2)', 'AE(msg 1, 2 KB)']);
    system.dispatch({ type: 'net.deliver', to: 'B' }); // AR
    expect(system.mtas.B.getSnapshot().context.incoming).toEqual({ activity: 1, kbHeld: 1, intact: true });
    settle(system);
    expect(view(system).B.delivered).toEqual([1]);
    expect(system.mtas.A.getSnapshot().context.resentConfirmedData).toBe(false);
  });

  test('a restart from the beginning after the recovery timer sends confirmed data again', () => {
    const system = interrupted(3);
    for (let attempt = 0; attempt < 2; attempt++) {
      system.dispatch({ type: 'net.lose' }); // each recovery attempt is lost with its connection
      system.dispatch({ type: 'net.notice', to: 'A' });
    }
    system.dispatch({ type: 'net.notice', to: 'B' });
    expect([view(system).A.phase, view(system).B.phase]).toEqual(['awaitingRecovery', 'awaitingRecovery']);
    system.dispatch({ type: 'timer.recovery', at: 'A' });
    settle(system);
    expect(system.mtas.A.getSnapshot().context.resentConfirmedData).toBe(true);
    expect(view(system).B.delivered).toEqual([1]);
  });

  test('the resume of an activity the receiver already completed is recognised: delivered once', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system);
    system.dispatch({ type: 'user.submit', at: 'A' });
    for (let i = 0; i < 6; i++) system.dispatch({ type: 'net.deliver', to: 'B' }); // the whole message: delivered, AEA on its way
    expect(view(system).B.delivered).toEqual([1]);
    expect(view(system).inFlight.toA).toContain('AEA(msg 1)');
    system.dispatch({ type: 'net.lose' }); // the AEA is lost
    settle(system);
    expect(system.sent.A).toContain('AR(msg 1, after 0)');
    expect(system.sent.B).toContain('ER(transferCompleted)');
    expect(system.sent.A.at(-1)).toBe('AD(msg 1)');
    expect(view(system).B.delivered).toEqual([1]);
    expect(view(system).A.queue).toBe(0);
  });

  test('a restart on a new association of a message already delivered is not delivered twice', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system, { checkpointSize: 0, windowSize: 2 });
    system.dispatch({ type: 'user.submit', at: 'A' });
    for (let i = 0; i < 3; i++) system.dispatch({ type: 'net.deliver', to: 'B' }); // AS, DT, AE: delivered
    system.dispatch({ type: 'net.lose' }); // AEA lost; no checkpointing: a new association
    settle(system);
    expect(view(system).A.connectionId).toBe(2);
    expect(system.sent.B).toContain('ER(transferCompleted)');
    expect(view(system).B.delivered).toEqual([1]);
    expect(view(system).A.queue).toBe(0);
  });
});

describe('monologue', () => {
  test('only the initiator sends: a submission at the responder is refused', () => {
    const system = startSystem(systemConfig(variants.patched, { a: { dialogueMode: 'monologue' }, b: { dialogueMode: 'monologue' } }));
    settle(system);
    expect(system.dispatch({ type: 'user.submit', at: 'B' })).toBe(false);
    expect(view(system).A.turn).toBe('holding');
    expect(view(system).B.turn).toBe('notHolding');
  });
});

describe('answers to what the explored configurations never send (crafted PDUs)', () => {
  /** Loses the connection after the open and lets B notice: B awaits the recovery of association 1. */
  function awaitingRecovery(variant: 'patched' | 'unpatched') {
    const system = startSystem(systemConfig(variants[variant]));
    settle(system);
    system.dispatch({ type: 'net.lose' });
    system.dispatch({ type: 'net.notice', to: 'B' });
    expect(view(system).B.phase).toBe('awaitingRecovery');
    return system;
  }
  const recover = (connectionId: number, checkpointSize: number): Pdu => request(checkpointSize, 2, 'recover', connectionId);

  test('a recovery of an unknown association is refused (cannotRecover)', () => {
    const system = awaitingRecovery('patched');
    system.channel.send({ type: 'mta.send', from: 'A', pdu: recover(7, 2) });
    system.dispatch({ type: 'net.deliver', to: 'B' });
    expect(system.sent.B.at(-1)).toBe('RTORJ(cannotRecover)');
    expect(view(system).B.phase).toBe('awaitingRecovery');
  });

  test('patched: a recovery proposal the original agreement cannot answer is refused, and B keeps its record', () => {
    const system = awaitingRecovery('patched');
    system.channel.send({ type: 'mta.send', from: 'A', pdu: request(2, 1, 'recover') }); // window 1 < the original 2
    system.dispatch({ type: 'net.deliver', to: 'B' });
    system.dispatch({ type: 'local.limit', at: 'B', ...lowLimit });
    expect(system.sent.B.at(-1)).toBe('RTORJ(cannotRecover)');
    expect(view(system).B.phase).toBe('awaitingRecovery');
    expect(system.mtas.B.getSnapshot().context.original).not.toBeNull();
  });

  test('unpatched answers the same request from its current limit: the refusal is the checkpoint fix', () => {
    const system = awaitingRecovery('unpatched');
    system.channel.send({ type: 'mta.send', from: 'A', pdu: request(2, 1, 'recover') });
    system.dispatch({ type: 'net.deliver', to: 'B' });
    system.dispatch({ type: 'local.limit', at: 'B', ...lowLimit });
    expect(system.sent.B.at(-1)).toBe('RTOAC(recover 1, ckpt 1, win 1, turn caller)');
  });

  test('a GTC without a Turn-Please still hands over the Turn', () => {
    const system = startSystem(systemConfig(variants.patched));
    settle(system);
    expect(view(system).B.turn).toBe('notHolding');
    system.channel.send({ type: 'mta.send', from: 'A', pdu: { kind: 'GTC' } });
    system.dispatch({ type: 'net.deliver', to: 'B' });
    expect(view(system).B.turn).toBe('holding');
    expect(system.sent.B.at(-1)).toBe('GTA');
  });
});
