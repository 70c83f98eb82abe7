// The command line as CI tools use it: per-command help and --version, the property list and
// --property, JSON that is JSON alone on stdout, JUnit XML, results/summary.json, the sweep split
// into shards and merged, and the workflow that runs them.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { commandOptions } from '../explore/cli/args';
import { optionHelp } from '../explore/cli/help';
import { propertyNames } from '../machines/properties';
import { check, cli } from './run-cli';
import { cli as inProcess } from './run-cli-in-process';
import { parseXml, type XmlElement } from './xml-subset';
import { parse as parseYaml } from 'yaml';

const scratch = mkdtempSync(join(tmpdir(), 'ci-'));
const here = process.cwd();

describe('help and version', () => {
  test('every option of every command has a line of help', () => {
    for (const { values, flags } of Object.values(commandOptions)) {
      for (const name of [...values, ...flags]) expect(optionHelp[name], name).toBeDefined();
    }
  });

  test('each command has its own help: purpose, its options, examples, exit codes; -h is --help', async () => {
    const texts = new Map<string, string>();
    for (const command of Object.keys(commandOptions) as (keyof typeof commandOptions)[]) {
      const { code, stdout, stderr } = await inProcess(command, '--suite', 'machines/harness/suite.ts', '--help');
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(new RegExp(`^${command}: `));
      for (const name of [...commandOptions[command].values, ...commandOptions[command].flags]) expect(stdout).toContain(optionHelp[name]![0]);
      expect(stdout).toMatch(/examples:\n {2}npm run/);
      expect(stdout).toMatch(/exit codes:\n {2}0 [^\n]+\n(?: {2}1 [^\n]+\n)?(?: {2}2 bad input)/);
      texts.set(command, stdout);
    }
    expect(new Set(texts.values()).size).toBe(texts.size);
    expect(texts.get('check')).toContain('--messages-b');
    const short = await inProcess('replay', '-h');
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(texts.get('replay'));
  });

  test('--version prints the tool, xstate and node versions, exit 0', async () => {
    const { code, stdout } = await cli('check', '--suite', 'machines/harness/suite.ts', '--version');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^x400-rtse-verification \d+\.\d+\.\d+ \(xstate \d+\.\d+\.\d+, node v\d+/);
    expect((await inProcess('--version')).code).toBe(0);
  });

  test('a real process exits 2 on bad input, with one line on stderr and nothing on stdout', async () => {
    const { code, stdout, stderr } = await check('--bogus');
    expect([code, stdout, stderr]).toEqual([2, '', 'check: unknown option --bogus for check; run with --help to see the options\n']);
  });
});

describe('properties', () => {
  test('--list-properties lists every property, with its kind and modes, and explores nothing', async () => {
    const { code, stdout, stderr } = await check('--list-properties');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const name of Object.values(propertyNames)) expect(stdout).toMatch(new RegExp(`^${name.replace(/[.,]/g, '\\$&')} +(always|sometimes|noDeadlock|leadsTo) +(monologue|twa)`, 'm'));
    const json = await check('--list-properties', '--json');
    const list = (JSON.parse(json.stdout) as { properties: { name: string; kind: string; appliesTo: string }[] }).properties;
    expect(list.map((p) => p.name).sort()).toEqual(Object.values(propertyNames).sort());
    expect(list.find((p) => p.name === propertyNames.turnChangesHands)!.appliesTo).toBe('twa');
  });

  test('--property checks only the named ones; the others are reported as not checked', async () => {
    const small = ['--variant', 'unpatched', '--mode', 'monologue', '--messages', '1', '--attempts', '1'];
    const one = await inProcess('check', '--suite', 'machines/harness/suite.ts', ...small, '--property', 'no deadlock', '--json');
    expect(one.code).toBe(0);
    const result = JSON.parse(one.stdout) as { runs: { properties: { name: string; verdict: string }[] }[]; notChecked: string[] };
    expect(result.runs[0]!.properties.map((p) => [p.name, p.verdict])).toEqual([['no deadlock', 'pass']]);
    expect(result.notChecked).toHaveLength(Object.keys(propertyNames).length - 1);
    // The checkpoint bug shows in these bounds: naming that property fails the check.
    const two = await inProcess('check', '--suite', 'machines/harness/suite.ts', ...small, '--property', 'no deadlock', '--property', propertyNames.recoveryKeepsCheckpointSize);
    expect(two.code).toBe(1);
    expect(two.stdout).toMatch(/\| no deadlock \| pass \|/);
    expect(two.stdout).toMatch(/Not checked \(not named by --property\): “turn is never lost”/);
    expect(two.stdout).not.toMatch(/\| turn is never lost \|/);
  });
});

describe('check output', () => {
  test('--json: JSON alone on stdout, numbers as numbers, provenance and elapsed seconds; progress on stderr', async () => {
    const { code, stdout, stderr } = await check('--variant', 'patched', '--mode', 'twa', '--messages', '1', '--messages-b', '1', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      runs: { bounds: Record<string, unknown>; statistics: Record<string, unknown> }[];
      provenance: Record<string, unknown>;
      elapsedSeconds: unknown;
    };
    expect(result.runs[0]!.bounds.messagesFromA).toBe(1);
    expect(result.runs[0]!.bounds.acceptorCheckpointLimits).toEqual([1, 2]);
    expect(typeof result.runs[0]!.statistics.states).toBe('number');
    expect(result.provenance).toMatchObject({ tool: 'x400-rtse-verification', xstateVersion: expect.stringMatching(/^\d/), node: process.version });
    expect(result.provenance).toHaveProperty('commit');
    expect(typeof result.elapsedSeconds).toBe('number');
    expect(stderr).toMatch(/patched · twa\s+\d+ states/);
  });

  test('no "Generated by" comment, and the verdict counts in a fixed order', async () => {
    const runs = await Promise.all([
      inProcess('check', '--suite', 'machines/harness/suite.ts', '--variant', 'unpatched', '--mode', 'twa', '--messages', '0', '--messages-b', '1', '--attempts', '1'),
      inProcess('check', '--suite', 'machines/harness/suite.ts', '--variant', 'patched', '--mode', 'monologue', '--messages', '1', '--losses', '0'),
    ]);
    const order = ['pass', 'FAIL', 'vacuous', 'inconclusive', 'n/a'];
    for (const { stdout, stderr } of runs) {
      expect(stdout).not.toMatch(/Generated by/);
      const counts = /states\/s\s+(.*)$/m.exec(stderr)![1]!.split(', ').map((part) => part.replace(/^\d+ /, ''));
      expect(counts.length).toBeGreaterThan(1);
      expect(counts).toEqual(order.filter((verdict) => counts.includes(verdict)));
    }
  });
});

/** A suite module like machines/harness/suite.ts whose job is a few small runs, with its files in `dir`. */
function smallSuite(dir: string): string {
  const module = join(dir, 'small-suite.ts');
  writeFileSync(
    module,
    `import { suite as real } from ${JSON.stringify(join(here, 'machines/harness/suite.ts'))};
import { optionValues } from ${JSON.stringify(join(here, 'explore/cli/args.ts'))};
const run = (values: Record<string, string>) => real.checkRun(optionValues(real, new Map(Object.entries(values))));
export const suite = {
  ...real,
  expectedPath: ${JSON.stringify(join(dir, 'expected.json'))},
  publishing: {
    ...real.publishing,
    charts: [],
    resultsDir: ${JSON.stringify(join(dir, 'results'))},
    readmePath: ${JSON.stringify(join(dir, 'README.md'))},
  },
  verifyRuns: () => [
    run({ variant: 'unpatched', mode: 'monologue', messages: '1', attempts: '1' }),
    run({ variant: 'patched', mode: 'monologue', messages: '1', attempts: '1' }),
    run({ variant: 'unpatched', mode: 'twa', messages: '0', 'messages-b': '1', attempts: '1' }),
  ],
};
`,
  );
  return module;
}

function all(element: XmlElement, name: string): XmlElement[] {
  return [...(element.name === name ? [element] : []), ...element.children.flatMap((child) => all(child, name))];
}

/** The structure JUnit readers require (the JUnit XSD's required elements and attributes), and counts that add up. */
function checkJunitStructure(root: XmlElement): void {
  expect(root.name).toBe('testsuites');
  const suites = root.children;
  expect(suites.length).toBeGreaterThan(0);
  const sum = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const suite of suites) {
    expect(suite.name).toBe('testsuite');
    for (const attribute of ['name', 'tests', 'failures', 'errors', 'skipped', 'time', 'timestamp', 'hostname']) expect(suite.attributes[attribute], attribute).toBeDefined();
    expect(suite.attributes.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const cases = suite.children;
    for (const testCase of cases) {
      expect(testCase.name).toBe('testcase');
      expect(testCase.attributes.name).toBeTruthy();
      expect(testCase.attributes.classname).toBeTruthy();
      expect(Number(testCase.attributes.time)).toBeGreaterThanOrEqual(0);
      for (const child of testCase.children) expect(['failure', 'error', 'skipped', 'system-out', 'system-err']).toContain(child.name);
      for (const failure of testCase.children.filter((c) => c.name === 'failure')) expect(failure.attributes.message).toBeTruthy();
    }
    const count = (name: string) => cases.filter((c) => c.children.some((child) => child.name === name)).length;
    expect(Number(suite.attributes.tests)).toBe(cases.length);
    expect(Number(suite.attributes.failures)).toBe(count('failure'));
    expect(Number(suite.attributes.errors)).toBe(count('error'));
    expect(Number(suite.attributes.skipped)).toBe(count('skipped'));
    sum.tests += cases.length;
    sum.failures += count('failure');
    sum.errors += count('error');
    sum.skipped += count('skipped');
  }
  expect(Number(root.attributes.tests)).toBe(sum.tests);
  expect(Number(root.attributes.failures)).toBe(sum.failures);
  expect(Number(root.attributes.errors)).toBe(sum.errors);
  expect(Number(root.attributes.skipped)).toBe(sum.skipped);
}

describe('verify for CI: JUnit, summary.json, --json', () => {
  test('JUnit: a case per run and property; an expected FAIL passes with its bug report; a difference fails with the step table', async () => {
    const dir = mkdtempSync(join(scratch, 'junit-'));
    const suite = smallSuite(dir);
    const first = await inProcess('verify', '--suite', suite, '--update-expected', '--junit', join(dir, 'first.xml'));
    expect(first.code, first.stderr).toBe(0);
    const clean = parseXml(readFileSync(join(dir, 'first.xml'), 'utf8'));
    checkJunitStructure(clean);
    expect(clean.attributes.failures).toBe('0');

    const manifest = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { runs: Record<string, { verdicts: Record<string, string>; counterexampleLengths: Record<string, number> }> };
    const properties = Object.keys(manifest.runs['patched · monologue']!.verdicts);
    // Two differences: a FAIL where a pass is expected, a pass where a FAIL is expected.
    manifest.runs['unpatched · monologue']!.verdicts[propertyNames.recoveryKeepsCheckpointSize] = 'pass';
    delete manifest.runs['unpatched · monologue']!.counterexampleLengths[propertyNames.recoveryKeepsCheckpointSize];
    manifest.runs['patched · monologue']!.verdicts[propertyNames.negotiationOnlyLowers] = 'FAIL';
    writeFileSync(join(dir, 'expected.json'), JSON.stringify(manifest));
    mkdirSync(join(dir, 'out'));
    const second = await inProcess('verify', '--suite', suite, '--out', join(dir, 'out'), '--junit', join(dir, 'junit.xml'), '--json');
    expect(second.code).toBe(1);
    const root = parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8'));
    checkJunitStructure(root);
    const suites = root.children;
    expect(suites.map((s) => s.attributes.name)).toEqual(['unpatched · monologue', 'patched · monologue', 'unpatched · twa']);
    for (const s of suites) expect(s.children.map((c) => c.attributes.name)).toEqual([...properties, 'state space (bounds, states, transitions)']);
    const failures = all(root, 'failure');
    expect(failures).toHaveLength(2);
    const caseOf = (run: string, property: string) => suites.find((s) => s.attributes.name === run)!.children.find((c) => c.attributes.name === property)!;
    const failing = caseOf('unpatched · monologue', propertyNames.recoveryKeepsCheckpointSize).children.find((c) => c.name === 'failure')!;
    expect(failing.attributes.message).toBe('expected pass, got FAIL');
    expect(failing.text).toMatch(/\| # \| step \|/);
    expect(caseOf('patched · monologue', propertyNames.negotiationOnlyLowers).children[0]!.attributes.message).toBe('expected FAIL, got pass');
    const expectedFail = caseOf('unpatched · twa', propertyNames.turnNeverLost);
    expect(expectedFail.children.map((c) => c.name)).toEqual(['system-out']);
    expect(expectedFail.children[0]!.text).toMatch(/^expected FAIL: unpatched reproduces KB Q166594/);
    expect(caseOf('unpatched · twa', propertyNames.pleaseCrossesGive).children.map((c) => c.name)).toEqual(['skipped']);

    // --json: one JSON document on stdout, the lines of the run on stderr.
    const report = JSON.parse(second.stdout) as { result: string; differences: string[]; summary: { runs: unknown[] }; elapsedSeconds: number; provenance: { node: string } };
    expect(report.result).toBe('differs');
    // The verdict and the counterexample length of the first, the verdict of the second.
    expect(report.differences).toHaveLength(3);
    expect(report.summary.runs).toHaveLength(3);
    expect(typeof report.elapsedSeconds).toBe('number');
    expect(second.stderr).toMatch(/unpatched · monologue\s+\d+ states/);

    // summary.json: every run's verdicts and statistics, the same bytes from both runs.
    const summary = readFileSync(join(dir, 'out', 'summary.json'), 'utf8');
    expect(readFileSync(join(dir, 'results', 'summary.json'), 'utf8')).toBe(summary);
    const parsed = JSON.parse(summary) as { schema: string; provenance: Record<string, unknown>; runs: { id: string; statistics: { states: number }; verdicts: Record<string, number> }[] };
    expect(parsed.schema).toBe('xstate-explorer/summary/v1');
    expect(parsed.provenance).not.toHaveProperty('commit');
    expect(parsed.provenance).not.toHaveProperty('node');
    expect(Object.keys(parsed.runs[0]!.verdicts)).toEqual(['pass', 'FAIL', 'vacuous', 'inconclusive', 'n/a']);
    expect(summary).not.toMatch(/elapsed|seconds|timestamp/i);
  }, 120_000);
});

/** A suite module whose sweep is a small slice of the real one, with a small budget. */
function smallSweepSuite(dir: string): string {
  const module = join(dir, 'sweep-suite.ts');
  writeFileSync(
    module,
    `import { suite as real } from ${JSON.stringify(join(here, 'machines/harness/suite.ts'))};
const plan = real.sweepPlan();
const ladders = (section: (typeof plan.sections)[number], n: number, rungs: number) => ({ ...section, ladders: section.ladders.slice(0, n).map((l) => ({ ...l, rungs: l.rungs.slice(0, rungs) })) });
export const suite = {
  ...real,
  sweepPlan: () => ({
    ...plan,
    budget: 1500,
    sections: [ladders(plan.sections[0]!, 4, 3), ladders(plan.sections[5]!, 3, 2), ladders(plan.sections[8]!, 2, 2)],
    minimal: plan.minimal.slice(1, 3).map((search) => ({ ...search, candidates: search.candidates.slice(0, 5) })),
  }),
};
`,
  );
  return module;
}

describe('the sweep in shards', () => {
  test('4 shards merged give a sweep.md byte-identical to the unsharded sweep; a missing shard is bad input', async () => {
    const dir = mkdtempSync(join(scratch, 'sweep-'));
    const suite = smallSweepSuite(dir);
    const folder = (name: string) => {
      mkdirSync(join(dir, name));
      return join(dir, name);
    };
    const whole = folder('whole');
    const shards = [1, 2, 3, 4].map((i) => folder(`shard-${i}`));
    const runs = await Promise.all([
      inProcess('sweep', '--suite', suite, '--out', whole),
      ...shards.map((out, i) => inProcess('sweep', '--suite', suite, '--shard', `${i + 1}/4`, '--out', out)),
    ]);
    for (const run of runs) expect([0, 1], run.stderr).toContain(run.code);
    expect(runs[0]!.code).toBe(0);
    const markdown = readFileSync(join(whole, 'sweep.md'), 'utf8');
    expect(markdown).toMatch(/<sup>3<\/sup>/); // footnotes from several shards, numbered when merging
    expect(markdown).toMatch(/over budget/);
    expect(markdown).toMatch(/\| Checkpoint size differs on recovery \(KB Q187929\), monologue: the symptom \| [^|]+ \| monologue, A sends 1, /);
    // Disjoint slices that cover the sweep.
    const units = shards.flatMap((out, i) => (JSON.parse(readFileSync(join(out, `sweep-shard-${i + 1}-of-4.json`), 'utf8')) as { units: { index: number }[] }).units.map((u) => u.index));
    expect(units.sort((a, b) => a - b)).toEqual(Array.from({ length: 4 + 3 + 2 + 2 }, (_, i) => i));

    const merged = folder('merged');
    const merge = await inProcess('sweep', '--suite', suite, '--merge', ...shards, '--out', merged);
    expect(merge.code, merge.stderr).toBe(0);
    expect(readFileSync(join(merged, 'sweep.md'), 'utf8')).toBe(markdown);

    const missing = await inProcess('sweep', '--suite', suite, '--merge', ...shards.slice(0, 3), '--out', merged);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^sweep: shard 4\/4 missing; run sweep --shard 4\/4 and give its folder too$/);
    const twice = await inProcess('sweep', '--suite', suite, '--merge', shards[0]!, ...shards, '--out', merged);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/shard 1\/4 is given twice/);
    // Shards of another plan (here: the full sweep of machines/harness/suite.ts) are refused.
    const other = await inProcess('sweep', '--suite', 'machines/harness/suite.ts', '--merge', ...shards, '--out', merged);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/was swept with another plan or model/);
  }, 180_000);
});

describe('CI configuration', () => {
  // The `yaml` package, strict: a duplicate key or a syntax error throws.
  const workflow = parseYaml(readFileSync('.github/workflows/verify.yml', 'utf8'), { uniqueKeys: true, strict: true }) as Record<string, unknown>;
  const jobs = workflow.jobs as Record<string, { needs?: string[]; strategy?: { matrix: { shard: number[] } }; steps: { run?: string; uses?: string; with?: Record<string, string> }[]; 'runs-on': string }>;
  const runs = (job: string) => jobs[job]!.steps.map((step) => step.run ?? '').join('\n');

  test('the workflow runs the tests, the verification job and the sweep', () => {
    expect(Object.keys(workflow)).toEqual(['name', 'on', 'jobs']);
    for (const [name, job] of Object.entries(jobs)) {
      expect(job['runs-on'], name).toBeTruthy();
      expect(job.steps.length, name).toBeGreaterThan(0);
      for (const step of job.steps) expect(step.run !== undefined || step.uses !== undefined, name).toBe(true);
      for (const need of job.needs ?? []) expect(Object.keys(jobs)).toContain(need);
    }
    expect(runs('test')).toMatch(/^npm test$/m);
    expect(runs('test')).toMatch(/^npm run test:slow$/m);
    expect(runs('verify')).toMatch(/npm run verify -- --junit/);
  });

  test('the merge job names exactly the shards the matrix runs', () => {
    const shards = jobs.sweep!.strategy!.matrix.shard;
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    expect(shards.length).toBe(4);
    const sweep = /npm run sweep -- --shard \$\{\{ matrix\.shard \}\}\/(\d+) --out (sweep-shard-\$\{\{ matrix\.shard \}\})$/m.exec(runs('sweep'))!;
    expect(Number(sweep[1])).toBe(shards.length);
    expect(sweep[2]).toBe('sweep-shard-${{ matrix.shard }}');
    const upload = jobs.sweep!.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with!.name).toBe('sweep-shard-${{ matrix.shard }}');
    expect(jobs['sweep-merge']!.needs).toContain('sweep');
    const download = jobs['sweep-merge']!.steps.find((step) => step.uses?.startsWith('actions/download-artifact'))!;
    const merged = /npm run sweep -- --merge ((?:\S+ ?)+)$/m.exec(runs('sweep-merge'))![1]!.trim().split(' ');
    expect(merged).toEqual(shards.map((shard) => `${download.with!.path}/sweep-shard-${shard}`));
  });

  test('.ci/run times each step and runs both test commands', () => {
    const script = readFileSync('.ci/run', 'utf8');
    expect(script).toMatch(/^step "tests \(npm test\)" npm test$/m);
    expect(script).toMatch(/^step "slow tests \(npm run test:slow\)" npm run test:slow$/m);
    expect(script).toMatch(/SECONDS/);
  });

  test('every test file runs in npm test or in npm run test:slow, none in both', async () => {
    const { fastTests, slowTests } = (await import('../vitest.config')) as unknown as { fastTests: string[]; slowTests: string[] };
    const files = readdirSync('test').filter((name) => name.endsWith('.test.ts')).map((name) => `test/${name}`);
    for (const file of slowTests) expect(existsSync(file), file).toBe(true);
    expect(fastTests).toEqual(['test/**/*.test.ts']);
    expect(files.filter((file) => slowTests.includes(file)).length).toBe(slowTests.length);
  });
});
