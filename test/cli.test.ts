// The command line as a user meets it: exit codes, limits that never say "verified", and
// byte-identical reruns. Bad input is in bad-input.test.ts.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { check, verify } from './run-cli';

describe('verdicts and exit codes', () => {
  test('check exits 0 when every property holds, and says how big the search was', async () => {
    const { code, stdout, stderr } = await check('--variant', 'patched', '--mode', 'monologue');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\| a recovery succeeds while the connection stays up \| pass \|/);
    const manifest = JSON.parse(readFileSync('machines/harness/expected-outcomes.json', 'utf8')) as { runs: Record<string, { states: number }> };
    expect(stderr).toMatch(new RegExp(`patched · monologue\\s+${manifest.runs['patched · monologue']!.states} states`));
  });

  test('check exits 1 on a violation and prints the counterexample', async () => {
    const { code, stdout } = await check('--variant', 'unpatched', '--mode', 'monologue');
    expect(code).toBe(1);
    expect(stdout).toMatch(/“a recovery succeeds while the connection stays up” fails \(\d+ steps\)/);
    expect(stdout).toContain('```mermaid');
  });

  test.each(['drop', 'duplicate', 'reorder'])('check --faults %s completes with a verdict, the fault in its bounds table', async (fault) => {
    const { code, stdout } = await check('--variant', 'patched', '--mode', 'monologue', '--faults', fault, '--json');
    expect([0, 1]).toContain(code);
    const result = JSON.parse(stdout) as { runs: { bounds: Record<string, unknown>; statistics: { complete: boolean } }[] };
    expect(result.runs[0]!.bounds.faults).toEqual([fault]);
    expect(result.runs[0]!.bounds.maxFaults).toBe(1);
    expect(result.runs[0]!.statistics.complete).toBe(true);
  });

  test('a state limit is inconclusive (exit 3), never verified', async () => {
    const { code, stdout } = await check('--variant', 'patched', '--mode', 'monologue', '--max-states', '50', '--json');
    expect(code).toBe(3);
    const result = JSON.parse(stdout) as { runs: { statistics: { complete: boolean }; properties: { verdict: string }[] }[] };
    expect(result.runs[0]!.statistics.complete).toBe(false);
    expect(result.runs[0]!.properties.map((p) => p.verdict)).not.toContain('pass');
  });

  test('a memory limit is inconclusive (exit 3), with the statistics so far', async () => {
    const { code, stdout, stderr } = await check('--variant', 'patched', '--max-memory', '1');
    expect(code).toBe(3);
    expect(stderr).toMatch(/inconclusive: the search stopped early \(memory limit\)/);
    expect(stderr).toMatch(/patched · twa\s+\d+ states/);
    expect(stdout).not.toMatch(/\| pass \|/);
  });

  test('SIGINT stops the search: inconclusive, exit 130, with the statistics so far', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'explore/cli/cli.ts', 'check', '--suite', 'machines/harness/suite.ts', '--variant', 'unpatched', '--losses', '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once the search reports progress (it runs for minutes at these bounds).
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/frontier/.test(stderr)) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/inconclusive: the search stopped early \(interrupted\)/);
    expect(stderr).toMatch(/unpatched · twa\s+\d+ states/);
    expect(stdout).toMatch(/incomplete \(stopped early: interrupted\)/);
  }, 60_000);

  test('verify with a state limit is inconclusive too', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verify-'));
    const { code, stdout } = await verify('--out', out, '--max-states', '100');
    expect(code).toBe(3);
    expect(stdout).toMatch(/inconclusive: a limit stopped .*\(state limit\)/);
  });
});

describe('determinism', () => {
  test('two verify runs write byte-identical results, equal to the committed ones', async () => {
    const outs = [mkdtempSync(join(tmpdir(), 'verify-')), mkdtempSync(join(tmpdir(), 'verify-'))];
    const runs = await Promise.all(outs.map((out) => verify('--out', out)));
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const files = readdirSync(outs[0]!, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(outs[0]!.length + 1))
      .sort();
    expect(files).toContain('report.html');
    expect(files).toContain(join('machines', 'mta.svg'));
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const first = readFileSync(join(outs[0]!, file), 'utf8');
      expect(readFileSync(join(outs[1]!, file), 'utf8')).toBe(first);
      expect(readFileSync(join('results', file), 'utf8')).toBe(first);
    }
  }, 180_000);
});
