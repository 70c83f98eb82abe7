// The verification job's outcomes on the MTA model: the matrix of domain.md §6, the shape of
// the Turn counterexample, every property shown able to fail, and the checker's inputs
// (environment pre-filter, coverage notes) shown sound.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { runOne } from '../explore/check/pipeline';
import { explore, performStep, snapshotKey } from '../explore/engine/explore';
import { compareWithManifest, type ExpectedManifest, type RunOutcome } from '../explore/check/outcome';
import { groupJson, groupMarkdown } from '../explore/report/report';
import type { RunSpec } from '../explore/check/run-spec';
import { defaultBounds, type Bounds } from '../machines/bounds';
import { channelOf, composeSystem, enabledEnvironmentSteps, everyEnvironmentStep, mtaOf, systemViewOf } from '../machines/composition';
import { onlyWithCheckpointFix, untakenReasonsFor } from '../machines/harness/coverage-notes';
import type { MtaMachine } from '../machines/mta.machine';
import type { DialogueMode } from '../machines/pdu';
import { propertiesFor, propertyNames } from '../machines/properties';
import { suite } from '../machines/harness/suite';
import { phaseOf, queueLengthOf } from '../machines/system';
import { variants, type VariantName } from '../machines/variants';

const names = propertyNames;

function spec(variant: VariantName, mode: DialogueMode, bounds: Partial<Bounds> = {}, machine: MtaMachine = variants[variant]): RunSpec {
  const all = { ...defaultBounds, ...bounds };
  return { id: `${variant} · ${mode}`, group: variant, section: mode, model: composeSystem({ machine, mode, bounds: all }), properties: propertiesFor(mode, all) };
}

let outcomes: RunOutcome[];
const outcomeOf = (id: string) => outcomes.find((o) => o.spec.id === id)!;

beforeAll(async () => {
  outcomes = [];
  for (const run of suite.verifyRuns()) outcomes.push(await runOne(run));
}, 120_000);

describe('the outcome matrix of the verification job', () => {
  // Written from the expected outcomes (each bug fails what it does, each fix removes exactly
  // its own failures, the other Turn candidate is unsafe), not from the manifest: the manifest
  // must agree with it.
  const checkpointBug = [names.recoverySucceedsWhileUp, names.confirmedDataNeverResent, names.recoveryKeepsCheckpointSize];
  const turnBug = [names.turnNeverLost, names.noDeadlock, names.deliveredWithoutNewAssociation, names.lostGiveRecovered];
  /** The giver takes the Turn back, but when only its GTA was lost the receiver holds it too. */
  const giverCandidate = [names.turnNeverLost];
  const turnDiscipline = 'twa, 1 message each way, Turn-Please repeated, Turn given unasked';
  const expectedFailures: Record<string, string[]> = {
    'unpatched · monologue': checkpointBug,
    'turn-fix · monologue': checkpointBug,
    'turn-fix-giver · monologue': checkpointBug,
    'checkpoint-fix · monologue': [],
    'patched · monologue': [],
    'unpatched · monologue, 2 losses': checkpointBug,
    'patched · monologue, 2 losses': [],
    'patched · monologue, 1 message from A, 2 losses, 1 recovery attempt': [],
    'unpatched · twa': [...turnBug, ...checkpointBug],
    'turn-fix · twa': checkpointBug,
    'turn-fix-giver · twa': [...giverCandidate, ...checkpointBug],
    'checkpoint-fix · twa': turnBug,
    'patched · twa': [],
    [`unpatched · ${turnDiscipline}`]: [...turnBug, ...checkpointBug],
    [`turn-fix · ${turnDiscipline}`]: checkpointBug,
    // With a give unasked and a repeated Turn-Please, the two holders also deadlock.
    [`turn-fix-giver · ${turnDiscipline}`]: [...giverCandidate, names.noDeadlock, names.deliveredWithoutNewAssociation, ...checkpointBug],
    [`patched · ${turnDiscipline}`]: [],
    'unpatched · twa, T 2': [...turnBug, ...checkpointBug],
    'patched · twa, T 2': [],
    'unpatched · twa, 1 message each way, 2 losses': [...turnBug, ...checkpointBug],
    'patched · twa, 1 message each way, 2 losses': [],
    'patched · twa, 1 message each way, 2 losses, 1 recovery attempt': [],
  };

  test('the verification job runs exactly these', () => {
    expect(outcomes.map((o) => o.spec.id).sort()).toEqual(Object.keys(expectedFailures).sort());
  });

  test.each(Object.entries(expectedFailures))('%s fails exactly the expected properties; the others pass or do not apply, with a reason', (id, failing) => {
    const outcome = outcomeOf(id);
    expect(outcome.exploration.complete).toBe(true);
    const byVerdict = (verdict: string) => outcome.results.filter((r) => r.verdict === verdict).map((r) => r.name);
    expect(byVerdict('FAIL').sort()).toEqual([...failing].sort());
    expect(outcome.results.filter((r) => !['FAIL', 'pass', 'n/a'].includes(r.verdict))).toEqual([]);
    for (const result of outcome.results.filter((r) => r.verdict === 'n/a')) expect(result.note).toMatch(/\w/);
  });

  test('the threshold association is the KB\'s workaround: it rescues unpatched where a queue can reach T, and is claimed nowhere else', () => {
    const verdict = (id: string, name: string) => outcomeOf(id).results.find((r) => r.name === name)!.verdict;
    expect(verdict('unpatched · twa, T 2', names.thresholdRescues)).toBe('pass');
    expect(verdict('unpatched · twa, T 2', names.thresholdDelivers)).toBe('pass');
    expect(verdict('unpatched · twa', names.thresholdRescues)).toBe('n/a');
    for (const outcome of outcomes.filter((o) => o.spec.group === 'unpatched' && o.spec.section.startsWith('twa'))) {
      expect([outcome.spec.id, outcome.results.find((r) => r.name === names.deliveredWithoutNewAssociation)!.verdict]).toEqual([outcome.spec.id, 'FAIL']);
    }
  });

  test('every sometimes check that applies is reached in patched, and each applies in some patched run', () => {
    for (const outcome of outcomes.filter((o) => o.spec.group === 'patched')) {
      for (const result of outcome.results.filter((r) => r.kind === 'sometimes' && r.verdict !== 'n/a')) {
        expect([outcome.spec.id, result.name, result.verdict, result.witness!.steps.length > 0]).toEqual([outcome.spec.id, result.name, 'pass', true]);
      }
    }
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

describe('the Turn counterexample reads like KB Q166594', () => {
  test.each(['unpatched · twa', 'checkpoint-fix · twa'])('%s: the initiator with a backlog gives the Turn, the GTC is lost, it recovers, asks back, is ignored', (id) => {
    const outcome = outcomeOf(id);
    const result = outcome.results.find((r) => r.name === names.noDeadlock)!;
    const trace = result.illustration!.trace;
    const { exploration } = outcome;
    const events: string[] = [];
    trace.steps.forEach((step, i) => {
      const before = systemViewOf(exploration.view(trace.states[i]!));
      const after = systemViewOf(exploration.view(trace.states[i + 1]!));
      const { deliveries } = exploration.replayStep(trace.states[i]!, step);
      const sentByA = (kind: string) => deliveries.some((d) => d.from === 'A' && 'pdu' in d.event && (d.event.pdu as { kind: string }).kind === kind);
      if (sentByA('GTC') && queueLengthOf(mtaOf(after, 'A')) > 0) events.push('A gives the Turn with mail queued');
      if (exploration.steps[step]!.label === 'connection lost' && channelOf(before).context.toB.some((pdu) => pdu.kind === 'GTC')) events.push('lost with the GTC in flight');
      if (phaseOf(mtaOf(before, 'A')) === 'recovering' && phaseOf(mtaOf(after, 'A')) === 'open') events.push('A recovered');
      if (sentByA('PT')) events.push('A asks for the Turn');
      if (deliveries.some((d) => d.from === 'channel' && d.to === 'B' && d.event.type === 'peer.PT' && d.ignored)) events.push('B ignores it');
    });
    expect(events).toEqual(['A gives the Turn with mail queued', 'lost with the GTC in flight', 'A recovered', 'A asks for the Turn', 'B ignores it']);
    // The shortest counterexample is kept too, and is not longer.
    expect(result.counterexample!.steps.length).toBeLessThanOrEqual(trace.steps.length);
    const manifest = JSON.parse(readFileSync(suite.expectedPath, 'utf8')) as ExpectedManifest;
    expect(result.counterexample!.steps.length).toBe(manifest.runs[id]!.counterexampleLengths[names.noDeadlock]);
  });
});

describe('a recovery attempt is refused and a later one succeeds', () => {
  // With a single loss, a recovery that succeeds on a later attempt had an earlier attempt
  // refused (by the acceptor, or by the caller refusing a changed answer): no loss was left
  // to fail it. Explored at the default bounds, every reachable state.
  const refusedThenSucceeds = (variant: VariantName, mode: DialogueMode) => {
    const { exploration } = outcomeOf(`${variant} · ${mode}`);
    for (let s = 0; s < exploration.expanded; s++) {
      const before = systemViewOf(exploration.view(s));
      for (let e = exploration.edgeStart[s]!; e < exploration.edgeStart[s + 1]!; e++) {
        const after = systemViewOf(exploration.view(exploration.edgeTarget[e]!));
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
  test('each seeded fault (machines/harness/mutants.ts) changes a verdict of its base, and every property fails somewhere', async () => {
    const failing = new Set<string>();
    const collect = (outcome: RunOutcome) => {
      const failed = outcome.results.filter((r) => r.verdict === 'FAIL').map((r) => r.name);
      failed.forEach((name) => failing.add(name));
      return failed;
    };
    // The variants fail the Turn and checkpoint properties.
    outcomes.forEach(collect);
    // Each seeded fault must change a verdict of its base, at the same bounds (the first mode
    // that shows it is enough, as for npm run mutants; bases are shared).
    const bases = new Map<string, RunOutcome>();
    const uncaught: string[] = [];
    for (const mutant of suite.mutants()) {
      let caught = false;
      for (const run of mutant.runs) {
        const key = `${run.base.id} ${mutant.boundsNote}`;
        if (!bases.has(key)) bases.set(key, await runOne(run.base, {}, { coverage: false }));
        const base = bases.get(key)!;
        const fault = await runOne(run.fault, {}, { coverage: false });
        collect(fault);
        caught = fault.results.some((r, i) => r.verdict !== base.results[i]!.verdict);
        if (caught) break;
      }
      if (!caught) uncaught.push(mutant.name);
    }
    expect(uncaught).toEqual([]);
    expect(suite.mutants().length).toBeGreaterThanOrEqual(18);
    // The bound check and the sometimes checks fail when a bound starves them.
    for (const run of [
      spec('patched', 'monologue', { capacity: 3 }),
      spec('patched', 'twa', { losses: 0, messagesFromB: 1 }),
      spec('patched', 'twa', { messagesFromB: 0 }),
      // More losses than attempts, but nothing confirmed to restart: no checkpointing anywhere.
      spec('patched', 'monologue', { messagesFromA: 1, losses: 2, recoveryAttempts: 1, proposedCheckpointSize: 0, acceptorCheckpointLimits: [0] }),
      // A queue can reach T, but B never asks for the Turn: A always holds it, no threshold association opens.
      spec('patched', 'twa', { messagesFromB: 0, threshold: 2 }),
      // A Turn-Please may be repeated, but nobody ever asks: none can cross a give.
      spec('patched', 'twa', { messagesFromA: 1, messagesFromB: 0, turnPleaseRepeats: 1 }),
    ]) {
      collect(await runOne(run, {}, { coverage: false }));
    }
    const all = propertiesFor('twa', defaultBounds).map((p) => p.name);
    expect(all.filter((name) => !failing.has(name))).toEqual([]);
  }, 240_000);
});

describe('the checker\'s inputs are sound', () => {
  test('the environment pre-filter leaves out only steps that change nothing (every reachable state, small bounds)', () => {
    // Every kind of step, the Turn discipline and the threshold included; one limit and one attempt keep it small.
    const bounds: Bounds = { ...defaultBounds, messagesFromA: 1, messagesFromB: 1, turnPleaseRepeats: 1, unaskedGivesPerConnection: 1, threshold: 1, acceptorCheckpointLimits: [2], recoveryAttempts: 1 };
    for (const variant of ['unpatched'] as const) {
      const model = composeSystem({ machine: variants[variant], mode: 'twa', bounds });
      const exploration = explore(model);
      const all = everyEnvironmentStep(bounds);
      const machines = new Map(model.actors.map((a) => [a.name, a.machine]));
      let checked = 0;
      for (let s = 0; s < exploration.stateCount; s++) {
        const view = exploration.view(s);
        const kept = new Set(enabledEnvironmentSteps(all, 'twa', bounds, systemViewOf(view)));
        for (const step of all.filter((candidate) => !kept.has(candidate))) {
          if (step.payload.type === 'user.submit') continue; // left out on purpose: the bound on messages
          if (step.payload.type === 'net.lose') continue; // left out on purpose: the bound on losses
          if (step.payload.type === 'timer.recovery') continue; // left out on purpose: a timer waits for every recovery that can still succeed
          if (step.payload.type === 'queue.threshold') continue; // left out on purpose: a threshold association replaces only an idle one
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
    expect(groupMarkdown(suite.publishing, 'unpatched', bounds, [again])).toBe(groupMarkdown(suite.publishing, 'unpatched', bounds, [first]));
    expect(JSON.stringify(groupJson('unpatched', [again]))).toBe(JSON.stringify(groupJson('unpatched', [first])));
  }, 60_000);
});
