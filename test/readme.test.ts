// The README's results section: verify rewrites it only when every outcome matches the
// manifest, and the compact table names where each property fails.

import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import { commands } from '../explore/cli/commands';
import { README_BEGIN, README_END } from '../explore/report/readme';
import { suite } from '../machines/harness/suite';

/** The suite cut to one run, writing into a temporary folder with its own README and manifest. */
function oneRunSuite(folder: string) {
  const run = suite.verifyRuns().find((spec) => spec.id === 'unpatched · monologue')!;
  copyFileSync(suite.expectedPath, join(folder, 'expected.json'));
  writeFileSync(join(folder, 'README.md'), `# title\n\n${README_BEGIN}\nold\n${README_END}\n`);
  return {
    ...suite,
    verifyRuns: () => [run],
    expectedPath: join(folder, 'expected.json'),
    publishing: { ...suite.publishing, readmePath: join(folder, 'README.md'), resultsDir: join(folder, 'results') },
  };
}

const verifyArgs = { command: 'verify' as const, values: new Map<string, string>(), flags: new Set<string>(), positional: [], lists: new Map<string, string[]>() };

test('verify leaves the README as it was when an outcome differs from the manifest, and rewrites it when all match', async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  const folder = mkdtempSync(join(tmpdir(), 'readme-'));
  const own = oneRunSuite(folder);
  const manifest = JSON.parse(readFileSync(own.expectedPath, 'utf8'));
  const matching = { runs: { 'unpatched · monologue': manifest.runs['unpatched · monologue'] } };

  writeFileSync(own.expectedPath, JSON.stringify({ runs: { 'unpatched · monologue': { ...matching.runs['unpatched · monologue'], states: 1 } } }));
  expect(await commands.verify(own, verifyArgs, '')).toBe(1);
  expect(readFileSync(own.publishing.readmePath, 'utf8')).toContain('\nold\n');
  expect(readFileSync(join(own.publishing.resultsDir, 'unpatched.md'), 'utf8')).toContain('monologue'); // results/ is still written, to be looked at

  writeFileSync(own.expectedPath, JSON.stringify(matching));
  expect(await commands.verify(own, verifyArgs, '')).toBe(0);
  const readme = readFileSync(own.publishing.readmePath, 'utf8');
  expect(readme).not.toContain('\nold\n');
  // unpatched fails the recovery properties in monologue: the table links the shortest counterexample
  expect(readme).toMatch(/\| a recovery succeeds while the connection stays up \| \*\*FAIL\*\* in 1 of 1, \[\d+ steps\]\(.*unpatched\.md#monologue-a-recovery-succeeds-while-the-connection-stays-up\) \|/);
  expect(readme).toMatch(/1 run, \d+ states, every search complete\./);
  vi.restoreAllMocks();
}, 60_000);

test('the README fits a few screens and, like docs/, refers to nothing outside the repository', () => {
  const readme = readFileSync('README.md', 'utf8');
  expect(readme.split('\n').length).toBeLessThan(250);
  for (const page of ['README.md', ...readdirSync('docs').map((file) => join('docs', file))]) {
    const text = readFileSync(page, 'utf8');
    expect(text, page).not.toMatch(/\.\.\/shared|domain\.md|design\.md|\bissues? \d/i);
  }
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');

test('every link between the README and docs/ names a file that exists and a heading it has', () => {
  const pages = ['README.md', ...readdirSync('docs').map((file) => join('docs', file))];
  for (const page of pages) {
    const text = readFileSync(page, 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const path = file === '' ? page : join(page, '..', file);
      expect(existsSync(path), `${page} → ${target}`).toBe(true);
      if (anchor === undefined || !/\.md$/.test(path) || path.startsWith('results')) continue;
      const headings = readFileSync(path, 'utf8').split('\n').filter((line) => line.startsWith('#')).map((line) => slug(line.replace(/^#+ /, '')));
      expect(headings, `${page} → ${target}`).toContain(anchor);
    }
  }
});
