// Rules about the charts themselves: every protocol transition names its source, every guard is
// named, each machine file holds exactly one chart, and the variants are the same chart with
// other guards.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { setup, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { channelMachine } from '../machines/channel.machine';
import { mtaMachine } from '../machines/mta.machine';
import { variantNames, variants } from '../machines/variants';

interface TransitionInfo {
  source: string;
  event: string;
  description: string | undefined;
  guard: unknown;
}

function transitionsOf(machine: AnyStateMachine): TransitionInfo[] {
  const found: TransitionInfo[] = [];
  const walk = (node: AnyStateNode) => {
    for (const [event, definitions] of node.transitions) {
      for (const definition of definitions) found.push({ source: node.id, event, description: definition.description, guard: definition.guard });
    }
    for (const definition of node.always ?? []) found.push({ source: node.id, event: '(always)', description: definition.description, guard: definition.guard });
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return found;
}

/** Internal plumbing, not protocol behaviour: the raised event that lets every region react to a new connection. */
const mechanical = new Set(['mta.association.open.establishing association.established']);

/**
 * A description starts with its source: [S] and a KB article, an X.2xx clause or definition, or
 * an ISODE, PP or Siemens file; or [A] for a modelling assumption. The project's own brief is
 * never a source.
 */
const sourced = /^(\[S\] (KB Q\d{6}|X\.2\d\d|ISODE|Siemens|PP)|\[A\] )/;

function transitionsWithoutSource(machine: AnyStateMachine): string[] {
  return transitionsOf(machine)
    .filter((t) => !mechanical.has(`${t.source} ${t.event}`))
    .filter((t) => !sourced.test(t.description ?? '') || /domain\.md/.test(t.description ?? ''))
    .map((t) => `${t.source} on ${t.event}`);
}

describe.each([
  ['mta', mtaMachine],
  ['channel', channelMachine],
] as const)('the %s chart', (_, machine) => {
  const transitions = transitionsOf(machine);

  test('has transitions to check', () => {
    expect(transitions.length).toBeGreaterThan(5);
  });

  test('every protocol transition has a description citing its source: [S] a KB article, clause or ISODE/PP/Siemens file, or [A] an assumption', () => {
    expect(transitionsWithoutSource(machine)).toEqual([]);
  });

  test('every guard is named, so the visualizer shows its name (composites are named in setup)', () => {
    expect(transitions.filter((t) => t.guard !== undefined && typeof t.guard !== 'string').map((t) => `${t.source} on ${t.event}`)).toEqual([]);
  });
});

test('the description check fails on a transition without a source, a recalled fact, or one citing the brief', () => {
  const bare = setup({}).createMachine({
    id: 'bare',
    on: { ping: {}, recalled: { description: '[R] recalled' }, brief: { description: '[S] KB Q166594 and domain.md' } },
    initial: 'a',
    states: { a: { on: { pong: { description: '[A] ok' }, kb: { description: '[S] KB Q187929: fine' } } } },
  });
  expect(transitionsWithoutSource(bare).sort()).toEqual(['bare on brief', 'bare on ping', 'bare on recalled']);
});

test('no description and no README line cites the brief (domain.md) as a source', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  expect(readme.split('\n').filter((line) => /domain\.md/.test(line))).toEqual([]);
});

describe('one chart per machine file; variants contain no chart', () => {
  const dir = join(import.meta.dirname, '..', 'machines');
  const counts = Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => [file, (readFileSync(join(dir, file), 'utf8').match(/createMachine/g) ?? []).length]),
  );

  test('createMachine appears once in each *.machine.ts file and nowhere else', () => {
    for (const [file, count] of Object.entries(counts)) {
      expect([file, count]).toEqual([file, file.endsWith('.machine.ts') ? 1 : 0]);
    }
    expect(counts['variants.ts']).toBe(0);
  });

  test.each(variantNames)('variant %s is the same chart as mtaMachine with other guard implementations', (name) => {
    const variant = variants[name];
    expect(variant.config).toBe(mtaMachine.config);
    const ids = (machine: AnyStateMachine) => transitionsOf(machine).map((t) => `${t.source} ${t.event}`);
    expect(ids(variant)).toEqual(ids(mtaMachine));
  });

  test('the variants differ exactly in the recovery guards', () => {
    const guardsOf = (name: keyof typeof variants) => {
      const guards = variants[name].implementations.guards as Record<string, unknown>;
      return ['isTurnRederivedOnRecovery', 'isRecoveryBoundByOriginalAgreement'].map((guard) => (guards[guard] as { name: string }).name);
    };
    expect(guardsOf('unpatched')).toEqual(['keepsTurnBeliefFromBeforeTheLoss', 'answersRecoveryLikeAFreshOpen']);
    expect(guardsOf('turn-fix')).toEqual(['isTurnRederivedOnRecovery', 'answersRecoveryLikeAFreshOpen']);
    expect(guardsOf('checkpoint-fix')).toEqual(['keepsTurnBeliefFromBeforeTheLoss', 'isRecoveryBoundByOriginalAgreement']);
    expect(guardsOf('patched')).toEqual(['isTurnRederivedOnRecovery', 'isRecoveryBoundByOriginalAgreement']);
  });
});
