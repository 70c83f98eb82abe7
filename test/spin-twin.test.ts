// The SPIN twin (machines/spin/mta-system.pml) against our explorer: for every variant and
// dialogue mode at the default bounds, and at bounds away from the defaults, SPIN stores
// exactly as many states as we find, reports an invalid end state exactly when we have a
// terminal state that is not a valid end state, and violates the assertion of a mirrored
// safety property exactly when our verdict on it is FAIL. At two runs the state sets are
// compared one by one. Two checkers that share no code agreeing on all this is evidence that
// both read the charts the same way.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { analyse } from '../explore/analysis';
import { explore, type Exploration } from '../explore/explore';
import { runSpin, spinAvailable, type SpinRun } from '../explore/spin';
import { defaultBounds, dialogueModes, type Bounds } from '../machines/bounds';
import { composeSystem } from '../machines/composition';
import type { DialogueMode } from '../machines/pdu';
import { propertiesFor, propertyNames } from '../machines/properties';
import { twinDefines, twinModelPath, twinSpinFlags, twinStateLine } from '../machines/spin/twin';
import { variantNames, variants, type VariantName } from '../machines/variants';

// On a developer's machine without spin or gcc the comparison is skipped; in CI it must run.
const available = spinAvailable();
const runIt = available || process.env.CI === 'true';

/** The mirrored properties and the variable each one's assertion names in the .pml. */
const mirrored = [
  { name: propertyNames.recoveryKeepsCheckpointSize, assertion: 'recovery_keeps_the_negotiated_checkpoint_size' },
  { name: propertyNames.turnNeverLost, assertion: 'turn_is_never_lost' },
] as const;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Bounds as the suite builds them (machines/suite.ts boundsOf): every recovery answer up to the proposal. */
function boundsWith(changes: Partial<Bounds>): Bounds {
  const bounds = { ...defaultBounds, ...changes };
  return {
    ...bounds,
    recoveryAnswerCheckpointSizes: range(0, bounds.proposedCheckpointSize),
    recoveryAnswerWindowSizes: range(1, bounds.proposedWindowSize),
  };
}

function ours(variant: VariantName, mode: DialogueMode, bounds: Bounds) {
  const model = composeSystem({ variant, machine: variants[variant], mode, bounds });
  const exploration = explore(model);
  expect(exploration.complete).toBe(true);
  return { model, exploration };
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
    ...(trace ? { compileFlags: ['-O2', '-DSAFETY', '-DNOREDUCE', '-DPRINTF'] } : {}),
  });
}

interface Case {
  readonly variant: VariantName;
  readonly mode: DialogueMode;
  readonly bounds: Bounds;
  readonly label: string;
}

const atDefaults: Case[] = variantNames.flatMap((variant) =>
  dialogueModes.map((mode) => ({ variant, mode, bounds: defaultBounds, label: `${variant} · ${mode} · default bounds` })),
);
// Away from the defaults: more losses and fewer messages, and a small channel that overflows
// (the channel's final state and the invalid end states it leaves).
const elsewhere: Case[] = [
  { variant: 'unpatched', mode: 'twa', bounds: boundsWith({ messagesFromA: 1, losses: 2 }), label: 'unpatched · twa · 1 message from A, 2 losses' },
  { variant: 'patched', mode: 'twa', bounds: boundsWith({ messagesFromA: 1, losses: 2 }), label: 'patched · twa · 1 message from A, 2 losses' },
  {
    variant: 'checkpoint-fix',
    mode: 'monologue',
    bounds: boundsWith({ acceptorCheckpointLimit: 2, acceptorWindowLimit: 1, messageSize: 3, capacity: 3 }),
    label: 'checkpoint-fix · monologue · acceptor keeps 2 KB, window 1, 3 KB messages, capacity 3',
  },
];

/** Every run's figures, printed at the end for the record. */
const table: string[] = [];

describe.skipIf(!runIt)('the SPIN twin agrees with our explorer', () => {
  afterAll(() => {
    if (table.length > 0) console.log(['run | our states | SPIN stored | invalid end state (ours / SPIN) | assertions violated', ...table].join('\n'));
  });

  test.each([...atDefaults, ...elsewhere])(
    '$label: same state count, same invalid end states, same safety verdicts',
    ({ variant, mode, bounds, label }) => {
      const { exploration } = ours(variant, mode, bounds);
      const run = spin(variant, mode, bounds);
      const ourInvalid = hasInvalidEndState(exploration);
      table.push(`${label} | ${exploration.stateCount} | ${run.storedStates} | ${ourInvalid} / ${run.invalidEndState} | ${run.violatedAssertions.join(', ') || '-'}`);

      expect(run.storedStates).toBe(exploration.stateCount);
      expect(run.invalidEndState).toBe(ourInvalid);
      // Only the mirrored properties may fail: `twin_limit` means the twin's arrays are too small.
      expect(run.violatedAssertions.filter((a) => !mirrored.some((m) => m.assertion === a))).toEqual([]);
      const properties = propertiesFor(mode, bounds).filter((p) => mirrored.some((m) => m.name === p.name));
      const verdicts = analyse(exploration, properties);
      for (const { name, assertion } of mirrored) {
        const verdict = verdicts.find((r) => r.name === name)!.verdict;
        expect([name, verdict === 'FAIL']).toEqual([name, run.violatedAssertions.includes(assertion)]);
      }
    },
    120_000,
  );

  test.each([
    { variant: 'checkpoint-fix' as const, mode: 'twa' as const, bounds: defaultBounds },
    { variant: 'unpatched' as const, mode: 'monologue' as const, bounds: boundsWith({ messagesFromA: 1, losses: 2 }) },
  ])('$variant · $mode: SPIN reaches exactly our states, state by state', ({ variant, mode, bounds }) => {
    const { exploration } = ours(variant, mode, bounds);
    const run = spin(variant, mode, bounds, true);
    // pan prints the state every step reaches; the initial state is reached by none.
    const theirs = new Set(run.output.split('\n').filter((line) => line.startsWith('STATE')).map((line) => line.trim()));
    theirs.add(twinStateLine(exploration.view(0)));
    const mine = new Set(Array.from({ length: exploration.stateCount }, (_, s) => twinStateLine(exploration.view(s))));
    expect(mine.size).toBe(exploration.stateCount);
    expect([...mine].filter((line) => !theirs.has(line)).slice(0, 5)).toEqual([]);
    expect([...theirs].filter((line) => !mine.has(line)).slice(0, 5)).toEqual([]);
  }, 120_000);

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
  test('gives the variant, mode and every bound as -D flags', () => {
    expect(twinDefines('checkpoint-fix', 'twa', defaultBounds)).toEqual([
      '-DTURN_FIX=0',
      '-DCKPT_FIX=1',
      '-DMODE_TWA=1',
      '-DMSGS_A=2',
      '-DMSGS_B=1',
      '-DLOSSES=1',
      '-DTHRESHOLD=3',
      '-DATTEMPTS=2',
      '-DCKPT_A=2',
      '-DWIN_A=2',
      '-DCKPT_B=1',
      '-DWIN_B=2',
      '-DMSG_SIZE=2',
      '-DCAPACITY=16',
      '-DANSWER_CKPT_MAX=2',
      '-DANSWER_WIN_MAX=2',
    ]);
  });

  test('refuses bounds the .pml cannot hold, naming the bound', () => {
    expect(() => twinDefines('patched', 'twa', boundsWith({ proposedCheckpointSize: 5 }))).toThrow(/proposedCheckpointSize = 5/);
    expect(() => twinDefines('patched', 'twa', { ...defaultBounds, recoveryAnswerCheckpointSizes: [1, 2] })).toThrow(/recovery answers/);
    expect(() => twinDefines('patched', 'twa', { ...defaultBounds, capacity: 1000 })).toThrow(/capacity = 1000/);
  });
});
