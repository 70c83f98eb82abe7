// Shared configurations and helpers for the scenario and unit tests.

import type { Pdu } from '../machines/pdu';
import { describePdu } from '../machines/pdu';
import { createSystem, phaseOf, queueLengthOf, turnOf, type EnvironmentEvent, type MtaConfig, type RunningSystem, type SystemConfig } from '../machines/system';
import type { MtaMachine } from '../machines/mta.machine';

/** Both MTAs propose checkpoint 2 KB, window 2, in every connect they send; messages are 2 KB. */
export const mtaConfig: MtaConfig = {
  checkpointSize: 2,
  windowSize: 2,
  dialogueMode: 'twa',
  messageThreshold: 3,
  recoveryAttempts: 2,
  messageSize: 2,
  maxThresholdAssociations: 1,
  turnPleaseRepeats: 0,
  unaskedGivesPerConnection: 0,
};

/** The acceptor's local limit the scenarios use unless they say otherwise: it lowers 2 KB to 1 KB, so a message has 2 segments. */
export const lowLimit = { checkpointSize: 1, windowSize: 2 } as const;

/** Both MTAs run `machine` (a variant's chart, or a seeded fault's), configured as above unless `overrides` say otherwise. */
export function systemConfig(machine: MtaMachine, overrides: { a?: Partial<MtaConfig>; b?: Partial<MtaConfig>; maxLosses?: number } = {}): SystemConfig {
  return {
    machine,
    a: { ...mtaConfig, ...overrides.a },
    b: { ...mtaConfig, ...overrides.b },
    channel: { capacity: 8, maxLosses: overrides.maxLosses ?? 1 },
  };
}

/** A running system that also records every PDU each MTA sent, as protocol labels. */
export function startSystem(config: SystemConfig): RunningSystem & { sent: { A: string[]; B: string[] }; sentPdus: { A: Pdu[]; B: Pdu[] } } {
  const system = createSystem(config);
  const sent = { A: [] as string[], B: [] as string[] };
  const sentPdus = { A: [] as Pdu[], B: [] as Pdu[] };
  // Listeners added after start miss A's first RTORQ; it is always RTORQ(open).
  for (const side of ['A', 'B'] as const) {
    system.mtas[side].on('send', ({ pdu }) => {
      sent[side].push(describePdu(pdu));
      sentPdus[side].push(pdu);
    });
  }
  return Object.assign(system, { sent, sentPdus });
}

export function view(system: RunningSystem) {
  const a = system.mtas.A.getSnapshot();
  const b = system.mtas.B.getSnapshot();
  const channel = system.channel.getSnapshot();
  return {
    A: { phase: phaseOf(a), turn: turnOf(a), queue: queueLengthOf(a), delivered: a.context.delivered, connectionId: a.context.connectionId },
    B: { phase: phaseOf(b), turn: turnOf(b), queue: queueLengthOf(b), delivered: b.context.delivered, connectionId: b.context.connectionId },
    inFlight: { toA: channel.context.toA.map(describePdu), toB: channel.context.toB.map(describePdu) },
    channel: channel.value,
  };
}

/** The MTA that is answering a connect, if any. */
export function answeringSide(system: RunningSystem): 'A' | 'B' | null {
  return (['A', 'B'] as const).find((side) => phaseOf(system.mtas[side].getSnapshot()) === 'answering') ?? null;
}

/** Drains the channel, answering every connect with this local limit, until nothing more happens. */
export function settle(system: RunningSystem, limit: { checkpointSize: number; windowSize: number } = lowLimit): void {
  for (;;) {
    system.drain();
    const side = answeringSide(system);
    if (side === null) return;
    system.dispatch({ type: 'local.limit', at: side, ...limit });
  }
}

/** Every environment event the scenarios can offer, with the acceptor's limits over a small grid. */
export function everyEnvironmentEvent(): EnvironmentEvent[] {
  const events: EnvironmentEvent[] = [{ type: 'net.lose' }];
  for (const side of ['A', 'B'] as const) {
    events.push(
      { type: 'user.submit', at: side },
      { type: 'timer.recovery', at: side },
      { type: 'queue.threshold', at: side },
      { type: 'turn.askAgain', at: side },
      { type: 'turn.giveUnasked', at: side },
      { type: 'net.deliver', to: side },
      { type: 'net.notice', to: side },
      { type: 'net.drop', to: side },
      { type: 'net.duplicate', to: side },
      { type: 'net.reorder', to: side },
    );
    for (let checkpointSize = 0; checkpointSize <= 3; checkpointSize++) {
      for (let windowSize = 1; windowSize <= 3; windowSize++) {
        events.push({ type: 'local.limit', at: side, checkpointSize, windowSize });
      }
    }
  }
  return events;
}

/** The environment events that would change the system now (each tried on a fresh replay, never on `system`). */
export function enabledEvents(replay: () => RunningSystem): EnvironmentEvent[] {
  return everyEnvironmentEvent().filter((event) => {
    const probe = replay();
    const changed = probe.dispatch(event);
    probe.stop();
    return changed;
  });
}
