// Every counterexample is replayed through real actors (createActor) before it is reported:
// the model's runtime performs the same environment steps, and after each one every actor's
// snapshot must have the key of the explored state. A trace that does not replay is a
// checker bug, never a result.

import type { Trace } from './analysis';
import type { Exploration } from '../engine/explore';
import { snapshotKey } from '../engine/explore';
import type { RuntimeOptions } from '../engine/model';

export class ReplayError extends Error {}

export function replayTrace(exploration: Exploration, trace: Trace, what: string, options: RuntimeOptions = {}): void {
  const { model, actorNames } = exploration;
  const runtime = model.startRuntime(options);
  try {
    const compare = (index: number) => {
      const expected = exploration.view(trace.states[index]!);
      const actual = runtime.snapshots();
      for (const actor of actorNames) {
        const want = snapshotKey(model, actor, expected[actor]!);
        const got = snapshotKey(model, actor, actual[actor]!);
        if (want !== got) {
          const step = index === 0 ? 'the initial state' : `step ${index} (${exploration.steps[trace.steps[index - 1]!]!.label})`;
          throw new ReplayError(`${what}: the replay through real actors differs at ${step} for ${actor}:\n  explored ${want}\n  replayed ${got}`);
        }
      }
    };
    compare(0);
    trace.steps.forEach((step, i) => {
      runtime.perform(exploration.steps[step]!.payload);
      compare(i + 1);
    });
  } finally {
    runtime.stop();
  }
}
