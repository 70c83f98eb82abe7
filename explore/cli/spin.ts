// Runs SPIN on a Promela model and reads pan's report. Generic: it knows nothing of the
// model, only of spin, gcc and pan's output format (SPIN 6.5).
//
// spin -a model.pml (with the caller's -D defines) writes pan.c; gcc compiles it with the
// caller's flags; pan runs with the caller's flags. Everything happens in a fresh temporary
// directory that is removed afterwards. No shell is involved (execFileSync with argument
// arrays), so defines and flags are passed as they are.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpinRun {
  /** "N states, stored". */
  readonly storedStates: number;
  /** "N transitions (= stored+matched)". */
  readonly transitions: number;
  /** "depth reached N". */
  readonly depth: number;
  /** pan's own elapsed time ("pan: elapsed time N seconds"), not counting spin and gcc. */
  readonly seconds: number;
  /** pan's "rate N states/second", or stored states / seconds when pan prints no rate. */
  readonly statesPerSecond: number;
  /** pan's "total actual memory usage" in MB. */
  readonly memoryMB: number;
  /** "errors: N" (with -c0, every violation found). */
  readonly errors: number;
  readonly assertionViolated: boolean;
  readonly invalidEndState: boolean;
  /** The distinct expressions of violated assertions, as pan prints them. */
  readonly violatedAssertions: readonly string[];
  /** pan's full output. */
  readonly output: string;
}

export interface SpinOptions {
  /** Path of the .pml file. */
  readonly model: string;
  /** cpp defines for spin -a, e.g. ["-DN=3"]. */
  readonly defines: readonly string[];
  /** Other spin options, e.g. ["-o2"] (keep write-only variables in the state vector). */
  readonly spinFlags?: readonly string[];
  /** Flags for pan, e.g. ["-m10000000", "-w28"]. Default: ["-c0", "-m1000000"] (every error, a deep stack). */
  readonly panFlags?: readonly string[];
  /** Flags for gcc, e.g. ["-DMEMLIM=8000", "-DCOLLAPSE"]. Default: ["-O2", "-DSAFETY", "-DNOREDUCE"]. */
  readonly compileFlags?: readonly string[];
}

export const defaultPanFlags: readonly string[] = ['-c0', '-m1000000'];
export const defaultCompileFlags: readonly string[] = ['-O2', '-DSAFETY', '-DNOREDUCE'];

function commandWorks(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'pipe', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** True when both spin and gcc can be run. */
export function spinAvailable(): boolean {
  return commandWorks('spin', ['-V']) && commandWorks('gcc', ['--version']);
}

function run(what: string, command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, [...args], { cwd, encoding: 'utf8', stdio: 'pipe', maxBuffer: 1 << 30 });
  } catch (error) {
    const failure = error as { status?: number | null; stdout?: string; stderr?: string; message?: string };
    const detail = [failure.stderr, failure.stdout].filter((text) => text && text.trim() !== '').join('\n').trim();
    throw new Error(`${what} failed (${command} ${args.join(' ')}, exit ${failure.status ?? '?'}): ${detail || failure.message || 'no output'}`);
  }
}

function number(output: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(output);
  if (match === null) throw new Error(`pan's output has no ${what}:\n${output}`);
  return Number(match[1]);
}

/** Compiles and runs pan on a model; throws with spin's or gcc's messages when they fail. */
export function runSpin(options: SpinOptions): SpinRun {
  const dir = mkdtempSync(join(tmpdir(), 'spin-'));
  try {
    run('spin -a', 'spin', [...(options.spinFlags ?? []), ...options.defines, '-a', options.model], dir);
    run('gcc', 'gcc', [...(options.compileFlags ?? defaultCompileFlags), '-o', 'pan', 'pan.c'], dir);
    // pan exits 0 even when it finds errors; a non-zero exit is a failure of pan itself.
    const output = run('pan', join(dir, 'pan'), options.panFlags ?? defaultPanFlags, dir);
    if (/max search depth too small/.test(output)) {
      throw new Error(`pan's search was truncated (max search depth too small): give pan a larger -m\n${output}`);
    }
    const storedStates = number(output, /^\s*(\d+(?:\.\d+)?(?:e\+\d+)?) states, stored/m, 'stored states');
    const seconds = number(output, /pan: elapsed time ([\d.e+]+) seconds/, 'elapsed time');
    const rate = /pan: rate\s+([\d.e+]+) states\/second/.exec(output);
    const violatedAssertions = [...new Set([...output.matchAll(/^pan:\d+: assertion violated (.*?) \(at depth \d+\)$/gm)].map((m) => m[1]!))];
    return {
      storedStates,
      transitions: number(output, /^\s*(\d+(?:\.\d+)?(?:e\+\d+)?) transitions \(= (?:stored|visited)\+matched\)/m, 'transitions'),
      depth: number(output, /depth reached (\d+)/, 'depth'),
      seconds,
      statesPerSecond: rate !== null ? Number(rate[1]) : seconds > 0 ? storedStates / seconds : 0,
      memoryMB: number(output, /^\s*([\d.]+)\s+total actual memory usage/m, 'total memory usage'),
      errors: number(output, /errors: (\d+)/, 'error count'),
      assertionViolated: /^pan:\d+: assertion violated/m.test(output),
      invalidEndState: /^pan:\d+: invalid end state/m.test(output),
      violatedAssertions,
      output,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
