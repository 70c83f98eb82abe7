// The SPIN twin (machines/harness/spin/mta-system.pml) against our explorer: for every variant and
// dialogue mode at the default bounds, and at bounds away from the defaults (among them runs
// of the verification job), SPIN stores exactly as many states as we find, reports an invalid
// end state exactly when we have a terminal state that is not a valid end state, and violates
// the assertion of a mirrored safety property exactly when our verdict on it is FAIL. At two
// runs the state sets are compared one by one. Two checkers that share no code agreeing on all
// this is evidence that both read the charts the same way.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { analyse } from '../explore/check/analysis';
import { explore, type Exploration } from '../explore/engine/explore';
import type { Property } from '../explore/engine/model';
import { runSpin, spinAvailable, type SpinRun } from '../explore/cli/spin';
import { defaultBounds, dialogueModes, type Bounds } from '../machines/bounds';
import { composeSystem } from '../machines/composition';
import type { DialogueMode } from '../machines/pdu';
import { propertiesFor, propertyNames } from '../machines/properties';
import { twinDefines, twinModelPath, twinSpinFlags, twinStateLine } from '../machines/harness/spin/twin';
import { variantNames, variants, type VariantName } from '../machines/variants';

// On a developer's machine without spin or gcc the comparison is skipped; in CI it must run.
const available = spinAvailable();
const runIt = available || process.env.CI === 'true';

/** The mirrored properties and the variable each one's assertion names in the .pml. */
const mirrored = [
  { name: propertyNames.recoveryKeepsCheckpointSize, assertion: 'recovery_keeps_the_negotiated_checkpoint_size' },
  { name: propertyNames.turnNeverLost, assertion: 'turn_is_never_lost' },
  { name: propertyNames.confirmedDataNeverResent, assertion: 'confirmed_data_is_never_sent_again' },
  { name: propertyNames.deliveredWhole, assertion: 'each_message_is_delivered_whole' },
  { name: propertyNames.exactlyOnceInOrder, assertion: 'each_message_is_delivered_exactly_once_in_order' },
  { name: propertyNames.onlyHolderTransfers, assertion: 'only_the_turn_holder_transfers' },
  { name: propertyNames.windowRespected, assertion: 'the_window_is_respected' },
  { name: propertyNames.negotiationOnlyLowers, assertion: 'negotiation_only_lowers' },
  { name: propertyNames.channelWithinCapacity, assertion: 'the_channel_stays_within_its_capacity' },
] as const;

const withBounds = (changes: Partial<Bounds>): Bounds => ({ ...defaultBounds, ...changes });

// The state counts do not depend on how pan is compiled: -O0 saves gcc about 3 s a run,
// and pan's own search is a small part of the time at these sizes.
const compileFlags = ['-O0', '-w', '-DSAFETY', '-DNOREDUCE'];

function ours(variant: VariantName, mode: DialogueMode, bounds: Bounds): Exploration {
  const exploration = explore(composeSystem({ machine: variants[variant], mode, bounds }));
  expect(exploration.complete).toBe(true);
  return exploration;
}

/** Some state has no step at all and is not a valid end state. */
function hasInvalidEndState(exploration: Exploration): boolean {
  const { edgeStart, model } = exploration;
  for (let s = 0; s < exploration.expanded; s++) {
    if (edgeStart[s] === edgeStart[s + 1] && !model.isValidEndState(exploration.view(s))) return true;
  }
  return false;
}

function spin(variant: VariantName, mode: DialogueMode, bounds: Bounds, trace = false): SpinRun {
  return runSpin({
    model: twinModelPath,
    spinFlags: twinSpinFlags,
    defines: [...twinDefines(variant, mode, bounds), ...(trace ? ['-DTWIN_TRACE'] : [])],
    compileFlags: [...compileFlags, ...(trace ? ['-DPRINTF'] : [])],
  });
}

/**
 * Our verdict on each mirrored property. The twin asserts the invariant itself, so where a
 * property does not apply to a run (n/a, e.g. "confirmed data is never sent again" with more
 * losses than recovery attempts) the invariant's own verdict is the one to compare.
 */
function mirroredVerdicts(exploration: Exploration, mode: DialogueMode, bounds: Bounds): Map<string, { verdict: string; applies: boolean }> {
  const properties = propertiesFor(mode, bounds).filter((p) => mirrored.some((m) => m.name === p.name));
  expect(properties.map((p) => p.name).sort()).toEqual(mirrored.map((m) => m.name).sort());
  const invariants = properties.map(({ notApplicableBecause: _, ...rest }) => rest as Property);
  const results = analyse(exploration, invariants);
  return new Map(
    properties.map((p) => [p.name, { verdict: results.find((r) => r.name === p.name)!.verdict, applies: p.notApplicableBecause === undefined }]),
  );
}

interface Case {
  readonly variant: VariantName;
  readonly mode: DialogueMode;
  readonly bounds: Bounds;
  readonly label: string;
  /** Also compare the state sets one by one (pan prints every state a step reaches). */
  readonly stateByState?: boolean;
}

const atDefaults: Case[] = variantNames.flatMap((variant) =>
  dialogueModes.map((mode) => ({ variant, mode, bounds: defaultBounds, label: `${variant} · ${mode} · default bounds` })),
);
// Away from the defaults, mostly runs of the verification job (machines/harness/suite.ts runPlans):
// the Turn discipline in full (a Turn-Please repeated, the Turn given unasked); a threshold a
// queue can reach; two losses; more losses than recovery attempts. Then: two threshold
// associations each with every Turn choice and no loss; other local limits (checkpoint 0: an
// association that cannot recover) and sizes; a small channel that overflows (the channel's
// final state and the invalid end states it leaves).
const turnDiscipline: Partial<Bounds> = { messagesFromA: 1, messagesFromB: 1, turnPleaseRepeats: 1, unaskedGivesPerConnection: 1 };
const elsewhere: Case[] = [
  {
    variant: 'unpatched',
    mode: 'twa',
    bounds: withBounds(turnDiscipline),
    label: 'unpatched · twa · 1 message each way, Turn-Please repeated, Turn given unasked',
  },
  {
    variant: 'turn-fix-giver',
    mode: 'twa',
    bounds: withBounds(turnDiscipline),
    label: 'turn-fix-giver · twa · 1 message each way, Turn-Please repeated, Turn given unasked, state by state',
    stateByState: true,
  },
  { variant: 'patched', mode: 'twa', bounds: withBounds({ threshold: 2 }), label: 'patched · twa · T 2' },
  {
    variant: 'patched',
    mode: 'twa',
    bounds: withBounds({ messagesFromA: 1, messagesFromB: 1, threshold: 1, turnPleaseRepeats: 1 }),
    label: 'patched · twa · 1 message each way, T 1, Turn-Please repeated, state by state',
    stateByState: true,
  },
  { variant: 'unpatched', mode: 'monologue', bounds: withBounds({ losses: 2 }), label: 'unpatched · monologue · 2 losses' },
  {
    variant: 'unpatched',
    mode: 'twa',
    bounds: withBounds({ messagesFromA: 1, messagesFromB: 1, losses: 2 }),
    label: 'unpatched · twa · 1 message each way, 2 losses',
  },
  {
    variant: 'patched',
    mode: 'twa',
    bounds: withBounds({ messagesFromA: 1, messagesFromB: 1, losses: 2, recoveryAttempts: 1 }),
    label: 'patched · twa · 1 message each way, 2 losses, 1 recovery attempt',
  },
  {
    variant: 'turn-fix-giver',
    mode: 'twa',
    bounds: withBounds({ messagesFromA: 1, messagesFromB: 1, losses: 0, threshold: 1, thresholdAssociations: 2, turnPleaseRepeats: 2, unaskedGivesPerConnection: 2 }),
    label: 'turn-fix-giver · twa · 1 message each way, no loss, T 1, 2 threshold associations, 2 repeats, 2 gives unasked',
  },
  {
    variant: 'checkpoint-fix',
    mode: 'twa',
    bounds: withBounds({ messagesFromB: 1, acceptorCheckpointLimits: [0, 1, 2], acceptorWindowLimits: [1, 2] }),
    label: 'checkpoint-fix · twa · 1 message from B, local limits ckpt {0, 1, 2} × win {1, 2}',
  },
  {
    variant: 'unpatched',
    mode: 'monologue',
    bounds: withBounds({ proposedCheckpointSize: 3, proposedWindowSize: 1, acceptorCheckpointLimits: [1, 3], acceptorWindowLimits: [1], messageSize: 3 }),
    label: 'unpatched · monologue · proposal ckpt 3 win 1, limits ckpt {1, 3}, 3 KB messages',
  },
  { variant: 'unpatched', mode: 'monologue', bounds: withBounds({ capacity: 2 }), label: 'unpatched · monologue · capacity 2' },
  { variant: 'checkpoint-fix', mode: 'twa', bounds: withBounds({ capacity: 2 }), label: 'checkpoint-fix · twa · capacity 2' },
];

/**
 * SPIN reaches exactly our states, state by state: pan (with -DPRINTF, the model with
 * -DTWIN_TRACE) prints the state every step reaches; the initial state is reached by none.
 */
function expectSameStates(exploration: Exploration, run: SpinRun): void {
  const theirs = new Set(run.output.split('\n').filter((line) => line.startsWith('STATE')).map((line) => line.trim()));
  theirs.add(twinStateLine(exploration.view(0)));
  const mine = new Set(Array.from({ length: exploration.stateCount }, (_, s) => twinStateLine(exploration.view(s))));
  expect(mine.size).toBe(exploration.stateCount);
  expect(theirs.size).toBe(run.storedStates);
  expect([...mine].filter((line) => !theirs.has(line)).slice(0, 5)).toEqual([]);
  expect([...theirs].filter((line) => !mine.has(line)).slice(0, 5)).toEqual([]);
}

/** Every run's figures, printed at the end for the record. */
const table: string[] = [];

describe.skipIf(!runIt)('the SPIN twin agrees with our explorer', () => {
  afterAll(() => {
    if (table.length > 0) {
      console.log(
        ['run | our states | SPIN stored | invalid end state (ours / SPIN) | assertions violated | spin+gcc+pan s (pan s)', ...table].join('\n'),
      );
    }
  });

  test.each([...atDefaults, ...elsewhere])(
    '$label: same state count, same invalid end states, same safety verdicts',
    ({ variant, mode, bounds, label, stateByState }) => {
      const exploration = ours(variant, mode, bounds);
      const started = performance.now();
      const run = spin(variant, mode, bounds, stateByState === true);
      const seconds = (performance.now() - started) / 1000;
      const ourInvalid = hasInvalidEndState(exploration);
      table.push(
        `${label} | ${exploration.stateCount} | ${run.storedStates} | ${ourInvalid} / ${run.invalidEndState} | ${run.violatedAssertions.join(', ') || '-'} | ${seconds.toFixed(1)} (${run.seconds})`,
      );

      expect(run.storedStates).toBe(exploration.stateCount);
      expect(run.invalidEndState).toBe(ourInvalid);
      // Only the mirrored properties may fail: `twin_limit` means the twin's arrays are too small.
      expect(run.violatedAssertions.filter((a) => !mirrored.some((m) => m.assertion === a))).toEqual([]);
      const verdicts = mirroredVerdicts(exploration, mode, bounds);
      for (const { name, assertion } of mirrored) {
        const { verdict, applies } = verdicts.get(name)!;
        expect(verdict === 'pass' || verdict === 'FAIL').toBe(true);
        expect([name, applies ? 'applies' : 'n/a', verdict === 'FAIL']).toEqual([name, applies ? 'applies' : 'n/a', run.violatedAssertions.includes(assertion)]);
      }
      if (stateByState) expectSameStates(exploration, run);
    },
    120_000,
  );

  test('a model spin cannot read fails with spin\'s message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spin-bad-'));
    try {
      const model = join(dir, 'bad.pml');
      writeFileSync(model, 'active proctype p() { x = 1 }\n');
      expect(() => runSpin({ model, defines: [] })).toThrow(/spin -a failed.*undeclared variable: x/s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('twinDefines', () => {
  test('gives the variant, mode and every bound as -D flags; the local limits as bit masks', () => {
    expect(twinDefines('checkpoint-fix', 'twa', defaultBounds)).toEqual([
      '-DTURN_FIX=0',
      '-DGIVER_FIX=0',
      '-DCKPT_FIX=1',
      '-DMODE_TWA=1',
      '-DMSGS_A=2',
      '-DMSGS_B=2',
      '-DLOSSES=1',
      '-DTHRESHOLD=3',
      '-DATTEMPTS=2',
      '-DTHR_ASSOCS=1',
      '-DPT_REPEATS=0',
      '-DUNASKED_GIVES=0',
      '-DPROP_CKPT=2',
      '-DPROP_WIN=2',
      '-DLIMIT_CKPTS=6',
      '-DLIMIT_WINS=4',
      '-DMSG_SIZE=2',
      '-DCAPACITY=16',
    ]);
    const limits = twinDefines('patched', 'monologue', withBounds({ acceptorCheckpointLimits: [4, 0], acceptorWindowLimits: [1, 3, 4] }));
    expect(limits).toContain('-DLIMIT_CKPTS=17');
    expect(limits).toContain('-DLIMIT_WINS=26');
    const giver = twinDefines('turn-fix-giver', 'twa', withBounds({ thresholdAssociations: 2, turnPleaseRepeats: 1, unaskedGivesPerConnection: 3 }));
    expect(giver.slice(0, 3)).toEqual(['-DTURN_FIX=0', '-DGIVER_FIX=1', '-DCKPT_FIX=0']);
    expect(giver).toEqual(expect.arrayContaining(['-DTHR_ASSOCS=2', '-DPT_REPEATS=1', '-DUNASKED_GIVES=3']));
  });

  test('refuses bounds the .pml cannot hold, naming the bound', () => {
    expect(() => twinDefines('patched', 'twa', withBounds({ proposedCheckpointSize: 16 }))).toThrow(/proposedCheckpointSize = 16/);
    expect(() => twinDefines('patched', 'twa', withBounds({ capacity: 1000 }))).toThrow(/capacity = 1000/);
    expect(() => twinDefines('patched', 'twa', withBounds({ acceptorCheckpointLimits: [1, 5] }))).toThrow(/acceptorCheckpointLimits entry = 5/);
    expect(() => twinDefines('patched', 'twa', withBounds({ acceptorWindowLimits: [0] }))).toThrow(/acceptorWindowLimits entry = 0/);
    expect(() => twinDefines('patched', 'twa', withBounds({ acceptorWindowLimits: [] }))).toThrow(/acceptorWindowLimits must be a non-empty list/);
    expect(() => twinDefines('patched', 'twa', withBounds({ acceptorCheckpointLimits: [2, 2] }))).toThrow(/lists 2 twice/);
    expect(() => twinDefines('patched', 'twa', withBounds({ turnPleaseRepeats: 17 }))).toThrow(/turnPleaseRepeats = 17/);
    expect(() => twinDefines('patched', 'twa', withBounds({ thresholdAssociations: -1 }))).toThrow(/thresholdAssociations = -1/);
    expect(() => twinDefines('patched', 'twa', withBounds({ faults: ['drop'] }))).toThrow(/channel faults are not modelled/);
  });
});
