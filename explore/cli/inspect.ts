// `replay --inspect`: the replay's real actors report, through XState's inspection API, to the
// Stately inspector (@statelyai/inspect converts the events to its protocol).
//
//   --inspect            this process serves a page on http://localhost (a free port) that embeds
//                        the Stately inspector (https://stately.ai/inspect: needs the internet),
//                        tries to open it in a browser, and replays once the page has connected.
//   --inspect-url URL    sends to a WebSocket at URL instead (ws:// or wss://): a local inspector
//                        or relay, such as @statelyai/inspect/server's, or a test's. Nothing is
//                        opened; works offline.
//
// Nothing waits for ever: an inspector that does not answer is one line and exit 4, a URL that is
// not ws:// or wss:// is bad input (exit 2). Knows XState and the inspector, nothing of the model.

import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import WebSocket, { WebSocketServer } from 'ws';
import type { InspectionEvent, Observer } from 'xstate';
import { UsageError } from './args';

/** The inspector cannot be reached or fails while the replay runs. */
export class InspectorError extends Error {}

export const inspectorTimeouts = { connectMs: 5_000, browserMs: 120_000 };

export interface Inspection {
  /** For createActor's `inspect` option. */
  readonly inspect: Observer<InspectionEvent>;
  /** Sends what is still queued, then closes the connection (and the page's server). */
  close(): Promise<void>;
}

/** Checks --inspect-url before anything runs: bad input is said before a long exploration. */
export function checkInspectorUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--inspect-url ${url} is not a URL; give a WebSocket address such as ws://localhost:8080`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new UsageError(`--inspect-url ${url} is not a WebSocket address (ws:// or wss://), e.g. ws://localhost:8080`);
  }
}

function encode(event: StatelyInspectionEvent): string {
  // Functions (guards, actions in a definition) by name, as @statelyai/inspect does.
  return JSON.stringify(event, (_, value: unknown) => (typeof value === 'function' ? { type: (value as { name: string }).name } : value));
}

/** What createInspector() sends through (its Adapter type is not exported). */
interface SocketAdapter {
  send(event: StatelyInspectionEvent): void;
  flushed(): Promise<void>;
}

/** Sends on every open socket; remembers the sends not yet written so close() can wait for them. */
function socketAdapter(sockets: () => Iterable<WebSocket>, failed: (error: Error) => void): SocketAdapter {
  const pending = new Set<Promise<void>>();
  return {
    send(event) {
      const text = encode(event);
      for (const socket of sockets()) {
        if (socket.readyState !== WebSocket.OPEN) continue;
        const sent = new Promise<void>((resolve) =>
          socket.send(text, (error) => {
            if (error) failed(error);
            resolve();
          }),
        );
        pending.add(sent);
        void sent.then(() => pending.delete(sent));
      }
    },
    async flushed() {
      // @statelyai/inspect converts each XState event in a timer of its own (setTimeout 0):
      // one more timer runs after all of them.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await Promise.all(pending);
    },
  };
}

function withInspector(adapter: SocketAdapter, closeAll: () => Promise<void>, failure: () => Error | null): Inspection {
  const inspector = createInspector(adapter, { autoStart: false });
  return {
    inspect: inspector.inspect,
    async close() {
      await adapter.flushed();
      await closeAll();
      const error = failure();
      if (error) throw new InspectorError(`the inspector connection failed while replaying (${error.message})`);
    },
  };
}

/** Connects to a WebSocket inspector at `url`, or fails within the connect timeout. */
async function connectTo(url: string): Promise<Inspection> {
  const socket = new WebSocket(url, { handshakeTimeout: inspectorTimeouts.connectMs });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new InspectorError(`no inspector answered at ${url} within ${inspectorTimeouts.connectMs / 1000} s; start one there, or leave out --inspect-url`));
    }, inspectorTimeouts.connectMs);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.terminate();
      const why = (error as NodeJS.ErrnoException).code ?? error.message;
      reject(new InspectorError(`no inspector at ${url} (${why}); start one there, or leave out --inspect-url`));
    });
  });
  let failed: Error | null = null;
  socket.on('error', (error) => (failed ??= error));
  const adapter = socketAdapter(
    () => [socket],
    (error) => (failed ??= error),
  );
  const close = () =>
    new Promise<void>((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, inspectorTimeouts.connectMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(1000, 'replay done');
    });
  return withInspector(adapter, close, () => failed);
}

/** The page the browser opens: the Stately inspector in a frame, fed by this process's WebSocket. */
function bridgePage(): string {
  return `<!doctype html>
<meta charset="utf-8"><title>Replay – Stately inspector</title>
<style>html,body,iframe{margin:0;border:0;width:100%;height:100%}</style>
<iframe id="inspector" src="https://stately.ai/inspect"></iframe>
<script>
  const frame = document.getElementById('inspector');
  const waiting = [];
  let ready = false;
  addEventListener('message', (e) => {
    if (e.data && e.data.type === '@statelyai.connected') {
      ready = true;
      for (const event of waiting.splice(0)) frame.contentWindow.postMessage(event, '*');
    }
  });
  const socket = new WebSocket('ws://' + location.host);
  socket.onmessage = (e) => {
    const event = JSON.parse(e.data);
    if (ready) frame.contentWindow.postMessage(event, '*');
    else waiting.push(event);
  };
</script>
`;
}

function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no browser here: the printed address is enough
    child.unref();
  } catch {
    // the same
  }
}

/** Serves the page, opens it, and waits (bounded) for it to connect. */
async function servePage(log: (line: string) => void, interrupted: () => boolean, open: boolean): Promise<Inspection | 'interrupted'> {
  const server: Server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(bridgePage());
  });
  const sockets = new WebSocketServer({ server });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new InspectorError(`cannot serve the inspector page (${error.message})`)));
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = `http://localhost:${(server.address() as AddressInfo).port}`;
  const closeAll = () =>
    new Promise<void>((resolve) => {
      for (const client of sockets.clients) client.close(1000, 'replay done');
      sockets.close(() => server.close(() => resolve()));
      server.closeAllConnections();
    });
  log(`inspector: open ${address} (it embeds https://stately.ai/inspect, which needs the internet); waiting up to ${inspectorTimeouts.browserMs / 1000} s for it`);
  // BROWSER=none (the convention of other dev servers) only prints the address.
  if (open && process.env.BROWSER !== 'none') openInBrowser(address);
  const connected = await new Promise<boolean | 'interrupted'>((resolve) => {
    const timer = setTimeout(() => finish(false), inspectorTimeouts.browserMs);
    const poll = setInterval(() => interrupted() && finish('interrupted'), 100);
    const finish = (result: boolean | 'interrupted') => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve(result);
    };
    sockets.once('connection', () => finish(true));
  });
  if (connected !== true) {
    await closeAll();
    if (connected === 'interrupted') return 'interrupted';
    throw new InspectorError(`no browser opened ${address} within ${inspectorTimeouts.browserMs / 1000} s; open it, or give --inspect-url ws://… for a local inspector`);
  }
  let failed: Error | null = null;
  const adapter = socketAdapter(
    () => sockets.clients,
    (error) => (failed ??= error),
  );
  return withInspector(adapter, closeAll, () => failed);
}

/**
 * The inspector the replay reports to: at `url` when given, else the Stately inspector in a
 * browser page this process serves. Throws InspectorError when it cannot be reached.
 */
export function openInspection(
  url: string | undefined,
  options: { log?: (line: string) => void; interrupted?: () => boolean; openBrowser?: boolean } = {},
): Promise<Inspection | 'interrupted'> {
  if (url !== undefined) {
    checkInspectorUrl(url);
    return connectTo(url);
  }
  return servePage(options.log ?? ((line) => console.error(line)), options.interrupted ?? (() => false), options.openBrowser ?? true);
}
