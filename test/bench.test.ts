// The bench command end to end on two small rungs: it runs, and its JSON has the figures the
// README names, each measured (not assumed). No figure is compared with a time:
// the machines are shared and noisy.

import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { spinAvailable } from '../explore/cli/spin';
import { cli } from './run-cli';

test('npm run bench -- --json prints every figure, measured on every rung', async () => {
  const { code, stdout, stderr } = await cli('bench', '--suite', 'test/bench-suite.ts', '--json');
  expect(stderr).toContain('fast engine');
  expect(code).toBe(0);
  const report = JSON.parse(stdout);
  for (const field of ['statesPerSecond', 'bytesPerState', 'largestStates', 'largestPeakRssMB', 'vsSpin', 'vsXstateGraph']) {
    expect(report).toHaveProperty(field);
  }
  // The second rung is patched · monologue at the default bounds (machines/harness/expected-outcomes.json).
  const manifest = JSON.parse(readFileSync('machines/harness/expected-outcomes.json', 'utf8')) as { runs: Record<string, { states: number }> };
  const states = manifest.runs['patched · monologue']!.states;
  expect(report.rungs.map((r: { ours: { states: number } }) => r.ours.states)[1]).toBe(states);
  expect(report.largestStates).toBe(states);
  expect(report.bytesPerState).toBeGreaterThan(0);
  expect(report.largestPeakRssMB).toBeGreaterThan(0);
  expect(report.rungs[0].xstateGraph.states).toBe(report.rungs[0].ours.states);
  expect(report.vsXstateGraph).toBeGreaterThan(0);
  expect(report.provenance).toMatchObject({ xstateVersion: expect.stringMatching(/^\d/), node: process.version });
  expect(typeof report.elapsedSeconds).toBe('number');
  if (spinAvailable()) {
    for (const rung of report.rungs) expect(rung.spin.states).toBe(rung.ours.states);
    // pan may be too quick to time on rungs this small (it reports hundredths of a second).
    if (report.vsSpin !== null) expect(report.vsSpin).toBeGreaterThan(0);
  } else {
    expect(report.vsSpin).toBeNull();
  }
}, 120_000);
