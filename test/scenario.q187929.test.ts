// KB Q187929, "recovery checkpoint size different, MTA connection fails", driven through real
// actors on a monologue association: B answers the recovery with a checkpoint size other than
// the one it gave originally, and A cannot reconnect.

import { describe, expect, test } from 'vitest';
import type { VariantName } from '../machines/variants';
import { startSystem, systemConfig, view } from './fixtures';

/** A sends a 2-segment message; checkpoint 1 is confirmed; the connection is lost; A starts recovering. */
function interruptAfterFirstCheckpoint(variant: VariantName) {
  const system = startSystem(systemConfig(variant, { a: { dialogueMode: 'monologue' }, b: { dialogueMode: 'monologue' } }));
  system.drain();
  const original = system.mtas.B.getSnapshot().context.original;
  expect(original).toEqual({ checkpointSize: 1, windowSize: 2, dialogueMode: 'monologue' }); // B lowered 2 to 1

  system.dispatch({ type: 'user.submit', at: 'A' });
  expect(view(system).inFlight.toB).toEqual(['AS(msg 1)', 'DT(msg 1, seg 1)', 'MIP(1)', 'DT(msg 1, seg 2)', 'MIP(2)', 'AE(msg 1)']);
  for (let i = 0; i < 3; i++) system.dispatch({ type: 'net.deliver', to: 'B' }); // AS, DT 1, MIP 1
  system.dispatch({ type: 'net.deliver', to: 'A' }); // MIA 1: checkpoint 1 confirmed at A
  expect(system.mtas.A.getSnapshot().context.outgoing).toEqual({ activity: 1, segmentsSent: 2, lastConfirmedSerial: 1 });

  system.dispatch({ type: 'net.lose' });
  system.drain();
  expect(view(system).A.phase).toBe('recovering');
  expect(view(system).B.phase).toBe('answeringRecovery');
  return system;
}

describe('KB Q187929 in unpatched, monologue', () => {
  test('B answers the recovery with a different checkpoint size; A cannot reconnect and the recovery timeout restarts the transfer', () => {
    const system = interruptAfterFirstCheckpoint('unpatched');

    // Attempt 1: B chooses again and answers 2 KB instead of its original 1 KB.
    expect(system.dispatch({ type: 'local.answer', at: 'B', checkpointSize: 2, windowSize: 2 })).toBe(true);
    expect(system.mtas.B.getSnapshot().context.agreed).toEqual({ checkpointSize: 2, windowSize: 2, dialogueMode: 'monologue' });
    expect(system.mtas.B.getSnapshot().context.original?.checkpointSize).toBe(1);
    system.drain();
    expect(system.sent.A.slice(-2)).toEqual(['RTAB(protocolError)', 'RTORQ(recover 1, ckpt 2, win 2, monologue, turn initiator)']);

    // Attempt 2: the same again; the attempts are used up.
    expect(view(system).B.phase).toBe('answeringRecovery');
    system.dispatch({ type: 'local.answer', at: 'B', checkpointSize: 2, windowSize: 1 });
    system.drain();
    expect(view(system).A.phase).toBe('recoveryFailed');
    expect(system.mtas.A.getSnapshot().context.recoveryAttemptsUsed).toBe(2);
    expect(view(system).B.delivered).toEqual([]);

    // The recovery timeout drops the checkpoint data and opens a new association: the message starts again from segment 1.
    const sentBefore = system.sent.A.length;
    expect(system.dispatch({ type: 'timer.recovery', at: 'A' })).toBe(true);
    system.drain();
    expect(system.sent.A.slice(sentBefore)).toEqual([
      'RTORQ(open 2, ckpt 2, win 2, monologue, turn initiator)',
      'AS(msg 1)',
      'DT(msg 1, seg 1)',
      'MIP(1)',
      'DT(msg 1, seg 2)',
      'MIP(2)',
      'AE(msg 1)',
    ]);
    const state = view(system);
    expect(state.A.connectionId).toBe(2);
    expect(state.B.delivered).toEqual([1]);
    expect(state.A.queue).toBe(0);
  });
});

describe.each(['checkpoint-fix', 'patched'] as const)('KB Q187929 narrative in %s', (variant) => {
  test('B may only answer the recovery with the original sizes', () => {
    const system = interruptAfterFirstCheckpoint(variant);
    expect(system.dispatch({ type: 'local.answer', at: 'B', checkpointSize: 2, windowSize: 2 })).toBe(false);
    expect(system.dispatch({ type: 'local.answer', at: 'B', checkpointSize: 1, windowSize: 1 })).toBe(false);
    expect(system.dispatch({ type: 'local.answer', at: 'B', checkpointSize: 1, windowSize: 2 })).toBe(true);
  });

  test('the recovery is accepted with the original sizes and resumes at the last confirmed checkpoint', () => {
    const system = interruptAfterFirstCheckpoint(variant);
    system.dispatch({ type: 'local.answer', at: 'B', checkpointSize: 1, windowSize: 2 });
    const sentBefore = system.sent.A.length;
    system.drain();
    expect(system.sent.A.slice(sentBefore)).toEqual(['AR(msg 1, after 1)', 'DT(msg 1, seg 2)', 'MIP(2)', 'AE(msg 1)']);
    const state = view(system);
    expect(state.A.phase).toBe('open');
    expect(state.B.delivered).toEqual([1]);
    expect(state.A.queue).toBe(0);
    expect(state.A.connectionId).toBe(1);
    expect(system.mtas.B.getSnapshot().context.agreed).toEqual(system.mtas.B.getSnapshot().context.original);
  });
});
