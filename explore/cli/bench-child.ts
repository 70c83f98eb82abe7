// One measurement of `npm run bench`, in a process of its own so its peak memory is its own.
// Usage (by bench.ts only): bench-child.ts <suite module> <rung index> ours|xstate-graph
// Prints one JSON line on stdout; progress goes to stderr.

import { loadSuite } from './args';
import { startFastSearch } from '../engine/fast-engine';
import { statesByXstateGraph } from '../engine/xstate-graph';
import type { OurFigures } from './bench';

const peakRssMB = () => process.resourceUsage().maxRSS / 1024;

async function measure(suitePath: string, index: number, what: string): Promise<unknown> {
  const suite = await loadSuite(suitePath);
  const rung = suite.benchPlan?.().rungs[index];
  if (rung === undefined) throw new Error(`bench-child: no rung ${index} in ${suitePath}`);
  const model = rung.model();
  // A warm-up on the smallest rung first (three rounds), as JIT benchmarks do: the measured run
  // then pays for its own work (every XState call of its own tables included), not for
  // compiling the code. Each run builds its tables afresh: nothing carries over but the JIT.
  const warmUp = suite.benchPlan!().rungs[0]!.model();
  if (what === 'xstate-graph') {
    statesByXstateGraph(warmUp);
    const started = performance.now();
    const states = statesByXstateGraph(model).length;
    const seconds = (performance.now() - started) / 1000;
    return { states, seconds, statesPerSecond: states / seconds, peakRssMB: peakRssMB() };
  }
  for (let round = 0; round < 3; round++) {
    const warmUpSearch = startFastSearch(warmUp, {}, { recordEdges: false });
    while (!warmUpSearch.advance(1 << 20));
  }
  let lastShown = 0;
  const onProgress = ({ states, seconds }: { states: number; seconds: number }) => {
    if (seconds - lastShown < 10) return;
    lastShown = seconds;
    process.stderr.write(`  ${states.toLocaleString('en-US')} states after ${Math.round(seconds)} s\n`);
  };
  const started = performance.now();
  const search = startFastSearch(model, { onProgress }, { recordEdges: false });
  while (!search.advance(1 << 20));
  const seconds = (performance.now() - started) / 1000;
  const figures = search.figures();
  const result: OurFigures = {
    states: figures.states,
    transitions: figures.transitions,
    seconds,
    statesPerSecond: figures.states / seconds,
    bytesPerState: figures.stateBytes / figures.states,
    peakRssMB: peakRssMB(),
    localStates: figures.localStates,
    xstateCalls: figures.rememberedTransitions,
    xstateSeconds: figures.xstateSeconds,
  };
  return result;
}

const [suitePath, index, what] = process.argv.slice(2);
measure(suitePath!, Number(index), what!).then(
  (result) => console.log(JSON.stringify(result)),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
