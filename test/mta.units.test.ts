// Unit cases of the MTA chart, through real actors: negotiation, the window, resume from the
// last confirmed checkpoint, and a resumed activity the receiver already completed.

import { describe, expect, test } from 'vitest';
import { negotiate, segmentsPerMessage } from '../machines/mta.machine';
import type { Pdu, RTORQ } from '../machines/pdu';
import { mtaInputFor } from '../machines/system';
import { initiatorConfig, startSystem, systemConfig, view } from './fixtures';

describe('negotiation: the acceptor only lowers, 0 stays 0', () => {
  const request = (checkpointSize: number, windowSize: number): RTORQ => ({
    kind: 'RTORQ',
    checkpointSize,
    windowSize,
    dialogueMode: 'twa',
    connectionData: { kind: 'open', connectionId: 1 },
    initialTurn: 'initiator',
  });
  const acceptor = (checkpointSize: number, windowSize: number) => mtaInputFor('B', { ...initiatorConfig, checkpointSize, windowSize });

  test.each([
    // proposed (ckpt, win), acceptor's limit (ckpt, win), agreed (ckpt, win)
    [2, 2, 1, 3, 1, 2],
    [2, 2, 5, 5, 2, 2],
    [0, 2, 2, 2, 0, 2],
    [2, 3, 0, 1, 0, 1],
  ])('proposal ckpt %i win %i, acceptor limit ckpt %i win %i → ckpt %i win %i', (pc, pw, lc, lw, ac, aw) => {
    const agreed = negotiate(request(pc, pw), acceptor(lc, lw));
    expect(agreed).toEqual({ checkpointSize: ac, windowSize: aw, dialogueMode: 'twa' });
    expect(agreed.checkpointSize).toBeLessThanOrEqual(pc);
    expect(agreed.windowSize).toBeLessThanOrEqual(pw);
  });

  test('both MTAs end up with the lowered values, and the initiator adopts what RTOAC says', () => {
    const system = startSystem(systemConfig('patched', { b: { checkpointSize: 1, windowSize: 1 } }));
    system.drain();
    for (const side of ['A', 'B'] as const) {
      expect(system.mtas[side].getSnapshot().context.agreed).toEqual({ checkpointSize: 1, windowSize: 1, dialogueMode: 'twa' });
    }
  });

  test('a proposal of 0 means no checkpointing: one segment, no minor syncs, and a loss opens a new association', () => {
    const system = startSystem(systemConfig('patched', { a: { checkpointSize: 0 } }));
    system.drain();
    expect(system.mtas.B.getSnapshot().context.agreed?.checkpointSize).toBe(0);
    system.dispatch({ type: 'user.submit', at: 'A' });
    expect(view(system).inFlight.toB).toEqual(['AS(msg 1)', 'DT(msg 1, seg 1)', 'AE(msg 1)']);
    system.dispatch({ type: 'net.lose' });
    system.drain();
    expect(system.sent.A.filter((label) => label.startsWith('RTORQ'))).toEqual(['RTORQ(open 2, ckpt 0, win 2, twa, turn initiator)']);
    expect(view(system).A.connectionId).toBe(2);
    expect(view(system).B.delivered).toEqual([1]);
  });

  test('the acceptor refuses a dialogue mode it does not accept', () => {
    const system = startSystem(systemConfig('patched', { b: { dialogueMode: 'monologue' } }));
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
    const system = startSystem(systemConfig('patched', { b: { windowSize: 1 } }));
    system.drain();
    system.dispatch({ type: 'user.submit', at: 'A' });
    expect(view(system).inFlight.toB).toEqual(['AS(msg 1)', 'DT(msg 1, seg 1)', 'MIP(1)']);
    for (let i = 0; i < 3; i++) system.dispatch({ type: 'net.deliver', to: 'B' });
    expect(view(system).inFlight.toA).toEqual(['MIA(1)']);
    system.dispatch({ type: 'net.deliver', to: 'A' });
    expect(view(system).inFlight.toB).toEqual(['DT(msg 1, seg 2)', 'MIP(2)', 'AE(msg 1)']);
  });

  test('window 2: both segments go at once', () => {
    const system = startSystem(systemConfig('patched'));
    system.drain();
    system.dispatch({ type: 'user.submit', at: 'A' });
    expect(view(system).inFlight.toB).toEqual(['AS(msg 1)', 'DT(msg 1, seg 1)', 'MIP(1)', 'DT(msg 1, seg 2)', 'MIP(2)', 'AE(msg 1)']);
  });
});

describe('recovery resumes the activity at the last confirmed checkpoint', () => {
  test('data held beyond the resumed checkpoint is discarded and sent again', () => {
    const system = startSystem(systemConfig('patched'));
    system.drain();
    system.dispatch({ type: 'user.submit', at: 'A' });
    for (let i = 0; i < 4; i++) system.dispatch({ type: 'net.deliver', to: 'B' }); // AS, DT 1, MIP 1, DT 2
    system.dispatch({ type: 'net.deliver', to: 'A' }); // MIA 1
    expect(system.mtas.B.getSnapshot().context.incoming).toEqual({ activity: 1, segmentsHeld: 2, lastConfirmedSerial: 1, intact: true });
    system.dispatch({ type: 'net.lose' });
    system.drain();
    system.dispatch({ type: 'local.answer', at: 'B', checkpointSize: 1, windowSize: 2 });
    system.dispatch({ type: 'net.deliver', to: 'A' }); // RTOAC: A resumes
    expect(view(system).inFlight.toB).toEqual(['AR(msg 1, after 1)', 'DT(msg 1, seg 2)', 'MIP(2)', 'AE(msg 1)']);
    system.dispatch({ type: 'net.deliver', to: 'B' }); // AR
    expect(system.mtas.B.getSnapshot().context.incoming).toEqual({ activity: 1, segmentsHeld: 1, lastConfirmedSerial: 1, intact: true });
    system.drain();
    expect(view(system).B.delivered).toEqual([1]);
  });

  test('the resume of an activity the receiver already completed is recognised: delivered once', () => {
    const system = startSystem(systemConfig('patched'));
    system.drain();
    system.dispatch({ type: 'user.submit', at: 'A' });
    for (let i = 0; i < 6; i++) system.dispatch({ type: 'net.deliver', to: 'B' }); // the whole message: delivered, AEA on its way
    expect(view(system).B.delivered).toEqual([1]);
    expect(view(system).inFlight.toA).toContain('AEA(msg 1)');
    system.dispatch({ type: 'net.lose' }); // the AEA is lost
    system.drain();
    system.dispatch({ type: 'local.answer', at: 'B', checkpointSize: 1, windowSize: 2 });
    system.drain();
    expect(system.sent.A).toContain('AR(msg 1, after 0)');
    expect(system.sent.B).toContain('ER(transferCompleted)');
    expect(system.sent.A.at(-1)).toBe('AD(msg 1)');
    expect(view(system).B.delivered).toEqual([1]);
    expect(view(system).A.queue).toBe(0);
  });

  test('a restart on a new association of a message already delivered is not delivered twice', () => {
    const system = startSystem(systemConfig('patched', { a: { checkpointSize: 0 } }));
    system.drain();
    system.dispatch({ type: 'user.submit', at: 'A' });
    for (let i = 0; i < 3; i++) system.dispatch({ type: 'net.deliver', to: 'B' }); // AS, DT, AE: delivered
    system.dispatch({ type: 'net.lose' }); // AEA lost; no checkpointing: a new association
    system.drain();
    expect(view(system).A.connectionId).toBe(2);
    expect(system.sent.B).toContain('ER(transferCompleted)');
    expect(view(system).B.delivered).toEqual([1]);
    expect(view(system).A.queue).toBe(0);
  });
});

describe('monologue', () => {
  test('only the initiator sends: a submission at the responder is refused', () => {
    const system = startSystem(systemConfig('patched', { a: { dialogueMode: 'monologue' }, b: { dialogueMode: 'monologue' } }));
    system.drain();
    expect(system.dispatch({ type: 'user.submit', at: 'B' })).toBe(false);
    expect(view(system).A.turn).toBe('holding');
    expect(view(system).B.turn).toBe('notHolding');
  });
});

describe('answers to what the initiator never sends in the explored configurations (crafted PDUs)', () => {
  /** Loses the connection after the open and lets B notice: B awaits the recovery of connection 1. */
  function awaitingRecovery(variant: 'patched' | 'unpatched') {
    const system = startSystem(systemConfig(variant));
    system.drain();
    system.dispatch({ type: 'net.lose' });
    system.dispatch({ type: 'net.notice', to: 'B' });
    expect(view(system).B.phase).toBe('awaitingRecovery');
    return system;
  }
  const recover = (connectionId: number, checkpointSize: number): Pdu => ({
    kind: 'RTORQ',
    checkpointSize,
    windowSize: 2,
    dialogueMode: 'twa',
    connectionData: { kind: 'recover', connectionId },
    initialTurn: 'initiator',
  });

  test('a recovery of an unknown association is refused (cannotRecover)', () => {
    const system = awaitingRecovery('patched');
    system.channel.send({ type: 'mta.send', from: 'A', pdu: recover(7, 2) });
    system.dispatch({ type: 'net.deliver', to: 'B' });
    expect(system.sent.B.at(-1)).toBe('RTORJ(cannotRecover)');
    expect(view(system).B.phase).toBe('awaitingRecovery');
  });

  test('patched: a recovery proposal the original agreement cannot answer is refused, and the initiator counts a failed attempt', () => {
    const system = awaitingRecovery('patched');
    system.dispatch({ type: 'net.notice', to: 'A' }); // A sends its own recovery request (attempt 1) ...
    system.dispatch({ type: 'net.deliver', to: 'B' });
    system.dispatch({ type: 'local.answer', at: 'B', checkpointSize: 1, windowSize: 2 }); // ... which B accepts
    // A second request on a new connection, proposing less than the original 1 KB:
    system.channel.send({ type: 'mta.send', from: 'A', pdu: { kind: 'RTAB', reason: 'protocolError' } });
    system.channel.send({ type: 'mta.send', from: 'A', pdu: recover(1, 0) });
    system.dispatch({ type: 'net.deliver', to: 'B' }); // RTAB: B awaits again
    system.dispatch({ type: 'net.deliver', to: 'B' }); // the crafted request
    expect(system.sent.B.at(-1)).toBe('RTORJ(cannotRecover)');
    system.dispatch({ type: 'net.deliver', to: 'A' }); // A is still connecting: the RTORJ fails attempt 1
    expect(system.mtas.A.getSnapshot().context.recoveryAttemptsUsed).toBe(2);
    expect(system.sent.A.at(-1)).toBe('RTORQ(recover 1, ckpt 2, win 2, twa, turn initiator)');
  });

  test('unpatched accepts the same request: the refusal is the checkpoint fix', () => {
    const system = awaitingRecovery('unpatched');
    system.channel.send({ type: 'mta.send', from: 'A', pdu: recover(1, 0) });
    system.dispatch({ type: 'net.deliver', to: 'B' });
    expect(view(system).B.phase).toBe('answeringRecovery');
  });

  test('a GTC without a Turn-Please still hands over the Turn', () => {
    const system = startSystem(systemConfig('patched'));
    system.drain();
    expect(view(system).B.turn).toBe('notHolding');
    system.channel.send({ type: 'mta.send', from: 'A', pdu: { kind: 'GTC' } });
    system.dispatch({ type: 'net.deliver', to: 'B' });
    expect(view(system).B.turn).toBe('holding');
    expect(system.sent.B.at(-1)).toBe('GTA');
  });
});
