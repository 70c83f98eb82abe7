// The ladder of `npm run bench`: the unpatched model in two-way alternate (among the largest
// of the four at every bound), growing by messages from A and connection losses. Each rung is
// also run by SPIN on the Promela twin in spin/ (same states, counted by a test), and the
// first by xstate/graph (larger rungs take it minutes and gigabytes). The largest rung needs
// --large.

import type { BenchPlan, BenchRung } from '../../explore/cli/bench';
import { defaultBounds, type Bounds } from '../bounds';
import { composeSystem } from '../composition';
import { twinDefines, twinModelPath, twinSpinFlags } from './spin/twin';
import { variants } from '../variants';

function rung(messagesFromA: number, losses: number, extra: { large?: boolean; xstateGraph?: boolean } = {}): BenchRung {
  const bounds: Bounds = { ...defaultBounds, messagesFromA, losses };
  const messages = `${messagesFromA} message${messagesFromA === 1 ? '' : 's'} from A`;
  return {
    name: `${messages}, ${losses} loss${losses === 1 ? '' : 'es'}`,
    large: extra.large ?? false,
    model: () => composeSystem({ machine: variants.unpatched, mode: 'twa', bounds }),
    spin: () => ({ model: twinModelPath, defines: twinDefines('unpatched', 'twa', bounds), spinFlags: twinSpinFlags }),
    ...(extra.xstateGraph ? { xstateGraph: true } : {}),
  };
}

export const benchPlan: BenchPlan = {
  description: 'Unpatched model, two-way alternate, default bounds but for messages from A and losses.',
  rungs: [rung(2, 1, { xstateGraph: true }), rung(2, 2), rung(3, 2), rung(3, 3), rung(3, 4, { large: true })],
};
