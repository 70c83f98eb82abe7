// Bad configuration given as `input` fails fast, naming the field.

import { describe, expect, test } from 'vitest';
import { createActor } from 'xstate';
import { InvalidInputError } from '../machines/mta.input';
import { mtaMachine } from '../machines/mta.machine';
import { createSystem } from '../machines/system';
import { variants } from '../machines/variants';
import { mtaConfig, systemConfig } from './fixtures';

const badFields: [string, Record<string, unknown>, string][] = [
  ['a negative checkpoint size', { checkpointSize: -1 }, 'checkpointSize'],
  ['a fractional checkpoint size', { checkpointSize: 1.5 }, 'checkpointSize'],
  ['window 0', { windowSize: 0 }, 'windowSize'],
  ['a threshold below 1', { messageThreshold: 0 }, 'messageThreshold'],
  ['an unknown dialogue mode', { dialogueMode: 'duplex' }, 'dialogueMode'],
  ['no recovery attempts', { recoveryAttempts: 0 }, 'recoveryAttempts'],
  ['a message size of 0', { messageSize: 0 }, 'messageSize'],
  ['a window given as text', { windowSize: '2' }, 'windowSize'],
  ['a missing field', { messageSize: undefined }, 'messageSize'],
];

describe('bad MTA configuration', () => {
  test.each(badFields)('%s fails at once when the system is created, naming the field', (_, override, field) => {
    for (const side of ['a', 'b'] as const) {
      const config = systemConfig(variants.patched, { [side]: override });
      let error: unknown;
      try {
        createSystem(config);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe(field);
      expect((error as Error).message).toContain(field);
    }
  });

  test.each(badFields)('%s puts a bare actor in the error state, naming the field', (_, override, field) => {
    const actor = createActor(mtaMachine, { input: { ...mtaConfig, role: 'initiator', ...override } as never });
    const errors: unknown[] = [];
    actor.subscribe({ error: (error) => errors.push(error) });
    actor.start();
    expect(actor.getSnapshot().status).toBe('error');
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as Error).message)).toContain(field);
  });

  test('an unknown role is refused', () => {
    const actor = createActor(mtaMachine, { input: { ...mtaConfig, role: 'observer' } as never });
    actor.subscribe({ error: () => {} });
    actor.start();
    expect(String((actor.getSnapshot() as { error?: Error }).error?.message)).toMatch(/role must be one of initiator \| responder/);
  });

  test('a valid configuration starts', () => {
    const system = createSystem(systemConfig(variants.patched));
    expect(system.mtas.A.getSnapshot().status).toBe('active');
    expect(system.channel.getSnapshot().value).toBe('up'); // A's RTORQ is on its way
  });
});
