// `verify --junit FILE`: the verification job as CI dashboards read test results (GitLab,
// Jenkins, GitHub test reporters). One <testsuite> per run, one <testcase> per property of the
// run, and one more per run for its state space. A test case passes when the outcome is the one
// the expected-outcome manifest records: an expected FAIL (a variant that reproduces a known
// bug) passes, with the suite's reason (e.g. the bug report) in its output. A case whose outcome
// differs fails, with the counterexample's step table when there is one. n/a is "skipped".
// Not a results file: it carries times, so it is never committed.

import { hostname } from 'node:os';
import type { PropertyResult } from '../check/analysis';
import { observedRun, type ExpectedRun, type RunOutcome } from '../check/outcome';
import { traceTable } from './report';
import type { Publishing } from './publishing';

/** Text for an XML attribute or element: escaped, without the control characters XML 1.0 forbids. */
export function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  readonly name: string;
  readonly seconds: number;
  readonly failure?: { message: string; body: string };
  readonly skipped?: string;
  readonly output?: string;
}

function lengthText(length: number | undefined): string {
  return length === undefined ? 'no counterexample' : `a ${length}-step counterexample`;
}

function propertyCase(publishing: Publishing, outcome: RunOutcome, result: PropertyResult, expected: ExpectedRun | undefined): Case {
  const seconds = outcome.propertySeconds?.[result.name] ?? 0;
  const wanted = expected?.verdicts[result.name];
  const wantedLength = expected?.counterexampleLengths[result.name];
  const length = result.counterexample?.steps.length;
  const table = result.counterexample ? `\n\nThe counterexample (${length} steps, ${result.counterexample.ending}):\n\n${traceTable(outcome.exploration, result.counterexample)}\n` : '';
  if (expected === undefined) {
    return { name: result.name, seconds, failure: { message: `the run "${outcome.spec.id}" is not in the expected-outcome manifest (got ${result.verdict})`, body: `got ${result.verdict}${table}` } };
  }
  if (wanted !== result.verdict) {
    const message = `expected ${wanted ?? '(absent)'}, got ${result.verdict}${result.note ? ` (${result.note})` : ''}`;
    return { name: result.name, seconds, failure: { message, body: `${message}${table}` } };
  }
  if (wantedLength !== length) {
    const message = `${result.verdict} as expected, but with ${lengthText(length)} where the manifest records ${lengthText(wantedLength)}`;
    return { name: result.name, seconds, failure: { message, body: `${message}${table}` } };
  }
  if (result.verdict === 'n/a') return { name: result.name, seconds, skipped: `n/a: ${result.note ?? 'does not apply to this run'}` };
  if (result.verdict === 'FAIL') {
    const reason = publishing.knownFailure?.(outcome.spec, result.name) ?? 'recorded in the expected-outcome manifest';
    return { name: result.name, seconds, output: `expected FAIL: ${reason}; ${lengthText(length)}, as expected` };
  }
  return { name: result.name, seconds };
}

function stateSpaceCase(outcome: RunOutcome, expected: ExpectedRun | undefined): Case {
  const name = 'state space (bounds, states, transitions)';
  const observed = observedRun(outcome);
  const differences: string[] = [];
  if (expected === undefined) differences.push(`the run "${outcome.spec.id}" is not in the expected-outcome manifest`);
  else {
    if (JSON.stringify(expected.bounds) !== JSON.stringify(observed.bounds)) differences.push(`expected bounds ${JSON.stringify(expected.bounds ?? {})}, run with ${JSON.stringify(observed.bounds ?? {})}`);
    if (expected.states !== observed.states) differences.push(`expected ${expected.states} states, found ${observed.states}`);
    if (expected.transitions !== observed.transitions) differences.push(`expected ${expected.transitions} transitions, found ${observed.transitions}`);
  }
  const output = `${observed.states} states, ${observed.transitions} transitions, depth ${outcome.exploration.maxDepth}`;
  return differences.length > 0 ? { name, seconds: 0, failure: { message: differences.join('; '), body: `${differences.join('\n')}\n${output}` } } : { name, seconds: 0, output };
}

/**
 * The JUnit XML of a verification job. `expectedOf` gives the manifest's record of a run, or
 * undefined when the manifest has none (with --update-expected, the observed run itself).
 */
export function junitXml(publishing: Publishing, outcomes: readonly RunOutcome[], expectedOf: (id: string) => ExpectedRun | undefined, now = new Date()): string {
  const timestamp = now.toISOString().slice(0, 19);
  const host = xmlText(hostname());
  const suites = outcomes.map((outcome) => {
    const expected = expectedOf(outcome.spec.id);
    const cases = [...outcome.results.map((result) => propertyCase(publishing, outcome, result, expected)), stateSpaceCase(outcome, expected)];
    return { outcome, cases };
  });
  const count = (cases: readonly Case[]) => ({
    tests: cases.length,
    failures: cases.filter((c) => c.failure).length,
    skipped: cases.filter((c) => c.skipped !== undefined).length,
  });
  const all = count(suites.flatMap((s) => s.cases));
  const totalSeconds = suites.reduce((sum, s) => sum + s.outcome.seconds, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlText(publishing.title)}" tests="${all.tests}" failures="${all.failures}" errors="0" skipped="${all.skipped}" time="${totalSeconds.toFixed(3)}">`,
  ];
  suites.forEach(({ outcome, cases }, id) => {
    const c = count(cases);
    lines.push(
      `  <testsuite name="${xmlText(outcome.spec.id)}" id="${id}" package="${xmlText(outcome.spec.group)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="${outcome.seconds.toFixed(3)}" timestamp="${timestamp}" hostname="${host}">`,
    );
    const classname = xmlText(outcome.spec.id);
    for (const testCase of cases) {
      const open = `    <testcase name="${xmlText(testCase.name)}" classname="${classname}" time="${testCase.seconds.toFixed(3)}"`;
      const inner: string[] = [];
      if (testCase.failure) inner.push(`      <failure message="${xmlText(testCase.failure.message)}" type="verdict">${xmlText(testCase.failure.body)}</failure>`);
      if (testCase.skipped !== undefined) inner.push(`      <skipped message="${xmlText(testCase.skipped)}"/>`);
      if (testCase.output !== undefined) inner.push(`      <system-out>${xmlText(testCase.output)}</system-out>`);
      lines.push(inner.length === 0 ? `${open}/>` : `${open}>`, ...inner, ...(inner.length === 0 ? [] : ['    </testcase>']));
    }
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
