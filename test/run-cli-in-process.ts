// The command line's main(), called in the test's own process, with what it prints captured:
// the same code as `tsx explore/cli/cli.ts` (which only sets process.exitCode from main's result),
// without starting Node, tsx and the suite again for every case (a second or more each on 2
// cores). For the many bad-input cases; run-cli.ts starts a real process.

import { format } from 'node:util';
import { vi } from 'vitest';
import { main } from '../explore/cli/cli';

type Result = { code: number; stdout: string; stderr: string };

/** One call at a time: the capture replaces the process's console and streams. */
let queue: Promise<unknown> = Promise.resolve();

export function cli(...args: string[]): Promise<Result> {
  const run = queue.then(async () => {
    let stdout = '';
    let stderr = '';
    const spies = [
      vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void (stdout += `${format(...parts)}\n`)),
      vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void (stderr += `${format(...parts)}\n`)),
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)),
    ];
    const listeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    try {
      const code = await main(args);
      return { code, stdout, stderr };
    } finally {
      for (const spy of spies) spy.mockRestore();
      // main() installs its signal handlers each time; take them away again.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        for (const listener of process.listeners(signal)) if (!listeners[signal].includes(listener)) process.off(signal, listener);
      }
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

export const check = (...args: string[]) => cli('check', '--suite', 'machines/harness/suite.ts', ...args);
export const verify = (...args: string[]) => cli('verify', '--suite', 'machines/harness/suite.ts', ...args);
export const replay = (...args: string[]) => cli('replay', '--suite', 'machines/harness/suite.ts', ...args);
