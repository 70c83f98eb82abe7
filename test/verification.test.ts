// The verification job's outcomes on the MTA model: the matrix of domain.md §6, the shape of
// the Turn counterexample, every property shown able to fail, and the checker's inputs
// (environment pre-filter, coverage notes) shown sound.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { runOne } from '../explore/cli';
import { explore, performStep, snapshotKey } from '../explore/explore';
import { compareWithManifest, type ExpectedManifest, type RunOutcome } from '../explore/outcome';
import { groupJson, groupMarkdown } from '../explore/report';
import type { RunSpec } from '../explore/suite';
import { defaultBounds, type Bounds } from '../machines/bounds';
import { channelOf, composeSystem, enabledEnvironmentSteps, everyEnvironmentStep, mtaOf } from '../machines/composition';
import { onlyWithCheckpointFix, untakenReasonsFor } from '../machines/coverage-notes';
import type { MtaMachine } from '../machines/mta.machine';
import type { DialogueMode } from '../machines/pdu';
import { propertiesFor, propertyNames } from '../machines/properties';
import { suite } from '../machines/suite';
import { phaseOf } from '../machines/system';
import { variants, type VariantName } from '../machines/variants';

const names = propertyNames;

function spec(variant: VariantName, mode: DialogueMode, bounds: Partial<Bounds> = {}, machine: MtaMachine = variants[variant]): RunSpec {
  const all = { ...defaultBounds, ...bounds };
  return { id: `${variant} · ${mode}`, group: variant, section: mode, model: composeSystem({ variant, machine, mode, bounds: all }), properties: propertiesFor(mode, all) };
}

let outcomes: RunOutcome[];
const outcomeOf = (id: string) => outcomes.find((o) => o.spec.id === id)!;

beforeAll(async () => {
  outcomes = [];
  for (const run of suite.verifyRuns()) outcomes.push(await runOne(run));
}, 120_000);

describe('the outcome matrix, at the default bounds', () => {
  // Written from the expected outcomes of the brief (each bug fails what it does; each fix
  // removes exactly its own failures), not from the manifest: the manifest must agree with it.
  const checkpointBug = [names.recoverySucceedsWhileUp, names.confirmedDataNeverResent, names.recoveryKeepsCheckpointSize];
  const turnBug = [names.turnNeverLost, names.noDeadlock, names.deliveredWithoutNewAssociation];
  const expectedFailures: Record<string, string[]> = {
    'unpatched · monologue': checkpointBug,
    'unpatched · twa': [...turnBug, ...checkpointBug],
    'turn-fix · monologue': checkpointBug,
    'turn-fix · twa': checkpointBug,
    'checkpoint-fix · monologue': [],
    'checkpoint-fix · twa': turnBug,
    'patched · monologue': [],
    'patched · twa': [],
    'patched · monologue, 1 message from A, 2 losses, 1 recovery attempt': [],
    'patched · twa, 1 message from A, 2 losses, 1 recovery attempt': [],
  };
  const notApplicable = (id: string) => {
    const monologue = id.includes('monologue');
    const moreLosses = id.includes('2 losses');
    return [
      ...(moreLosses ? [names.confirmedDataNeverResent] : []),
      ...(monologue ? [names.turnChangesHands] : []),
      ...(moreLosses ? [] : [names.timerRestartsTransfer]),
    ];
  };

  test('the verification job runs exactly these', () => {
    expect(outcomes.map((o) => o.spec.id).sort()).toEqual(Object.keys(expectedFailures).sort());
  });

  test.each(Object.entries(expectedFailures))('%s fails exactly the expected properties; the rest pass or do not apply', (id, failing) => {
    const outcome = outcomeOf(id);
    expect(outcome.exploration.complete).toBe(true);
    const byVerdict = (verdict: string) => outcome.results.filter((r) => r.verdict === verdict).map((r) => r.name);
    expect(byVerdict('FAIL').sort()).toEqual([...failing].sort());
    expect(byVerdict('n/a').sort()).toEqual(notApplicable(id).sort());
    expect(byVerdict('pass')).toHaveLength(outcome.results.length - failing.length - notApplicable(id).length);
    for (const result of outcome.results.filter((r) => r.verdict === 'n/a')) expect(result.note).toMatch(/\w/);
  });

  test('every sometimes check that applies is reached in patched, so no pass is empty', () => {
    for (const outcome of outcomes.filter((o) => o.spec.group === 'patched')) {
      for (const result of outcome.results.filter((r) => r.kind === 'sometimes' && r.verdict !== 'n/a')) {
        expect([outcome.spec.id, result.name, result.verdict, result.witness!.steps.length > 0]).toEqual([outcome.spec.id, result.name, 'pass', true]);
      }
    }
    // Each check applies somewhere in patched.
    const reached = new Set(outcomes.filter((o) => o.spec.group === 'patched').flatMap((o) => o.results.filter((r) => r.verdict === 'pass').map((r) => r.name)));
    for (const name of propertiesFor('twa', defaultBounds).filter((p) => p.kind === 'sometimes').map((p) => p.name)) expect(reached).toContain(name);
  });

  test('the manifest records exactly these outcomes', () => {
    const manifest = JSON.parse(readFileSync(suite.expectedPath, 'utf8')) as ExpectedManifest;
    expect(compareWithManifest(manifest, outcomes)).toEqual([]);
  });

  test('a changed outcome shows up as a readable difference', () => {
    const manifest = JSON.parse(readFileSync(suite.expectedPath, 'utf8')) as ExpectedManifest;
    const tampered: ExpectedManifest = {
      runs: {
        ...manifest.runs,
        'patched · twa': { ...manifest.runs['patched · twa']!, states: 1, verdicts: { ...manifest.runs['patched · twa']!.verdicts, [names.turnNeverLost]: 'FAIL' } },
      },
    };
    expect(compareWithManifest(tampered, outcomes)).toEqual([
      `patched · twa: expected 1 states, found ${outcomeOf('patched · twa').exploration.stateCount}`,
      'patched · twa: "turn is never lost" expected FAIL, got pass',
    ]);
  });
});

/** The MTA's recovery completed in this step: as the caller (recovering → open) or as the acceptor of a recover request. */
function isRecoveredHere(before: ReturnType<typeof mtaOf>, after: ReturnType<typeof mtaOf>): boolean {
  const answeringRecovery = phaseOf(before) === 'answering' && before.context.request?.connectionData.kind === 'recover';
  return (phaseOf(before) === 'recovering' || answeringRecovery) && phaseOf(after) === 'open';
}

describe('the Turn counterexample reads like KB Q166594', () => {
  test.each(['unpatched · twa', 'checkpoint-fix · twa'])('%s: a GTC sent, the loss while it is in flight, the recovery, a Turn-Please ignored', (id) => {
    const outcome = outcomeOf(id);
    const trace = outcome.results.find((r) => r.name === names.noDeadlock)!.counterexample!;
    const { exploration } = outcome;
    const events: string[] = [];
    trace.steps.forEach((step, i) => {
      const before = exploration.view(trace.states[i]!);
      const after = exploration.view(trace.states[i + 1]!);
      const { deliveries } = exploration.replayStep(trace.states[i]!, step);
      if (deliveries.some((d) => d.from === 'A' && 'pdu' in d.event && (d.event.pdu as { kind: string }).kind === 'GTC')) events.push('GTC sent');
      if (exploration.steps[step]!.label === 'connection lost' && channelOf(before).context.toB.some((pdu) => pdu.kind === 'GTC')) events.push('lost with the GTC in flight');
      // Both sides complete the recovery, the acceptor first: one event.
      if ((['A', 'B'] as const).some((side) => isRecoveredHere(mtaOf(before, side), mtaOf(after, side))) && !events.includes('recovered')) events.push('recovered');
      if (deliveries.some((d) => d.from === 'channel' && d.event.type === 'peer.PT' && d.ignored)) events.push('Turn-Please ignored');
    });
    expect(events).toEqual(['GTC sent', 'lost with the GTC in flight', 'recovered', 'Turn-Please ignored', 'Turn-Please ignored']);
    const manifest = JSON.parse(readFileSync(suite.expectedPath, 'utf8')) as ExpectedManifest;
    expect(trace.steps.length).toBe(manifest.runs[id]!.counterexampleLengths[names.noDeadlock]);
  });
});

describe('a recovery attempt is refused and a later one succeeds', () => {
  // With a single loss, a recovery that succeeds on a later attempt had an earlier attempt
  // refused (by the acceptor, or by the caller refusing a changed answer): no loss was left
  // to fail it. Explored at the default bounds, every reachable state.
  const refusedThenSucceeds = (variant: VariantName, mode: DialogueMode) => {
    const { model } = spec(variant, mode);
    const exploration = explore(model);
    for (let s = 0; s < exploration.expanded; s++) {
      const before = exploration.view(s);
      for (let e = exploration.edgeStart[s]!; e < exploration.edgeStart[s + 1]!; e++) {
        const after = exploration.view(exploration.edgeTarget[e]!);
        for (const side of ['A', 'B'] as const) {
          const was = mtaOf(before, side);
          if (phaseOf(was) === 'recovering' && was.context.recoveryAttemptsUsed >= 2 && phaseOf(mtaOf(after, side)) === 'open') return true;
        }
      }
    }
    return false;
  };

  test.each(['monologue', 'twa'] as const)('is reachable in unpatched · %s: the acceptor\'s limit can come back to the original', (mode) => {
    expect(refusedThenSucceeds('unpatched', mode)).toBe(true);
  });

  test.each(['monologue', 'twa'] as const)('is unreachable in patched · %s: no attempt is refused while a recovery can still succeed', (mode) => {
    expect(refusedThenSucceeds('patched', mode)).toBe(false);
  });
});

describe('every property can fail', () => {
  test('each seeded fault (machines/mutants.ts) changes a verdict of its base, and every property fails somewhere', async () => {
    const failing = new Set<string>();
    const collect = (outcome: RunOutcome) => {
      const failed = outcome.results.filter((r) => r.verdict === 'FAIL').map((r) => r.name);
      failed.forEach((name) => failing.add(name));
      return failed;
    };
    // The variants fail the Turn and checkpoint properties.
    outcomes.forEach(collect);
    // Each seeded fault must change a verdict of its base, at the same bounds.
    const uncaught: string[] = [];
    for (const mutant of suite.mutants()) {
      let caught = false;
      for (const run of mutant.runs) {
        const fault = await runOne(run.fault, {}, { coverage: false });
        const base = await runOne(run.base, {}, { coverage: false });
        collect(fault);
        caught ||= fault.results.some((r, i) => r.verdict !== base.results[i]!.verdict);
      }
      if (!caught) uncaught.push(mutant.name);
    }
    expect(uncaught).toEqual([]);
    expect(suite.mutants().length).toBeGreaterThanOrEqual(15);
    // The bound check and the sometimes checks fail when a bound starves them.
    for (const run of [
      spec('patched', 'monologue', { capacity: 3 }),
      spec('patched', 'twa', { losses: 0 }),
      spec('patched', 'twa', { messagesFromB: 0 }),
      // More losses than attempts, but nothing confirmed to restart: no checkpointing anywhere.
      spec('patched', 'monologue', { messagesFromA: 1, losses: 2, recoveryAttempts: 1, proposedCheckpointSize: 0, acceptorCheckpointLimits: [0] }),
    ]) {
      collect(await runOne(run, {}, { coverage: false }));
    }
    const all = propertiesFor('twa', defaultBounds).map((p) => p.name);
    expect(all.filter((name) => !failing.has(name))).toEqual([]);
  }, 240_000);
});

describe('the checker\'s inputs are sound', () => {
  test('the environment pre-filter leaves out only steps that change nothing (every reachable state, small bounds)', () => {
    const bounds: Bounds = { ...defaultBounds, messagesFromA: 1 };
    for (const variant of ['unpatched'] as const) {
      const model = composeSystem({ variant, machine: variants[variant], mode: 'twa', bounds });
      const exploration = explore(model);
      const all = everyEnvironmentStep(bounds);
      const machines = new Map(model.actors.map((a) => [a.name, a.machine]));
      let checked = 0;
      for (let s = 0; s < exploration.stateCount; s++) {
        const view = exploration.view(s);
        const kept = new Set(enabledEnvironmentSteps(all, 'twa', bounds, view));
        for (const step of all.filter((candidate) => !kept.has(candidate))) {
          if (step.payload.type === 'user.submit') continue; // left out on purpose: the bound on messages
          if (step.payload.type === 'net.lose') continue; // left out on purpose: the bound on losses
          if (step.payload.type === 'timer.recovery') continue; // left out on purpose: a timer waits for every recovery that can still succeed
          const snapshots = new Map(Object.entries(view));
          performStep(model, machines, snapshots, step);
          for (const actor of exploration.actorNames) {
            expect(snapshotKey(model, actor, snapshots.get(actor)!)).toBe(snapshotKey(model, actor, view[actor]!));
          }
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1000);
    }
  }, 120_000);

  test('every transition a run leaves untaken has a reason', () => {
    for (const outcome of outcomes) expect(outcome.untaken.filter((u) => u.reason === null).map((u) => `${outcome.spec.id}: ${u.id}`)).toEqual([]);
  });

  test.each(['monologue', 'twa'] as const)('in patched · %s every reason names a transition some patched run leaves untaken', (mode) => {
    const runs = outcomes.filter((o) => o.spec.group === 'patched' && o.spec.section.startsWith(mode));
    const untaken = new Set(runs.flatMap((o) => o.untaken.map((u) => u.id)));
    const reasons = Object.keys(untakenReasonsFor(mode)).filter((id) => !(id in onlyWithCheckpointFix));
    expect(reasons.filter((id) => !untaken.has(id))).toEqual([]);
  });

  test('every transition of the MTA chart is taken somewhere once the bound its reason names is raised', async () => {
    const taken = new Set<string>();
    const extra = [
      spec('patched', 'monologue', { messagesFromA: 1, losses: 2 }), // a second loss, with an attempt left
      spec('patched', 'twa', { messagesFromA: 1, losses: 2 }),
      spec('patched', 'twa', { messagesFromA: 1, acceptorCheckpointLimits: [0] }), // no checkpointing
      spec('unpatched', 'twa', { threshold: 2 }), // the queue reaches the threshold
    ];
    const extraOutcomes: RunOutcome[] = [];
    for (const run of extra) extraOutcomes.push(await runOne(run));
    for (const outcome of [...outcomes, ...extraOutcomes]) {
      const untakenHere = new Set(outcome.untaken.filter((u) => u.chart === 'mta').map((u) => u.id));
      for (const reason of Object.keys(untakenReasonsFor('twa'))) if (!untakenHere.has(reason)) taken.add(reason);
      for (const reason of Object.keys(untakenReasonsFor('monologue'))) if (!untakenHere.has(reason)) taken.add(reason);
    }
    const neverTaken = Object.keys({ ...untakenReasonsFor('twa'), ...untakenReasonsFor('monologue') })
      .filter((id) => id.startsWith('mta.'))
      .filter((id) => !taken.has(id))
      .sort();
    // What remains are answers to what the MTAs never send here (an open in another dialogue
    // mode, a recovery of an unknown association or with a smaller proposal);
    // test/mta.units.test.ts drives each of them with a crafted PDU.
    expect(neverTaken).toEqual([
      'mta.association on peer.RTORQ #2',
      'mta.association on peer.RTORQ #3',
      'mta.association.answering on local.limit #3',
      'mta.association.opening on peer.RTORJ',
    ]);
  }, 120_000);
});

describe('determinism', () => {
  test('two runs write byte-identical reports', async () => {
    const again = await runOne(suite.verifyRuns().find((run) => run.id === 'unpatched · twa')!);
    const first = outcomeOf('unpatched · twa');
    const bounds = suite.bounds(Object.fromEntries(suite.options.map((o) => [o.name, o.defaultValue])));
    expect(groupMarkdown(suite, 'unpatched', bounds, [again])).toBe(groupMarkdown(suite, 'unpatched', bounds, [first]));
    expect(JSON.stringify(groupJson('unpatched', bounds, [again]))).toBe(JSON.stringify(groupJson('unpatched', bounds, [first])));
  }, 60_000);
});
