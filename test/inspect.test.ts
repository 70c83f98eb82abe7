// `replay --inspect`: the counterexample runs through real actors with the Stately inspector
// attached. Here the inspector is a local WebSocket server (offline), and what arrives is checked
// against the counterexample: every actor announced with its chart, every step's event at the
// actor it is for, in order, and the last snapshots are the counterexample's last state.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createActor, setup } from 'xstate';
import { inspectorTimeouts, InspectorError, openInspection } from '../explore/cli/inspect';
import { suite } from '../machines/harness/suite';
import { actorEventOf, type EnvironmentEvent } from '../machines/system';
import { replay } from './run-cli';

const RUN = 'unpatched · twa';
const PROPERTY = 'no deadlock';

interface Message {
  type: '@xstate.actor' | '@xstate.event' | '@xstate.snapshot';
  sessionId: string;
  name?: string;
  definition?: string;
  event?: { type: string; [key: string]: unknown };
  snapshot?: { value?: unknown; context?: { config?: { role?: string } } };
}

/** A local inspector: a WebSocket server that keeps every message it receives. */
async function localInspector(): Promise<{ url: string; messages: Message[]; close(): Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const messages: Message[] = [];
  server.on('connection', (socket) => socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as Message)));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The counterexample's steps, and where they lead real actors without an inspector. */
function counterexample(): { steps: EnvironmentEvent[]; last: Record<string, unknown> } {
  const results = JSON.parse(readFileSync('results/unpatched.json', 'utf8')) as {
    group: string;
    runs: { id: string; section: string; bounds: Record<string, unknown>; properties: { name: string; counterexample?: { steps: { event: EnvironmentEvent }[] } }[] }[];
  };
  const run = results.runs.find((r) => r.id === RUN)!;
  const steps = run.properties.find((p) => p.name === PROPERTY)!.counterexample!.steps.map((s) => s.event);
  const spec = suite.runFor(results.group, run.section, run.bounds);
  if (typeof spec === 'string') throw new Error(spec);
  const runtime = spec.model.startRuntime();
  for (const step of steps) runtime.perform(step);
  const last = Object.fromEntries(Object.entries(runtime.snapshots()).map(([actor, snapshot]) => [actor, snapshot.value]));
  runtime.stop();
  return { steps, last };
}

describe('replay --inspect-url against a local inspector', () => {
  let inspector: Awaited<ReturnType<typeof localInspector>> | undefined;
  afterEach(async () => {
    await inspector?.close();
    inspector = undefined;
  });

  test('the events of the counterexample arrive, at the actor each is for, in order; the last snapshots are its last state', async () => {
    inspector = await localInspector();
    const { code, stderr } = await replay('results/unpatched.json', PROPERTY, '--run', RUN, '--inspect-url', inspector.url);
    expect(stderr).toContain('inspector: the replay was sent');
    expect(code).toBe(0);
    const { messages } = inspector;

    // Three actors, announced before anything happens to them, each with its chart.
    const actors = messages.filter((m) => m.type === '@xstate.actor');
    expect(actors).toHaveLength(3);
    expect(messages.slice(0, 3).map((m) => m.type)).toEqual(['@xstate.actor', '@xstate.actor', '@xstate.actor']);
    const nameOf = new Map(
      actors.map((m) => [m.sessionId, m.name === 'channel' ? 'channel' : m.snapshot?.context?.config?.role === 'initiator' ? 'A' : 'B'] as const),
    );
    expect([...nameOf.values()].sort()).toEqual(['A', 'B', 'channel']);
    const mtaChart = actors.find((m) => m.name === 'mta')!.definition!;
    expect(mtaChart).toContain('isTurnOursOnEstablishing');

    // Every step's event, as the runtime gives it to its actor, arrives in order (the events the
    // actors send each other come in between).
    const { steps, last } = counterexample();
    expect(steps.length).toBeGreaterThan(3);
    const received = messages.filter((m) => m.type === '@xstate.event').map((m) => ({ actor: nameOf.get(m.sessionId), event: m.event }));
    let at = 0;
    for (const step of steps) {
      const { actor, event } = actorEventOf(step);
      const found = received.findIndex((r, i) => i >= at && r.actor === actor && JSON.stringify(r.event) === JSON.stringify(event));
      expect(found, `step ${JSON.stringify(step)} not received after message ${at}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }

    // The last snapshot of each actor is where the same steps lead the system.
    for (const [session, actor] of nameOf) {
      const final = messages.filter((m) => m.type === '@xstate.snapshot' && m.sessionId === session).at(-1)!;
      expect(final.snapshot!.value, actor).toEqual(last[actor]);
    }
  }, 60_000);

  test('no inspector at the address: one line, exit 4, no waiting', async () => {
    inspector = await localInspector();
    const url = inspector.url;
    await inspector.close();
    inspector = undefined;
    const started = Date.now();
    const { code, stderr } = await replay('results/unpatched.json', PROPERTY, '--run', RUN, '--inspect-url', url);
    expect(code).toBe(4);
    expect(stderr.trim().split('\n')).toEqual([`replay: no inspector at ${url} (ECONNREFUSED); start one there, or leave out --inspect-url`]);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  test('an address that is not a WebSocket is bad input (exit 2), said before exploring', async () => {
    const { code, stderr } = await replay('results/unpatched.json', PROPERTY, '--run', RUN, '--inspect-url', 'http://localhost:8080');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^replay: --inspect-url http:\/\/localhost:8080 is not a WebSocket address/);
  }, 60_000);
});

describe('--inspect: the page for the browser inspector', () => {
  const toy = setup({}).createMachine({ id: 'toy', initial: 'a', states: { a: { on: { go: 'b' } }, b: {} } });

  test('serves a page embedding the Stately inspector, waits for it, then sends it the actors, events and snapshots', async () => {
    const lines: string[] = [];
    const opening = openInspection(undefined, { log: (line) => lines.push(line), openBrowser: false });
    await expect.poll(() => lines.length).toBe(1);
    const address = /open (http:\/\/localhost:\d+)/.exec(lines[0]!)![1]!;
    const page = await (await fetch(address)).text();
    expect(page).toContain('https://stately.ai/inspect');
    // The "browser": the page's WebSocket.
    const browser = new WebSocket(address.replace('http', 'ws'));
    const received: Message[] = [];
    browser.on('message', (data) => received.push(JSON.parse(data.toString()) as Message));
    const inspection = await opening;
    if (inspection === 'interrupted') throw new Error('not interrupted');
    const actor = createActor(toy, { inspect: inspection.inspect }).start();
    actor.send({ type: 'go' });
    await inspection.close();
    await expect.poll(() => received.length).toBe(5);
    expect(received.map((m) => `${m.type} ${m.event?.type ?? ''}`.trim())).toEqual([
      '@xstate.actor',
      '@xstate.event xstate.init',
      '@xstate.snapshot xstate.init',
      '@xstate.event go',
      '@xstate.snapshot go',
    ]);
    expect(received.at(-1)!.snapshot!.value).toBe('b');
    browser.close();
  });

  test('no browser comes: a clear error after the wait, not a hang', async () => {
    const saved = inspectorTimeouts.browserMs;
    inspectorTimeouts.browserMs = 300;
    try {
      await expect(openInspection(undefined, { log: () => {}, openBrowser: false })).rejects.toThrow(InspectorError);
      await expect(openInspection(undefined, { log: () => {}, openBrowser: false })).rejects.toThrow(/no browser opened http:\/\/localhost:\d+ within 0.3 s/);
    } finally {
      inspectorTimeouts.browserMs = saved;
    }
  });
});

test('the README\'s command, `replay results/unpatched.json "no deadlock" --inspect`: a browser that connects to the page gets the replay', async () => {
  // The featured run is replayed when the property fails in several; the "browser" is a local
  // WebSocket client of the page the command serves (offline: the page itself is not loaded).
  const child = spawn(process.execPath, ['--import', 'tsx', 'explore/cli/cli.ts', 'replay', '--suite', 'machines/harness/suite.ts', 'results/unpatched.json', PROPERTY, '--inspect'], {
    env: { ...process.env, BROWSER: 'none' },
  });
  let stderr = '';
  const received: Message[] = [];
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const address = await new Promise<string>((resolve) =>
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /open (http:\/\/localhost:\d+)/.exec(stderr);
      if (found) resolve(found[1]!);
    }),
  );
  const browser = new WebSocket(address.replace('http', 'ws'));
  browser.on('message', (data) => received.push(JSON.parse(data.toString()) as Message));
  expect(await exited).toBe(0);
  const { steps } = counterexample();
  const actors = received.filter((m) => m.type === '@xstate.actor');
  expect(actors).toHaveLength(3);
  const events = received.filter((m) => m.type === '@xstate.event' && !m.event!.type.startsWith('xstate.'));
  expect(events.length).toBeGreaterThanOrEqual(steps.length);
  expect(stderr).toContain('inspector: the replay was sent');
}, 60_000);
