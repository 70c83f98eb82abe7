// Runs the command line in a child process, as a user would.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWithEnv({}, ...args);
}

/** The same, with extra environment variables (e.g. a test-only fault injection). */
export async function cliWithEnv(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'explore/cli/cli.ts', ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

export const check = (...args: string[]) => cli('check', '--suite', 'machines/harness/suite.ts', ...args);
export const verify = (...args: string[]) => cli('verify', '--suite', 'machines/harness/suite.ts', ...args);
export const replay = (...args: string[]) => cli('replay', '--suite', 'machines/harness/suite.ts', ...args);
