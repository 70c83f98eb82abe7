// Bad input, everywhere it can arrive: exit code 2, one line on stderr saying what is wrong and
// how to fix it, nothing on stdout, and nothing written. Among it: results files edited so that
// a counterexample no longer shows what it claims. The cases call the command line's main() in
// this process (run-cli-in-process.ts): starting Node and tsx ~100 times took minutes on 2 cores;
// ci.test.ts checks that a real process exits 2 the same way.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { check, cli, replay, verify } from './run-cli-in-process';

/** results/, README.md and the manifest, byte by byte: no case may change them. */
function committedOutputs(): string {
  const files = ['README.md', 'machines/harness/expected-outcomes.json', ...readdirSync('results', { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))];
  return files.sort().map((f) => `${f} ${createHash('sha256').update(readFileSync(f)).digest('hex')}`).join('\n');
}
const before = committedOutputs();

const scratch = mkdtempSync(join(tmpdir(), 'bad-input-'));
const out = mkdtempSync(join(tmpdir(), 'bad-input-out-'));
const fifo = () => {
  const path = join(scratch, 'fifo');
  if (!existsSync(path)) execFileSync('mkfifo', [path]);
  return path;
};
/** A suite module like machines/harness/suite.ts whose expected-outcome manifest is `text` (null: missing). */
const suiteWithManifest = (name: string, text: string | null) => {
  const manifest = join(scratch, `${name}.json`);
  if (text !== null) writeFileSync(manifest, text);
  const module = join(scratch, `${name}-suite.ts`);
  writeFileSync(module, `import { suite as real } from ${JSON.stringify(join(process.cwd(), 'machines/harness/suite.ts'))};\nexport const suite = { ...real, expectedPath: ${JSON.stringify(manifest)} };\n`);
  return module;
};
const file = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};
const results = JSON.parse(readFileSync('results/unpatched.json', 'utf8')) as {
  group: string;
  runs: { id: string; bounds: Record<string, unknown>; properties: { name: string; verdict: string; counterexample?: { steps: { label: string }[]; loopStart?: number } }[] }[];
};
const edited = (edit: (copy: typeof results) => void) => {
  const copy = structuredClone(results);
  edit(copy);
  return JSON.stringify(copy);
};
const twaId = 'unpatched · twa';
const twaRun = (copy: typeof results) => copy.runs.find((r) => r.id === twaId)!;
const propertyOf = (copy: typeof results, runId: string, name: string) => copy.runs.find((r) => r.id === runId)!.properties.find((p) => p.name === name)!;
const traceOf = (copy: typeof results, runId: string, name: string) => propertyOf(copy, runId, name).counterexample!;
const twaNoDeadlock = (copy: typeof results) => traceOf(copy, twaId, 'no deadlock');
const livenessName = 'every message is delivered without a new association';

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
  ['an unknown command', () => cli('prove', '--suite', 'machines/harness/suite.ts'), /unknown command "prove"; use verify, check, mutants, replay/],
  ['a suite module that does not exist', () => cli('check', '--suite', 'machines/nope.ts'), /suite module machines\/nope.ts not found/],
  // verify
  ['verify: a check option', () => verify('--out', out, '--variant', 'patched'), /unknown option --variant for verify/],
  ['verify: --out to a missing directory', () => verify('--out', join(out, 'missing')), /--out .*: no such folder; create it first/],
  ['verify: --out with --update-expected', () => verify('--out', out, '--update-expected'), /--out and --update-expected do not go together/],
  // replay: the file
  ['replay: no arguments', () => replay(), /give a results file and a property name/],
  ['replay: a missing file', () => replay(join(scratch, 'none.json'), 'no deadlock'), /none.json not found; give a results file/],
  ['replay: a folder', () => replay(scratch, 'no deadlock'), /is not a regular file; give a results file/],
  ['replay: a FIFO (it would block)', () => replay(fifo(), 'no deadlock'), /fifo is not a regular file/],
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
  // every command: flags it does not take, given twice, with a value, stray arguments
  ...(['verify', 'check', 'mutants', 'sweep', 'bench'] as const).flatMap((command): [string, () => Promise<{ code: number; stdout: string; stderr: string }>, RegExp][] => [
    [`${command}: an unknown flag`, () => cli(command, '--suite', 'machines/harness/suite.ts', '--frobnicate'), new RegExp(`unknown option --frobnicate for ${command}`)],
    [`${command}: --debug with a value`, () => cli(command, '--suite', 'machines/harness/suite.ts', '--debug=yes'), /--debug takes no value/],
    [`${command}: --suite given twice`, () => cli(command, '--suite', 'machines/harness/suite.ts', '--suite', 'machines/harness/suite.ts'), /--suite is given twice/],
    [`${command}: a stray argument`, () => cli(command, '--suite', 'machines/harness/suite.ts', 'stray'), /unexpected argument "stray"/],
  ]),
  ['replay: an unknown flag', () => replay('results/unpatched.json', 'no deadlock', '--frobnicate'), /unknown option --frobnicate for replay/],
  ['replay: --run without a value', () => replay('results/unpatched.json', 'no deadlock', '--run'), /--run needs a value/],
  ['replay: three arguments', () => replay('results/unpatched.json', 'no deadlock', 'extra'), /give a results file and a property name.*\(got 3 arguments\)/],
  ['mutants: a state limit it does not take', () => cli('mutants', '--suite', 'machines/harness/suite.ts', '--max-states', '10'), /unknown option --max-states for mutants/],
  ['sweep: a check option', () => cli('sweep', '--suite', 'machines/harness/suite.ts', '--variant', 'patched'), /unknown option --variant for sweep/],
  ['verify: --max-states not a number', () => verify('--max-states', 'many'), /--max-states must be a whole number/],
  ['verify: --max-memory 0', () => verify('--max-memory', '0'), /--max-memory must be a whole number from 1/],
  // verify: the expected-outcome manifest
  ['verify: a manifest that is not JSON', () => cli('verify', '--suite', suiteWithManifest('m1', '{"runs": '), '--out', out), /manifest .* is not valid JSON/],
  ['verify: a manifest without runs', () => cli('verify', '--suite', suiteWithManifest('m2', '{"comment": "x"}'), '--out', out), /manifest .* has no "runs" object/],
  ['verify: a manifest with a run that is null', () => cli('verify', '--suite', suiteWithManifest('m3', '{"runs": {"unpatched · twa": null}}'), '--out', out), /run "unpatched · twa" is malformed/],
  ['verify: a manifest whose verdicts are a list', () => cli('verify', '--suite', suiteWithManifest('m4', '{"runs": {"x": {"states": 1, "verdicts": [], "counterexampleLengths": {}}}}'), '--out', out), /run "x" is malformed/],
  ['verify: a missing manifest', () => cli('verify', '--suite', suiteWithManifest('m5', null), '--out', out), /manifest .* not found; create it with --update-expected/],
  ['replay: a property that is null', () => replay(file('null.json', edited((c) => ((twaRun(c).properties as unknown[]).push(null)))), 'no deadlock'), /its group, bounds or runs are malformed/],
  // replay: a counterexample that does not show what it claims
  ['replay: a "no deadlock" trace cut to 3 steps', () => replay(file('cut3.json', edited((c) => twaNoDeadlock(c).steps.splice(3))), 'no deadlock', '--run', twaId), /does not show what it claims: after its 3 steps the property is not shown to fail/],
  ['replay: a "no deadlock" trace cut to 0 steps', () => replay(file('cut0.json', edited((c) => twaNoDeadlock(c).steps.splice(0))), 'no deadlock', '--run', twaId), /does not show what it claims: after its 0 steps/],
  ['replay: a liveness trace cut to 2 steps', () => replay(file('live2.json', edited((c) => traceOf(c, twaId, livenessName).steps.splice(2))), livenessName, '--run', twaId), /does not show what it claims: after its 2 steps/],
  ['replay: a safety trace cut short', () => replay(file('safe.json', edited((c) => traceOf(c, twaId, 'turn is never lost').steps.splice(4))), 'turn is never lost', '--run', twaId), /does not show what it claims/],
  ['replay: a verdict "pass" beside a counterexample', () => replay(file('pass.json', edited((c) => (propertyOf(c, twaId, 'no deadlock').verdict = 'pass'))), 'no deadlock', '--run', twaId), /its verdict is "pass", yet it has a counterexample/],
  ['replay: a cycle that starts outside the trace', () => replay(file('loop.json', edited((c) => Object.assign(twaNoDeadlock(c), { loopStart: 99 }))), 'no deadlock', '--run', twaId), /its cycle starts at step 99, outside its/],
  // commands and suites the tool must not mistake for its own
  ['a command named toString', () => cli('toString', '--suite', 'machines/harness/suite.ts'), /unknown command "toString"/],
  ['a command named __proto__', () => cli('__proto__', '--suite', 'machines/harness/suite.ts'), /unknown command "__proto__"/],
  ['a command named constructor', () => cli('constructor', '--suite', 'machines/harness/suite.ts'), /unknown command "constructor"/],
  ['a suite module with a syntax error', () => cli('check', '--suite', file('broken-suite.ts', 'export const suite = {')), /suite module .*broken-suite.ts does not load: /],
  ['a suite module that exports no suite', () => cli('check', '--suite', file('empty-suite.ts', 'export const other = 1;\n')), /exports no `suite`/],
  ['verify: --out naming a file', () => verify('--out', file('a-file', 'x')), /--out .*a-file is a file; give a folder/],
  ['mutants: --out naming a file', () => cli('mutants', '--suite', 'machines/harness/suite.ts', '--out', file('b-file', 'x')), /--out .*b-file is a file; give a folder/],
  ['sweep: --out to a missing folder', () => cli('sweep', '--suite', 'machines/harness/suite.ts', '--out', join(out, 'missing')), /--out .*: no such folder; create it first/],
  // options that have no effect where they are given are refused, never silently ignored
  ['check: --messages-b in monologue', () => check('--mode', 'monologue', '--messages-b', '1'), /--messages-b has no effect here: B sends only in two-way alternate \(--mode twa\); drop --messages-b/],
  ['check: --max-faults with no fault on', () => check('--max-faults', '2'), /--max-faults has no effect here: no channel fault is on \(--faults none\); drop --max-faults/],
  // properties
  ['check: an unknown --property', () => check('--property', 'no dedlock'), /--property "no dedlock": no such property; npm run -s check -- --list-properties lists them/],
  ['check: a --property named twice', () => check('--property', 'no deadlock', '--property', 'no deadlock'), /--property "no deadlock" is given twice/],
  ['check: --list-properties with bounds', () => check('--list-properties', '--losses', '2'), /--list-properties explores nothing and takes no other option \(got --losses\)/],
  // JUnit
  ['verify: --junit into a missing folder', () => verify('--out', out, '--junit', join(out, 'missing', 'j.xml')), /--junit .*: no such folder .*; create it first/],
  ['verify: --junit naming a folder', () => verify('--out', out, '--junit', out), /--junit .* is a folder; give a file name/],
  // shards
  ['sweep: --shard beyond its count', () => cli('sweep', '--suite', 'machines/harness/suite.ts', '--shard', '5/4'), /--shard takes I\/N with 1 ≤ I ≤ N ≤ \d+ .*\(got "5\/4"\)/],
  ['sweep: --shard that is not I/N', () => cli('sweep', '--suite', 'machines/harness/suite.ts', '--shard', 'half'), /--shard takes I\/N/],
  ['sweep: --shard with --merge', () => cli('sweep', '--suite', 'machines/harness/suite.ts', '--shard', '1/2', '--merge', out), /--shard and --merge do not go together/],
  ['sweep: --merge without a folder', () => cli('sweep', '--suite', 'machines/harness/suite.ts', '--merge'), /--merge needs at least one value/],
  ['sweep: --merge a missing folder', () => cli('sweep', '--suite', 'machines/harness/suite.ts', '--merge', join(out, 'missing'), '--out', out), /--merge .*missing: no such file or folder/],
  ['sweep: --merge a folder without shards', () => cli('sweep', '--suite', 'machines/harness/suite.ts', '--merge', out, '--out', out), /no sweep-shard-I-of-N.json in it/],
  ['sweep: --merge a file that is not a shard', () => cli('sweep', '--suite', 'machines/harness/suite.ts', '--merge', file('not-a-shard.json', '{"schema": "x"}'), '--out', out), /is not a partial sweep result of this checker/],
];

test.each(cases)('%s', async (_, run, message) => {
  const { code, stdout, stderr } = await run();
  expect(code).toBe(2);
  expect(stdout).toBe('');
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
});

test('replay prints the ending it computed, never the one in the file', async () => {
  const forged = file('ending.json', edited((c) => Object.assign(twaNoDeadlock(c), { ending: 'the system is verified correct' })));
  const { code, stdout } = await replay(forged, 'no deadlock', '--run', twaId);
  expect(code).toBe(0);
  expect(stdout).not.toMatch(/verified correct/);
  expect(stdout).toMatch(/Ends \(checked on the run explored again\): nothing but a fault or an optional move can happen in the last state/);
}, 60_000);

test('covers at least 60 inputs, and wrote nothing', () => {
  expect(cases.length).toBeGreaterThanOrEqual(60);
  expect(readdirSync(out)).toEqual([]);
  expect(committedOutputs()).toBe(before);
});
