// The command line as a user meets it: exit codes, one-line errors for bad input, nothing
// written on bad input, limits that never say "verified", and byte-identical reruns.

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'explore/cli.ts', ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const check = (...args: string[]) => cli('check', '--suite', 'machines/suite.ts', ...args);
const verify = (...args: string[]) => cli('verify', '--suite', 'machines/suite.ts', ...args);

describe('bad input: exit 2, one line naming the problem, nothing written', () => {
  test.each([
    [['--messages', '-1'], /--messages must be a whole number from 0 to 6 \(got -1\)/],
    [['--variant', 'nope'], /--variant must be one of unpatched, turn-fix, checkpoint-fix, patched \(got "nope"\)/],
    [['--bogus'], /unknown option --bogus/],
    [['--messages'], /--messages needs a value/],
    [['--messages', 'two'], /--messages must be a whole number/],
    [['--losses', '99'], /--losses must be a whole number from 0 to 4/],
    [['--mode', 'monologue', '--messages', '0'], /nothing to verify/],
    [['--max-states', '0'], /--max-states must be a whole number from 1/],
    [['--json=yes'], /--json takes no value/],
    [['--variant', 'patched', '--variant', 'unpatched'], /--variant is given twice/],
    [['stray'], /unexpected argument "stray"/],
  ])('check %j', async (args, message) => {
    const { code, stdout, stderr } = await check(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  test('no --suite, an unknown command, a missing suite module', async () => {
    expect((await cli('check')).stderr).toMatch(/--suite <module> is required/);
    expect((await cli('prove', '--suite', 'machines/suite.ts')).stderr).toMatch(/unknown command "prove"/);
    const missing = await cli('check', '--suite', 'machines/nope.ts');
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'check: suite module machines/nope.ts not found']);
  });

  test('verify with a bad option writes nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verify-'));
    const { code, stderr } = await verify('--out', out, '--variant', 'patched');
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/unknown option --variant for verify/);
    expect(readdirSync(out)).toEqual([]);
    expect((await verify('--out', join(out, 'missing'))).code).toBe(2);
  });
});

describe('verdicts and exit codes', () => {
  test('check exits 0 when every property holds, and says how big the search was', async () => {
    const { code, stdout, stderr } = await check('--variant', 'patched', '--mode', 'monologue');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\| recovery keeps the negotiated checkpoint size \| pass \|/);
    expect(stderr).toMatch(/patched · monologue\s+510 states/);
  });

  test('check exits 1 on a violation and prints the counterexample', async () => {
    const { code, stdout } = await check('--variant', 'unpatched', '--mode', 'monologue');
    expect(code).toBe(1);
    expect(stdout).toMatch(/“recovery keeps the negotiated checkpoint size” fails \(7 steps\)/);
    expect(stdout).toContain('```mermaid');
  });

  test('a state limit is inconclusive (exit 3), never verified', async () => {
    const { code, stdout } = await check('--variant', 'patched', '--mode', 'monologue', '--max-states', '50', '--json');
    expect(code).toBe(3);
    const result = JSON.parse(stdout) as { runs: { statistics: { complete: boolean }; properties: { verdict: string }[] }[] };
    expect(result.runs[0]!.statistics.complete).toBe(false);
    expect(result.runs[0]!.properties.map((p) => p.verdict)).not.toContain('pass');
  });

  test('verify with a state limit is inconclusive too', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verify-'));
    const { code, stdout } = await verify('--out', out, '--max-states', '100');
    expect(code).toBe(3);
    expect(stdout).toMatch(/inconclusive: the state limit stopped/);
  });
});

describe('determinism', () => {
  test('two verify runs write byte-identical results, equal to the committed ones', async () => {
    const outs = [mkdtempSync(join(tmpdir(), 'verify-')), mkdtempSync(join(tmpdir(), 'verify-'))];
    const runs = await Promise.all(outs.map((out) => verify('--out', out)));
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const files = readdirSync(outs[0]!).sort();
    expect(files).toEqual(readdirSync('results').sort());
    for (const file of files) {
      const first = readFileSync(join(outs[0]!, file), 'utf8');
      expect(readFileSync(join(outs[1]!, file), 'utf8')).toBe(first);
      expect(readFileSync(join('results', file), 'utf8')).toBe(first);
    }
  }, 180_000);
});
