// Bad input, everywhere it can arrive: exit code 2, one line on stderr saying what is wrong and
// how to fix it, nothing on stdout, and nothing written.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { check, cli, replay, verify } from './run-cli';

const scratch = mkdtempSync(join(tmpdir(), 'bad-input-'));
const out = mkdtempSync(join(tmpdir(), 'bad-input-out-'));
const file = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};
const results = JSON.parse(readFileSync('results/unpatched.json', 'utf8')) as {
  group: string;
  runs: { id: string; bounds: Record<string, unknown>; properties: { name: string; counterexample?: { steps: { label: string }[] } }[] }[];
};
const edited = (edit: (copy: typeof results) => void) => {
  const copy = structuredClone(results);
  edit(copy);
  return JSON.stringify(copy);
};
const twaId = 'unpatched · twa';
const twaRun = (copy: typeof results) => copy.runs.find((r) => r.id === twaId)!;
const twaNoDeadlock = (copy: typeof results) => twaRun(copy).properties.find((p) => p.name === 'no deadlock')!.counterexample!;

const cases: [string, () => Promise<{ code: number; stdout: string; stderr: string }>, RegExp][] = [
  // check: flags
  ['check: a negative message count', () => check('--messages', '-1'), /--messages must be a whole number from 0 to 6 \(got -1\)/],
  ['check: an unknown variant', () => check('--variant', 'nope'), /--variant must be one of unpatched, turn-fix, turn-fix-giver, checkpoint-fix, patched \(got "nope"\)/],
  ['check: an unknown flag', () => check('--bogus'), /unknown option --bogus for check; run with --help/],
  ['check: a missing value', () => check('--messages'), /--messages needs a value/],
  ['check: a value that is not a number', () => check('--messages', 'two'), /--messages must be a whole number/],
  ['check: a fraction', () => check('--window', '1.5'), /--window must be a whole number/],
  ['check: an absurdly large bound', () => check('--losses', '99'), /--losses must be a whole number from 0 to 4 \(got 99\)/],
  ['check: a huge number', () => check('--capacity', '99999999999999999999'), /--capacity must be a whole number from 1 to 64/],
  ['check: conflicting bounds (nothing to send)', () => check('--mode', 'monologue', '--messages', '0'), /nothing to verify/],
  ['check: a state limit of 0', () => check('--max-states', '0'), /--max-states must be a whole number from 1/],
  ['check: a memory limit that is not a number', () => check('--max-memory', 'lots'), /--max-memory must be a whole number/],
  ['check: a value for a flag', () => check('--json=yes'), /--json takes no value/],
  ['check: an option given twice', () => check('--variant', 'patched', '--variant', 'unpatched'), /--variant is given twice/],
  ['check: a stray argument', () => check('stray'), /unexpected argument "stray"/],
  ['check: an unknown channel fault', () => check('--faults', 'bogus'), /--faults takes none or a comma-separated list of drop, duplicate, reorder \(got "bogus"\)/],
  ['check: a fault named twice', () => check('--faults', 'drop,drop'), /--faults names a value twice/],
  ['check: an empty limit list', () => check('--acceptor-checkpoints', '1,,2'), /--acceptor-checkpoints takes values separated by commas, with none empty/],
  ['check: a limit out of range', () => check('--acceptor-windows', '0'), /--acceptor-windows must be a whole number from 1 to 4 \(got 0\)/],
  // commands and suites
  ['no --suite', () => cli('check'), /--suite <module> is required/],
  ['an unknown command', () => cli('prove', '--suite', 'machines/suite.ts'), /unknown command "prove"; use verify, check, mutants, replay/],
  ['a suite module that does not exist', () => cli('check', '--suite', 'machines/nope.ts'), /suite module machines\/nope.ts not found/],
  // verify
  ['verify: a check option', () => verify('--out', out, '--variant', 'patched'), /unknown option --variant for verify/],
  ['verify: --out to a missing directory', () => verify('--out', join(out, 'missing')), /--out .*: no such directory; create it first/],
  ['verify: --out with --update-expected', () => verify('--out', out, '--update-expected'), /--out and --update-expected do not go together/],
  // replay: the file
  ['replay: no arguments', () => replay(), /give a results file and a property name/],
  ['replay: a missing file', () => replay(join(scratch, 'none.json'), 'no deadlock'), /none.json not found; give a results file/],
  ['replay: corrupt JSON', () => replay(file('corrupt.json', '{"schema": "xstate-explorer/res'), 'no deadlock'), /is not valid JSON/],
  ['replay: another schema', () => replay(file('schema.json', '{"schema": "something/else", "runs": []}'), 'no deadlock'), /is not a results file of this checker \(schema "something\/else"/],
  ['replay: malformed runs', () => replay(file('runs.json', edited((c) => Object.assign(c, { runs: 'none' }))), 'no deadlock'), /its group, bounds or runs are malformed/],
  ['replay: an unknown property', () => replay('results/unpatched.json', 'no dedlock'), /has no property "no dedlock"/],
  ['replay: a property that did not fail', () => replay('results/unpatched.json', 'negotiation only lowers'), /"negotiation only lowers" has no counterexample/],
  ['replay: a property that fails in several runs', () => replay('results/unpatched.json', 'recovery keeps the negotiated checkpoint size'), /fails in several runs .*; choose one with --run/],
  ['replay: an unknown run', () => replay('results/unpatched.json', 'no deadlock', '--run', 'unpatched · duplex'), /has no run "unpatched · duplex"/],
  ['replay: an unknown variant', () => replay(file('variant.json', edited((c) => Object.assign(c, { group: 'hotfix' }))), 'no deadlock', '--run', twaId), /does not fit the current model: unknown variant "hotfix"/],
  ['replay: an unknown bound', () => replay(file('bound.json', edited((c) => Object.assign(twaRun(c).bounds, { speed: 9 }))), 'no deadlock', '--run', twaId), /does not fit the current model: unknown bound "speed"/],
  ['replay: a bound given as text', () => replay(file('text.json', edited((c) => Object.assign(twaRun(c).bounds, { losses: '1' }))), 'no deadlock', '--run', twaId), /does not fit the current model: bound "losses" has the value "1"/],
  ['replay: a file of schema v1', () => replay(file('v1.json', edited((c) => Object.assign(c, { schema: 'xstate-explorer/results/v1' }))), 'no deadlock'), /is a results file of schema v1 .*; write it again with npm run verify/],
  [
    'replay: a trace from another model version',
    () => replay(file('version.json', edited((c) => (twaNoDeadlock(c).steps[3]!.label = 'deliver to B'))), 'no deadlock', '--run', twaId),
    /does not fit the current model: step 4 \("deliver to B"\) is not possible there; .* run npm run verify again/,
  ],
];

test.each(cases)('%s', async (_, run, message) => {
  const { code, stdout, stderr } = await run();
  expect(code).toBe(2);
  expect(stdout).toBe('');
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
});

test('covers at least 20 inputs, and wrote nothing', () => {
  expect(cases.length).toBeGreaterThanOrEqual(20);
  expect(readdirSync(out)).toEqual([]);
});
