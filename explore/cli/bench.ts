// `npm run bench`: a ladder of growing bounds (the suite's bench plan), each rung explored by the
// fast engine in a child process of its own, so that its time and peak memory are its own; the
// same rungs by SPIN's pan on the model's Promela twin (when the suite has one and spin is
// installed); one rung by xstate/graph's getAdjacencyMap. It prints figures and ratios and
// asserts nothing about time: the machines are shared and noisy.

import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ComposedModel } from '../engine/model';
import { runSpin, spinAvailable } from './spin';

export interface BenchRung {
  /** Names the rung in tables, e.g. "unpatched · twa · 3 messages from A, 3 losses". */
  readonly name: string;
  /** Only with --large (rungs that take minutes and gigabytes). */
  readonly large: boolean;
  model(): ComposedModel;
  /** The same model as a Promela twin, for SPIN. */
  /** How SPIN runs the same rung (a function: only a bench with spin installed asks for it). */
  readonly spin?: () => { readonly model: string; readonly defines: readonly string[]; readonly spinFlags?: readonly string[] };
  /** Also walk this rung with xstate/graph's getAdjacencyMap (slow: pick a small rung). */
  readonly xstateGraph?: boolean;
}

export interface BenchPlan {
  /** What grows from rung to rung, in one sentence. */
  readonly description: string;
  readonly rungs: readonly BenchRung[];
}

export interface EngineFigures {
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** Visited set and parent columns (typed arrays as allocated), divided by the states. */
  readonly bytesPerState: number;
  readonly peakRssMB: number;
}

export interface OurFigures extends EngineFigures {
  readonly localStates: Readonly<Record<string, number>>;
  /** Distinct (actor, local state, event) questions asked of XState, and the seconds they took. */
  readonly xstateCalls: number;
  readonly xstateSeconds: number;
}

export interface SpinFigures {
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** pan's own report of the memory it used, divided by the states. */
  readonly bytesPerState: number;
  readonly memoryMB: number;
}

export interface RungReport {
  readonly name: string;
  readonly ours: OurFigures;
  readonly spin: SpinFigures | null;
  readonly xstateGraph: { readonly states: number; readonly seconds: number; readonly statesPerSecond: number; readonly peakRssMB: number } | null;
}

export interface BenchReport {
  readonly machine: string;
  readonly description: string;
  readonly rungs: readonly RungReport[];
  /** The fast engine on the largest rung. */
  readonly statesPerSecond: number;
  readonly bytesPerState: number;
  readonly largestStates: number;
  readonly largestPeakRssMB: number;
  /** Highest states/s of the fast engine over all rungs, divided by the lowest. */
  readonly statesPerSecondSpread: number;
  /**
   * The same spread with the time of first-time XState calls taken out: the engine's own
   * search rate, as pan's rate leaves out spin and gcc building its transition code.
   */
  readonly statesPerSecondSpreadExcludingXState: number;
  /** Fast engine states/s ÷ pan states/s on the largest rung both explored and pan could time (null without spin). */
  readonly vsSpin: number | null;
  readonly vsSpinRung: string | null;
  /** Fast engine states/s ÷ getAdjacencyMap states/s on the rung xstate/graph walked. */
  readonly vsXstateGraph: number | null;
  readonly vsXstateGraphRung: string | null;
}

const childPath = fileURLToPath(new URL('./bench-child.ts', import.meta.url));

/** Runs one measurement in a fresh Node process (with the same loader flags, so TypeScript runs). */
function inChild<T>(suitePath: string, rung: number, what: 'ours' | 'xstate-graph'): T {
  const child = spawnSync(process.execPath, [...process.execArgv, childPath, suitePath, String(rung), what], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`bench: measuring ${what} on rung ${rung} failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as T;
}

/**
 * pan as for a plain state count, like the fast engine's bench run: no assertion (-A) or
 * end-state (-E) checks, a hash table of about two slots per state (SPIN's own advice), and a
 * depth limit well above the model's depth.
 */
function spinFigures(rung: BenchRung, expectedStates: number): SpinFigures {
  const hashBits = Math.max(18, Math.ceil(Math.log2(expectedStates)) + 1);
  const run = runSpin({ ...rung.spin!(), panFlags: ['-A', '-E', '-m1000000', `-w${hashBits}`] });
  return {
    states: run.storedStates,
    transitions: run.transitions,
    seconds: run.seconds,
    statesPerSecond: run.statesPerSecond,
    bytesPerState: (run.memoryMB * 1024 * 1024) / run.storedStates,
    memoryMB: run.memoryMB,
  };
}

export function machineDescription(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function runBench(suitePath: string, plan: BenchPlan, options: { large: boolean; log: (line: string) => void }): BenchReport {
  const { log } = options;
  const withSpin = spinAvailable();
  if (!withSpin) log('spin is not installed (apt-get install -y spin): no SPIN comparison in this run');
  const reports: RungReport[] = [];
  plan.rungs.forEach((rung, index) => {
    if (rung.large && !options.large) return;
    log(`${rung.name}: fast engine…`);
    const ours = inChild<OurFigures>(suitePath, index, 'ours');
    let spin: SpinFigures | null = null;
    if (withSpin && rung.spin) {
      log(`${rung.name}: SPIN…`);
      spin = spinFigures(rung, ours.states);
      if (spin.states !== ours.states) log(`  note: SPIN stored ${spin.states} states, the fast engine found ${ours.states}`);
    }
    let xstateGraph: RungReport['xstateGraph'] = null;
    if (rung.xstateGraph) {
      log(`${rung.name}: xstate/graph getAdjacencyMap…`);
      xstateGraph = inChild(suitePath, index, 'xstate-graph');
    }
    reports.push({ name: rung.name, ours, spin, xstateGraph });
  });
  if (reports.length === 0) throw new Error('bench: the plan has no rung to run');

  const largest = reports.reduce((a, b) => (b.ours.states > a.ours.states ? b : a));
  const rates = reports.map((r) => r.ours.statesPerSecond);
  const ownRates = reports.map((r) => ownStatesPerSecond(r.ours));
  // pan times in hundredths of a second: on a tiny rung it may report 0 s, and no rate.
  const bothSpin = reports.filter((r) => r.spin !== null && r.spin.states === r.ours.states && r.spin.statesPerSecond > 0);
  const spinRung = bothSpin.length ? bothSpin.reduce((a, b) => (b.ours.states > a.ours.states ? b : a)) : null;
  const graphRung = reports.filter((r) => r.xstateGraph !== null).at(-1) ?? null;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    machine: machineDescription(),
    description: plan.description,
    rungs: reports,
    statesPerSecond: largest.ours.statesPerSecond,
    bytesPerState: largest.ours.bytesPerState,
    largestStates: largest.ours.states,
    largestPeakRssMB: largest.ours.peakRssMB,
    statesPerSecondSpread: round(Math.max(...rates) / Math.min(...rates)),
    statesPerSecondSpreadExcludingXState: round(Math.max(...ownRates) / Math.min(...ownRates)),
    vsSpin: spinRung ? round(spinRung.ours.statesPerSecond / spinRung.spin!.statesPerSecond) : null,
    vsSpinRung: spinRung?.name ?? null,
    vsXstateGraph: graphRung ? round(graphRung.ours.statesPerSecond / graphRung.xstateGraph!.statesPerSecond) : null,
    vsXstateGraphRung: graphRung?.name ?? null,
  };
}

/** States per second of search without the first-time XState calls. */
function ownStatesPerSecond(figures: OurFigures): number {
  return figures.states / (figures.seconds - figures.xstateSeconds);
}

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

/** The report as a markdown table and a few lines of ratios (what docs/performance.md shows). */
export function benchMarkdown(report: BenchReport): string {
  const lines = [
    `Machine: ${report.machine}. ${report.description}`,
    '',
    '| rung | states | transitions | s | states/s | bytes/state | peak RSS MB | XState calls (share of time) | pan states | pan s | pan states/s | pan bytes/state | ours ÷ pan |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of report.rungs) {
    const o = r.ours;
    const s = r.spin;
    lines.push(
      `| ${r.name} | ${thousands(o.states)} | ${thousands(o.transitions)} | ${o.seconds.toFixed(2)} | ${thousands(o.statesPerSecond)} | ${o.bytesPerState.toFixed(1)} | ${thousands(o.peakRssMB)} | ` +
        `${thousands(o.xstateCalls)} (${Math.round((100 * o.xstateSeconds) / o.seconds)} %) | ` +
        (s
          ? `${thousands(s.states)} | ${s.seconds.toFixed(2)} | ${thousands(s.statesPerSecond)} | ${s.bytesPerState.toFixed(1)} | ${(o.statesPerSecond / s.statesPerSecond).toFixed(2)} |`
          : '– | – | – | – | – |'),
    );
  }
  lines.push('');
  for (const r of report.rungs) {
    if (r.xstateGraph) {
      const g = r.xstateGraph;
      lines.push(
        `xstate/graph getAdjacencyMap on "${r.name}": ${thousands(g.states)} states in ${g.seconds.toFixed(1)} s (${thousands(g.statesPerSecond)} states/s, peak RSS ${thousands(g.peakRssMB)} MB).`,
      );
    }
  }
  lines.push(
    `Fast engine ÷ xstate/graph: ${report.vsXstateGraph ?? '–'} (states/s, same rung). Fast engine ÷ SPIN pan: ${report.vsSpin ?? '–'} (states/s, on "${report.vsSpinRung ?? '–'}").`,
    `Largest rung: ${thousands(report.largestStates)} states, ${report.bytesPerState.toFixed(1)} bytes/state, peak RSS ${thousands(report.largestPeakRssMB)} MB. Highest ÷ lowest states/s over the rungs: ${report.statesPerSecondSpread}.`,
  );
  const own = report.rungs.map((r) => ownStatesPerSecond(r.ours));
  lines.push(
    `Without the time spent asking XState (each distinct question once), the engine's own states/s range from ${thousands(Math.min(...own))} to ${thousands(Math.max(...own))} (highest ÷ lowest: ${report.statesPerSecondSpreadExcludingXState}).`,
  );
  return lines.join('\n');
}
