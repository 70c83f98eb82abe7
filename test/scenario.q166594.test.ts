// KB Q166594, "messages not being delivered over the first association", driven through real
// actors: A gives the Turn, the connection is lost while the GTC is in flight, A recovers and
// asks for the Turn back, and B ignores the Turn-Please.

import { describe, expect, test } from 'vitest';
import { variants, type VariantName } from '../machines/variants';
import { enabledEvents, lowLimit, settle, startSystem, systemConfig, view } from './fixtures';

/** Opens the association, lets B ask for the Turn, has A give it, and loses the connection with the GTC in flight. */
function loseTheTurnInFlight(variant: VariantName) {
  const system = startSystem(systemConfig(variants[variant]));
  settle(system); // RTORQ / RTOAC: A holds the Turn (token setting: the caller's side)
  expect(view(system).A.turn).toBe('holding');

  system.dispatch({ type: 'user.submit', at: 'B' }); // B has mail: it sends PT
  expect(view(system).inFlight.toA).toEqual(['PT(prio 0)']);
  system.dispatch({ type: 'net.deliver', to: 'A' }); // A has no activity open: it gives the Turn at once
  expect(view(system).A.turn).toBe('giving');
  expect(view(system).inFlight.toB).toEqual(['GTC']);

  system.dispatch({ type: 'user.submit', at: 'A' }); // A has mail again, but has given the Turn away
  expect(system.dispatch({ type: 'net.lose' })).toBe(true); // the GTC is lost with the connection
  expect(view(system).inFlight).toEqual({ toA: [], toB: [] });
  return system;
}

/**
 * ... then A, the initiator with a backlog, recovers: its recovering connect reaches B before B
 * has seen the loss, B takes it over and answers with the original sizes; everything in flight
 * is delivered.
 */
function recoverAfterTheLoss(variant: VariantName) {
  const system = loseTheTurnInFlight(variant);
  system.dispatch({ type: 'net.notice', to: 'A' });
  expect(view(system).A.phase).toBe('recovering');
  system.dispatch({ type: 'net.deliver', to: 'B' });
  expect(view(system).B.phase).toBe('answering');
  expect(system.dispatch({ type: 'local.limit', at: 'B', ...lowLimit })).toBe(true);
  settle(system);
  return system;
}

describe('KB Q166594 in unpatched, two-way alternate', () => {
  test('after recovery both sides believe the other holds the Turn, and the Turn-Please is ignored', () => {
    const system = recoverAfterTheLoss('unpatched');
    expect(system.sent.A).toContain('RTORQ(recover 1, ckpt 2, win 2, twa, turn caller)');
    expect(system.sent.A.at(-1)).toBe('PT(prio 0)'); // A asks for the Turn back ...
    expect(system.sent.B.at(-1)).toBe('PT(prio 0)'); // ... and so does B; each ignores the other's
    const state = view(system);
    expect(state.A.phase).toBe('open');
    expect(state.B.phase).toBe('open');
    expect(state.A.turn).toBe('asking');
    expect(state.B.turn).toBe('asking');
    expect(state.A.queue).toBe(1);
    expect(state.B.queue).toBe(1);
    expect(state.inFlight).toEqual({ toA: [], toB: [] });
  });

  test('nothing but a submission can change that state while the queue is below the threshold', () => {
    expect(enabledEvents(() => recoverAfterTheLoss('unpatched'))).toEqual([
      { type: 'user.submit', at: 'A' },
      { type: 'user.submit', at: 'B' },
    ]);
  });

  test('with the queue at the threshold, the threshold association delivers every message', () => {
    const system = recoverAfterTheLoss('unpatched');
    system.dispatch({ type: 'user.submit', at: 'A' });
    expect(system.dispatch({ type: 'queue.threshold', at: 'A' })).toBe(false); // queue 2 < T = 3
    system.dispatch({ type: 'user.submit', at: 'A' });
    expect(view(system).A.queue).toBe(3);
    expect(system.dispatch({ type: 'queue.threshold', at: 'A' })).toBe(true);
    expect(view(system).A.phase).toBe('opening');
    settle(system);
    const state = view(system);
    expect(state.A.connectionId).toBe(2);
    expect(state.B.delivered).toEqual([1, 2, 3]);
    expect(state.A.delivered).toEqual([1]);
    expect(state.A.queue).toBe(0);
    expect(state.B.queue).toBe(0);
    expect(state.inFlight).toEqual({ toA: [], toB: [] });
  });
});

describe.each(['turn-fix', 'patched'] as const)('KB Q166594 narrative in %s', (variant) => {
  test('after recovery exactly one side holds the Turn', () => {
    const system = recoverAfterTheLoss(variant);
    // The recovery connect names the caller's side (A); both take the Turn from it.
    const holders = (['A', 'B'] as const).filter((side) => system.mtas[side].getSnapshot().matches({ turn: 'holding' }));
    expect(holders).toHaveLength(1);
  });

  test('every message is delivered once, without the threshold association', () => {
    const system = recoverAfterTheLoss(variant);
    const state = view(system);
    expect(state.B.delivered).toEqual([1]);
    expect(state.A.delivered).toEqual([1]);
    expect(state.A.queue).toBe(0);
    expect(state.B.queue).toBe(0);
    expect(state.A.connectionId).toBe(1);
    expect(state.B.connectionId).toBe(1);
    expect(state.inFlight).toEqual({ toA: [], toB: [] });
    // The Turn went A → B after B's Turn-Please, B sent its message, and A got the Turn back the same way.
    expect(system.sent.B).toContain('AS(msg 1)');
    expect(system.sent.A).toContain('AS(msg 1)');
  });
});
