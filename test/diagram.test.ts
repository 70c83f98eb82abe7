// The chart pictures in results/machines/ show every state and every transition of the charts
// (eventless ones included), and are drawn from the definitions, not by hand.

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { chartTransitions } from '../explore/check/coverage';
import { and, not } from 'xstate';
import { guardText, toDot, toMermaid, toSvg } from '../explore/report/diagram';
import { channelMachine } from '../machines/channel.machine';
import { mtaMachine } from '../machines/mta.machine';

function stateIds(machine: AnyStateMachine): string[] {
  const ids: string[] = [];
  const walk = (node: AnyStateNode) => {
    ids.push(node.id);
    Object.values(node.states).forEach(walk);
  };
  walk(machine.root);
  return ids;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe.each([
  ['mta', mtaMachine],
  ['channel', channelMachine],
] as const)('results/machines/%s.svg', (name, machine) => {
  const svg = readFileSync(`results/machines/${name}.svg`, 'utf8');

  test('has every state of the chart', () => {
    const missing = stateIds(machine).filter((id) => !svg.includes(`id="s:${escapeXml(id)}"`));
    expect(missing).toEqual([]);
  });

  test('has every transition of the chart, eventless ones included', () => {
    const transitions = chartTransitions(machine);
    expect(transitions.some((t) => t.id.includes('(always)'))).toBe(name === 'mta');
    const missing = transitions.map((t) => t.id).filter((id) => !svg.includes(`id="t:${escapeXml(id)}"`));
    expect(missing).toEqual([]);
  });

  test('is what the definition draws now (the committed file is not stale)', async () => {
    expect(await toSvg(machine)).toBe(svg);
    expect(toDot(machine)).toBe(readFileSync(`results/machines/${name}.dot`, 'utf8'));
    expect(toMermaid(machine)).toBe(readFileSync(`results/machines/${name}.mmd`, 'utf8'));
  });
});

test('a missing transition would be noticed: the SVG ids are exactly the chart transitions', async () => {
  const svg = await toSvg(mtaMachine);
  const drawn = new Set([...svg.matchAll(/id="t:([^"]*?)(?::\d+)?"/g)].map((m) => m[1]!.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&')));
  expect([...drawn].sort()).toEqual(chartTransitions(mtaMachine).map((t) => t.id).sort());
});

test('guards read as names and combinations', () => {
  expect(guardText('isInitiator')).toBe('isInitiator');
  expect(guardText(and(['isTwoWayAlternate', not('isAssociationReady')]))).toBe('and(isTwoWayAlternate, !isAssociationReady)');
  // The chart names its composite guards, so the drawing shows the names.
  expect(toDot(mtaMachine)).toContain('[shouldAskForTurn]');
});
