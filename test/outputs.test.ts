// Results are written all or nothing: a run cut short by a limit or a signal writes nothing, a
// results location that cannot be written is found before exploring (exit 4), and a write that
// fails or is interrupted midway puts every file back. Write failures are injected through
// EXPLORE_INJECT_WRITE_FAULT (CI runs as root, where file modes do not stop writes).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { interruption } from '../explore/check/pipeline';
import { OutputError, publish, PublishInterrupted } from '../explore/cli/publish';
import { cli, cliWithEnv, verify } from './run-cli';

function committedOutputs(): string {
  const files = ['README.md', 'machines/harness/expected-outcomes.json', ...readdirSync('results', { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))];
  return files.sort().map((f) => `${f} ${createHash('sha256').update(readFileSync(f)).digest('hex')}`).join('\n');
}

const fresh = (name: string) => mkdtempSync(join(tmpdir(), `outputs-${name}-`));

describe('the command line', () => {
  test('verify cut short by a state limit exits 3 and writes nothing, with --update-expected too', async () => {
    const before = committedOutputs();
    for (const extra of [[], ['--update-expected']]) {
      const { code, stdout } = await verify('--max-states', '100', ...extra);
      expect(code).toBe(3);
      expect(stdout).toMatch(/inconclusive: a limit stopped .*nothing written/);
      expect(committedOutputs()).toBe(before);
    }
  }, 120_000);

  test('a file in place of a results folder: exit 4 before exploring, one line, nothing written', async () => {
    const out = fresh('file-in-place');
    writeFileSync(join(out, 'machines'), 'not a folder');
    const { code, stdout, stderr } = await verify('--out', out);
    expect(code).toBe(4);
    expect(stdout).toBe(''); // not a single run was explored
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/is a file, not a folder; move it away; nothing was changed/);
    expect(readdirSync(out)).toEqual(['machines']);
  });

  test.each([
    ['verify', 'readonly', /EROFS: read-only file system/],
    ['verify', 'full', /ENOSPC: no space left on device/],
    ['mutants', 'readonly', /EROFS/],
    ['sweep', 'full', /ENOSPC/],
  ] as const)('%s into a %s results folder (injected): exit 4 before exploring, one line, nothing written', async (command, fault, reason) => {
    const out = fresh(fault);
    const { code, stdout, stderr } = await cliWithEnv({ EXPLORE_INJECT_WRITE_FAULT: fault }, command, '--suite', 'machines/harness/suite.ts', '--out', out);
    expect(code).toBe(4);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot write .*; nothing was changed$/);
    expect(lines[0]).toMatch(reason);
    expect(readdirSync(out)).toEqual([]);
  });

  test('an internal error exits 4 with one line and no stack trace (--debug shows it)', async () => {
    const dir = fresh('suite');
    const suitePath = join(dir, 'throwing-suite.ts');
    writeFileSync(
      suitePath,
      `import { suite as real } from ${JSON.stringify(join(process.cwd(), 'machines/harness/suite.ts'))};\nexport const suite = { ...real, verifyRuns: () => { throw new TypeError('the suite broke'); } };\n`,
    );
    const plain = await cli('verify', '--suite', suitePath, '--out', dir);
    expect(plain.code).toBe(4);
    expect(plain.stderr.trim().split('\n')).toEqual(['verify: internal error: the suite broke (run again with --debug for the stack)']);
    const debug = await cli('verify', '--suite', suitePath, '--out', dir, '--debug');
    expect(debug.code).toBe(4);
    expect(debug.stderr).toMatch(/at .*throwing-suite\.ts/);
  });

  test('a FAIL found inside a cut run, where the manifest expects a pass, is a violation (exit 1), and nothing is written', async () => {
    const dir = fresh('cut-fail');
    const manifest = JSON.parse(readFileSync('machines/harness/expected-outcomes.json', 'utf8')) as { runs: Record<string, { verdicts: Record<string, string> }> };
    manifest.runs['unpatched · monologue']!.verdicts['recovery keeps the negotiated checkpoint size'] = 'pass';
    writeFileSync(join(dir, 'expected.json'), JSON.stringify(manifest));
    const suitePath = join(dir, 'suite.ts');
    writeFileSync(suitePath, `import { suite as real } from ${JSON.stringify(join(process.cwd(), 'machines/harness/suite.ts'))};\nexport const suite = { ...real, expectedPath: ${JSON.stringify(join(dir, 'expected.json'))} };\n`);
    const { code, stdout } = await cli('verify', '--suite', suitePath, '--out', dir, '--max-states', '1000');
    expect(code).toBe(1);
    expect(stdout).toMatch(/unpatched · monologue: "recovery keeps the negotiated checkpoint size" expected pass, got FAIL within the limit/);
    expect(readdirSync(dir).sort()).toEqual(['expected.json', 'suite.ts']);
  }, 60_000);

  test.each([
    ['SIGINT', 'sweep', 130],
    ['SIGTERM', 'sweep', 143],
    ['SIGINT', 'verify', 130],
    ['SIGTERM', 'mutants', 143],
  ] as const)('%s during %s: exit %i, nothing written', async (signal, command, expected) => {
    const out = fresh(`signal-${command}`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'explore/cli/cli.ts', command, '--suite', 'machines/harness/suite.ts', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', () => {});
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Long enough to be inside the runs (the sweep's first rows, verify's first runs).
    await new Promise((resolve) => setTimeout(resolve, 5000));
    child.kill(signal);
    expect(await exited).toBe(expected);
    expect(stderr).toMatch(new RegExp(`${signal}: interrupted; inconclusive, nothing written`));
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);
});

describe('publish: all or nothing', () => {
  afterEach(() => {
    delete process.env.EXPLORE_INJECT_WRITE_FAULT;
    interruption.signal = null;
  });

  /** A folder with two files written before, and a third file to add in a new subfolder. */
  function setUp() {
    const dir = fresh('publish');
    writeFileSync(join(dir, 'a.md'), 'old a');
    writeFileSync(join(dir, 'b.md'), 'old b');
    const files = new Map([
      [join(dir, 'a.md'), 'new a'],
      [join(dir, 'b.md'), 'new b'],
      [join(dir, 'sub', 'c.md'), 'new c'],
    ]);
    const contents = () => readdirSync(dir, { recursive: true }).sort().map((f) => `${f}: ${existsSync(join(dir, String(f))) && !String(f).endsWith('sub') ? readFileSync(join(dir, String(f)), 'utf8') : ''}`);
    return { dir, files, contents };
  }

  test('writes every file', async () => {
    const { files, contents } = setUp();
    await publish(files);
    expect(contents()).toEqual(['a.md: new a', 'b.md: new b', 'sub: ', 'sub/c.md: new c']);
  });

  test.each(['full-midway', 'rename'])('a write that fails midway (%s) puts everything back, with no temporary file', async (fault) => {
    const { files, contents } = setUp();
    const before = contents();
    process.env.EXPLORE_INJECT_WRITE_FAULT = fault;
    await expect(publish(files)).rejects.toThrow(OutputError);
    expect(contents()).toEqual(before);
  });

  test('a signal during the writes puts everything back', async () => {
    const { files, contents } = setUp();
    const before = contents();
    interruption.signal = 'SIGTERM';
    await expect(publish(files)).rejects.toThrow(PublishInterrupted);
    expect(contents()).toEqual(before);
  });
});
