// KB Q187929, "recovery checkpoint size different, MTA connection fails", driven through real
// actors on a monologue association. B's local limit is 1 KB when A connects and 2 KB when A
// recovers (ISODE's limit is the session SSDU size of each connection): the unpatched B answers
// the recovery from its current limit, A cannot use the answer, and after the recovery timer the
// transfer starts again from the beginning, sending confirmed data a second time.

import { describe, expect, test } from 'vitest';
import { createSystem } from '../machines/system';
import type { MtaMachine } from '../machines/mta.machine';
import { variants } from '../machines/variants';
import { systemConfig, view } from './fixtures';

const limitOnOpen = { checkpointSize: 1, windowSize: 2 } as const;
const limitOnRecovery = { checkpointSize: 2, windowSize: 2 } as const;
const monologue = { a: { dialogueMode: 'monologue' as const }, b: { dialogueMode: 'monologue' as const } };

/** A sends a 2-segment message; checkpoint 1 is confirmed; the connection is lost; A's recovering connect reaches B. */
function interruptAfterFirstCheckpoint(machine: MtaMachine) {
  const config = systemConfig(machine, monologue);
  const system = Object.assign(createSystem(config), { sent: { A: [] as string[] } });
  system.mtas.A.on('send', ({ pdu }) => system.sent.A.push(pdu.kind === 'DT' ? `DT ${pdu.fromKB}-${pdu.toKB}` : pdu.kind));
  system.drain();
  system.dispatch({ type: 'local.limit', at: 'B', ...limitOnOpen });
  system.drain();
  expect(system.mtas.B.getSnapshot().context.original).toEqual({ checkpointSize: 1, windowSize: 2, dialogueMode: 'monologue' }); // B lowered 2 to 1

  system.dispatch({ type: 'user.submit', at: 'A' });
  for (let i = 0; i < 3; i++) system.dispatch({ type: 'net.deliver', to: 'B' }); // AS, DT 0-1, MIP 1
  system.dispatch({ type: 'net.deliver', to: 'A' }); // MIA 1: checkpoint 1 (the first KB) confirmed at A
  expect(system.mtas.A.getSnapshot().context.confirmedKB).toBe(1);

  system.dispatch({ type: 'net.lose' });
  system.drain();
  expect(view(system).A.phase).toBe('recovering');
  expect(view(system).B.phase).toBe('answering');
  expect(system.mtas.B.getSnapshot().context.request?.checkpointSize).toBe(2); // A proposes the same size again
  return system;
}

describe('KB Q187929 in unpatched, monologue', () => {
  test('B answers the recovery from its current limit; A cannot reconnect; the timer restarts the transfer and sends confirmed data again', () => {
    const system = interruptAfterFirstCheckpoint(variants.unpatched);

    // Attempt 1: B's limit is now 2 KB, and it answers like a fresh open: 2 KB, not the original 1 KB.
    system.dispatch({ type: 'local.limit', at: 'B', ...limitOnRecovery });
    expect(system.mtas.B.getSnapshot().context.agreed?.checkpointSize).toBe(2);
    expect(system.mtas.B.getSnapshot().context.original?.checkpointSize).toBe(1);
    system.drain(); // A refuses the answer by releasing the connection, and tries again
    expect(system.sent.A.slice(-1)).toEqual(['RTORQ']);
    expect(system.mtas.A.getSnapshot().context.recoveryAttemptsUsed).toBe(2);

    // Attempt 2: the same again; A has no attempt left and waits for the recovery timeout.
    system.dispatch({ type: 'local.limit', at: 'B', ...limitOnRecovery });
    system.drain();
    expect(view(system).A.phase).toBe('awaitingRecovery');
    expect(view(system).B.phase).toBe('awaitingRecovery');
    expect(view(system).B.delivered).toEqual([]);

    // The timeout drops the checkpoint data; a new association; the message starts again from its first KB.
    const sentBefore = system.sent.A.length;
    expect(system.dispatch({ type: 'timer.recovery', at: 'A' })).toBe(true);
    system.drain();
    system.dispatch({ type: 'local.limit', at: 'B', ...limitOnOpen });
    system.drain();
    expect(system.sent.A.slice(sentBefore)).toEqual(['RTORQ', 'AS', 'DT 0-1', 'MIP', 'DT 1-2', 'MIP', 'AE']);
    expect(system.mtas.A.getSnapshot().context.resentConfirmedData).toBe(true);
    const state = view(system);
    expect(state.A.connectionId).toBe(2);
    expect(state.B.delivered).toEqual([1]);
    expect(state.A.queue).toBe(0);
  });

  test('with the same limit as on the original connection, the unpatched recovery succeeds: the bug needs the limit to change', () => {
    const system = interruptAfterFirstCheckpoint(variants.unpatched);
    system.dispatch({ type: 'local.limit', at: 'B', ...limitOnOpen });
    system.drain();
    expect(view(system).A.phase).toBe('open');
    expect(view(system).B.delivered).toEqual([1]);
    expect(system.mtas.A.getSnapshot().context.resentConfirmedData).toBe(false);
  });
});

describe.each(['checkpoint-fix', 'patched'] as const)('KB Q187929 narrative in %s', (variant) => {
  test('B answers the recovery with the original sizes whatever its current limit, and A resumes after the confirmed checkpoint', () => {
    const system = interruptAfterFirstCheckpoint(variants[variant]);
    system.dispatch({ type: 'local.limit', at: 'B', ...limitOnRecovery });
    expect(system.mtas.B.getSnapshot().context.agreed).toEqual(system.mtas.B.getSnapshot().context.original);
    const sentBefore = system.sent.A.length;
    system.drain();
    expect(system.sent.A.slice(sentBefore)).toEqual(['AR', 'DT 1-2', 'MIP', 'AE']);
    const state = view(system);
    expect(state.A.phase).toBe('open');
    expect(state.B.delivered).toEqual([1]);
    expect(state.A.queue).toBe(0);
    expect(state.A.connectionId).toBe(1);
    expect(system.mtas.A.getSnapshot().context.resentConfirmedData).toBe(false);
  });
});

describe('what happens if the recovering MTA does not check the answer', () => {
  test('it resumes at checkpoint 1 of the new size, 2 KB into the message, and B delivers a message with a gap', () => {
    // The seeded fault caller-adopts-changed-recovery-answer (machines/harness/mutants.ts), on turn-fix.
    const careless = variants['turn-fix'].provide({ guards: { isOriginalAgreement: () => true } });
    const system = interruptAfterFirstCheckpoint(careless);
    system.dispatch({ type: 'local.limit', at: 'B', ...limitOnRecovery });
    system.drain();
    expect(system.sent.A.slice(-2)).toEqual(['AR', 'AE']); // after checkpoint 1 of 2 KB nothing is left to send
    expect(view(system).B.delivered).toEqual([1]);
    expect(system.mtas.B.getSnapshot().context.deliveredDamaged).toBe(true);
  });
});
