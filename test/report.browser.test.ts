// results/report.html in a real browser (Debian's chromium, driven by playwright-core): the
// featured counterexample comes first, the stepper walks it (the unpatched Turn counterexample
// shaped like KB Q166594: A gives the Turn with mail queued) to its end, both MTAs read "not holding",
// the chart highlights where A is stuck, and the page makes no network request and logs no
// error. A copy with a seeded break in the stepper must fail the same check.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const executablePath = '/usr/bin/chromium';
// On a developer's machine without Debian's chromium the test is skipped; in CI it must run.
const available = existsSync(executablePath);
const runIt = available || process.env.CI === 'true';

let browser: Browser;

beforeAll(async () => {
  if (!runIt) return;
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const TURN_TRACE = '#twa-no-deadlock-shaped-like-kb-q166594-unpatched';

/** Opens a report, steps the Turn counterexample to its end with the next button, and reports what the page shows. */
async function walkTheTurnTrace(file: string, screenshot?: string) {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) problems.push(`network request: ${request.url()}`);
  });
  await page.goto(pathToFileURL(resolve(file)).href);
  const trace = page.locator(TURN_TRACE);
  const steps = Number(await trace.locator('.slider').getAttribute('max'));
  const statesOfA: string[] = [];
  for (let i = 0; i < steps; i++) {
    await trace.locator('.next').click();
    statesOfA.push((await trace.locator('.actor[data-actor="A"] .state').textContent()) ?? '');
  }
  await trace.locator('.next').click(); // one more: stays at the end
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  const shown = {
    firstTrace: await page.locator('section.trace').first().getAttribute('id'),
    featuredLink: await page.locator(`a[href="${TURN_TRACE}"]`).count(),
    statesOfA,
    steps,
    position: await trace.locator('.position').textContent(),
    a: await trace.locator('.actor[data-actor="A"] .state').textContent(),
    b: await trace.locator('.actor[data-actor="B"] .state').textContent(),
    stuckHighlighted: await trace.locator('figure[data-actor="A"] [id="s:mta.turn.notHolding.asking"]').evaluate((el) => el.classList.contains('current')),
    takenEdges: await trace.locator('figure[data-actor="A"] .taken').count(),
    patchedBeside: await trace.locator('.counterpart .states').textContent(),
    problems,
  };
  if (screenshot) {
    await trace.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshot, fullPage: false });
  }
  await page.close();
  return shown;
}

describe.skipIf(!runIt)('results/report.html in chromium', () => {
  test('the featured Turn counterexample comes first; A gives the Turn with mail queued; the stepper reaches its end: both MTAs not holding, the stuck state highlighted, no network, no error', async () => {
    const screenshots = join(tmpdir(), 'report-screenshots');
    mkdirSync(screenshots, { recursive: true });
    const shown = await walkTheTurnTrace('results/report.html', join(screenshots, 'turn-trace-end.png'));
    expect(shown.problems).toEqual([]);
    expect(`#${shown.firstTrace}`).toBe(TURN_TRACE);
    expect(shown.featuredLink).toBeGreaterThan(0);
    // The initiator gives the Turn while a message of its own still waits.
    expect(shown.statesOfA.some((state) => /gave it/.test(state) && /queue [1-9]/.test(state))).toBe(true);
    expect(shown.position).toBe(`step ${shown.steps} of ${shown.steps}`);
    expect(shown.a).toMatch(/^open · not holding/);
    expect(shown.b).toMatch(/^open · not holding/);
    expect(shown.stuckHighlighted).toBe(true);
    expect(shown.takenEdges).toBeGreaterThan(5);
    expect(shown.patchedBeside).toMatch(/MTA A:/);
  }, 60_000);

  test('a report whose next button is broken fails the same check', async () => {
    const html = readFileSync('results/report.html', 'utf8');
    const broken = html.replace("function () { active = stepper; render(current + 1); }", 'function () { active = stepper; render(current); }');
    expect(broken).not.toBe(html);
    const file = join(tmpdir(), 'report-broken.html');
    writeFileSync(file, broken);
    const shown = await walkTheTurnTrace(file);
    expect(shown.position).not.toBe(`step ${shown.steps} of ${shown.steps}`);
  }, 60_000);
});
