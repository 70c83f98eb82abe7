// A two-rung bench plan on the MTA model at small bounds, for test/bench.test.ts: the bench
// command reads the suite's benchPlan (and its options, for argument parsing).

import type { BenchPlan } from '../explore/cli/bench';
import type { Suite } from '../explore/cli/suite';
import { suite as real } from '../machines/harness/suite';
import { defaultBounds, type Bounds } from '../machines/bounds';
import { composeSystem } from '../machines/composition';
import { twinDefines, twinModelPath, twinSpinFlags } from '../machines/harness/spin/twin';
import { variants } from '../machines/variants';

function rung(messagesFromA: number, xstateGraph: boolean): BenchPlan['rungs'][number] {
  const bounds: Bounds = { ...defaultBounds, messagesFromA };
  return {
    name: `patched · monologue · ${messagesFromA} message(s)`,
    large: false,
    model: () => composeSystem({ machine: variants.patched, mode: 'monologue', bounds }),
    spin: () => ({ model: twinModelPath, defines: twinDefines('patched', 'monologue', bounds), spinFlags: twinSpinFlags }),
    xstateGraph,
  };
}

/** The real suite with a two-rung ladder: what the bench command sees, nothing cast. */
export const suite: Suite = {
  ...real,
  benchPlan: () => ({ description: 'Two small rungs for the test.', rungs: [rung(1, true), rung(2, false)] }),
};
