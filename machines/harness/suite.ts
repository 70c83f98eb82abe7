// The verification suite of the MTA model: what `npm run verify` and `npm run check` explore.

import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { boundText, type BoundLine, type OptionSpec, type OptionValues, type PropertyInfo, type Publishing, type RunSpec, type Suite } from '../../explore/cli/suite';
import type { SweepPlan } from '../../explore/cli/sweep';
import { benchPlan } from './bench-ladder';
import { boundReasons, defaultBounds, dialogueModes, type Bounds } from '../bounds';
import { channelFaults, channelMachine, type ChannelFault } from '../channel.machine';
import { mtaMachine } from '../mta.machine';
import { composeSystem } from '../composition';
import { mutants } from './mutants';
import { untakenReasonsFor } from './coverage-notes';
import type { MtaMachine } from '../mta.machine';
import type { DialogueMode } from '../pdu';
import { propertiesFor, propertyNames } from '../properties';
import { variantNames, variants, type VariantName } from '../variants';

/**
 * The model's sources: every .ts file of machines/ (this harness has its own folder) except the
 * failure sentences of the reports (explain.ts: rewording one is not a change of the model).
 * Their hash is the results' provenance.
 */
const modelFolder = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelSources = readdirSync(modelFolder)
  .filter((file) => file.endsWith('.ts') && file !== 'explain.ts')
  .sort()
  .map((file) => relative(process.cwd(), join(modelFolder, file)));

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Command-line option → bound, with the range a run on this machine can take. */
const boundOptions: {
  name: string;
  bound: keyof Bounds;
  kind: 'integer' | 'integers' | 'choices';
  min?: number;
  max?: number;
  choices?: readonly string[];
  describe: string;
  notApplied?: OptionSpec['notApplied'];
}[] = [
  { name: 'messages', bound: 'messagesFromA', kind: 'integer', min: 0, max: 6, describe: 'messages A sends' },
  {
    name: 'messages-b',
    bound: 'messagesFromB',
    kind: 'integer',
    min: 0,
    max: 6,
    describe: 'messages B sends (two-way alternate only)',
    notApplied: (values) => (values.mode === 'twa' ? null : 'B sends only in two-way alternate (--mode twa)'),
  },
  { name: 'losses', bound: 'losses', kind: 'integer', min: 0, max: 4, describe: 'connection losses' },
  { name: 'threshold', bound: 'threshold', kind: 'integer', min: 1, max: 20, describe: 'message threshold T for a new association' },
  { name: 'attempts', bound: 'recoveryAttempts', kind: 'integer', min: 1, max: 5, describe: 'recovery attempts before the timeout' },
  { name: 'checkpoint', bound: 'proposedCheckpointSize', kind: 'integer', min: 0, max: 4, describe: 'checkpoint size both MTAs propose (KB; 0 = the acceptor chooses)' },
  { name: 'window', bound: 'proposedWindowSize', kind: 'integer', min: 1, max: 4, describe: 'window both MTAs propose' },
  { name: 'acceptor-checkpoints', bound: 'acceptorCheckpointLimits', kind: 'integers', min: 0, max: 4, describe: 'the acceptor\'s checkpoint limit on a connection (KB; 0 = no checkpointing): one of these, chosen per connection' },
  { name: 'acceptor-windows', bound: 'acceptorWindowLimits', kind: 'integers', min: 1, max: 4, describe: 'the acceptor\'s window limit on a connection: one of these, chosen per connection' },
  { name: 'message-size', bound: 'messageSize', kind: 'integer', min: 1, max: 6, describe: 'message size (KB)' },
  { name: 'capacity', bound: 'capacity', kind: 'integer', min: 1, max: 64, describe: 'PDUs in flight per direction before it counts as a modelling error' },
  { name: 'faults', bound: 'faults', kind: 'choices', choices: channelFaults, describe: 'single-PDU faults of the channel' },
  {
    name: 'max-faults',
    bound: 'maxFaults',
    kind: 'integer',
    min: 1,
    max: 4,
    describe: 'single-PDU faults in a run, when --faults names any',
    notApplied: (values) => ((values.faults as readonly string[]).length > 0 ? null : 'no channel fault is on (--faults none)'),
  },
  { name: 'threshold-associations', bound: 'thresholdAssociations', kind: 'integer', min: 0, max: 3, describe: 'threshold associations each MTA may open in a run' },
  { name: 'turn-please-repeats', bound: 'turnPleaseRepeats', kind: 'integer', min: 0, max: 2, describe: 'times an MTA may repeat a Turn-Please before it gets the Turn' },
  { name: 'unasked-gives', bound: 'unaskedGivesPerConnection', kind: 'integer', min: 0, max: 2, describe: 'times an MTA may give the Turn unasked on one connection' },
];

const options: OptionSpec[] = [
  { name: 'variant', kind: 'choice', choices: variantNames, defaultValue: 'patched', describe: 'which MTA implementation' },
  { name: 'mode', kind: 'choice', choices: dialogueModes, defaultValue: 'twa', describe: 'dialogue mode' },
  ...boundOptions.map((o): OptionSpec => ({ ...o, defaultValue: defaultBounds[o.bound] as OptionSpec['defaultValue'] })),
];

function boundsOf(values: OptionValues): Bounds {
  const bounds: Record<string, unknown> = { ...defaultBounds };
  for (const o of boundOptions) bounds[o.bound] = values[o.name];
  return bounds as unknown as Bounds;
}

/** A bound read back from a results file: of the kind the default has, or null. */
function boundFrom(name: keyof Bounds, value: unknown): Bounds[keyof Bounds] | null {
  const naturals = (list: unknown) => Array.isArray(list) && list.every((n) => Number.isInteger(n) && n >= 0);
  if (name === 'faults') return Array.isArray(value) && value.every((fault) => (channelFaults as readonly unknown[]).includes(fault)) ? (value as ChannelFault[]) : null;
  if (Array.isArray(defaultBounds[name])) return naturals(value) ? (value as number[]) : null;
  return Number.isInteger(value) && (value as number) >= 0 ? (value as number) : null;
}

function boundLines(bounds: Bounds): BoundLine[] {
  return (Object.entries(bounds) as [keyof Bounds, Bounds[keyof Bounds]][]).map(([name, value]) => {
    const isDefault = JSON.stringify(value) === JSON.stringify(defaultBounds[name]);
    return { name, value, reason: isDefault ? boundReasons[name] : 'other than the default' };
  });
}

/** Fairness, as it applies to every verdict of a run (the analysis in explore/check/analysis.ts). */
function assumptions(bounds: Bounds): string {
  const faults = bounds.faults.length === 0 ? 'none' : `${bounds.faults.join(', ')} (at most ${bounds.maxFaults})`;
  return [
    'Assumed fair (weakly): deliveries, loss notices, the acceptor\'s answer (that it answers, not which limit it has), the recovery timers (once nothing can still recover), submissions, the threshold.',
    `Not fair: the acceptor\'s local limit on each connection (any of ${boundText(bounds.acceptorCheckpointLimits)} KB, window ${boundText(bounds.acceptorWindowLimits)}, chosen anew per connection, possibly the worst every time); connection losses (at most ${bounds.losses}) and single-PDU faults (${faults}): finitely many, never forced.`,
  ].join(' ');
}

/** What each run was made from, for its counterpart in the report. */
const madeFrom = new WeakMap<RunSpec, { mode: DialogueMode; bounds: Bounds }>();

function runSpec(
  variant: VariantName,
  mode: DialogueMode,
  bounds: Bounds,
  options: { machine?: MtaMachine; channelChart?: typeof channelMachine; section?: string } = {},
): RunSpec {
  const section = options.section ?? mode;
  const spec: RunSpec = {
    id: `${variant} · ${section}`,
    group: variant,
    section,
    model: composeSystem({ machine: options.machine ?? variants[variant], mode, bounds, ...(options.channelChart ? { channelChart: options.channelChart } : {}) }),
    properties: propertiesFor(mode, bounds),
    untakenReasons: untakenReasonsFor(mode),
    assumptions: assumptions(bounds),
    bounds: boundLines(bounds),
  };
  madeFrom.set(spec, { mode, bounds });
  return spec;
}

/**
 * The runs of the verification job. Every variant at the default bounds in each mode, and runs
 * that each raise one thing a reviewer asks about, for the variants it concerns:
 * - the Turn discipline in full (a Turn-Please repeated, the Turn given unasked: so they cross);
 * - a threshold T a queue can reach (the KB's workaround);
 * - two losses;
 * - more losses than recovery attempts (the recovery timer restarts a transfer).
 */
interface RunPlan {
  readonly name: string;
  readonly changes: Partial<Bounds>;
  readonly variants: readonly VariantName[];
}

const runPlans: Record<DialogueMode, readonly RunPlan[]> = {
  monologue: [
    { name: 'monologue', changes: {}, variants: variantNames },
    { name: 'monologue, 2 losses', changes: { losses: 2 }, variants: ['unpatched', 'patched'] },
    { name: 'monologue, 1 message from A, 2 losses, 1 recovery attempt', changes: { messagesFromA: 1, losses: 2, recoveryAttempts: 1 }, variants: ['patched'] },
  ],
  twa: [
    { name: 'twa', changes: {}, variants: variantNames },
    {
      name: 'twa, 1 message each way, Turn-Please repeated, Turn given unasked',
      changes: { messagesFromA: 1, messagesFromB: 1, turnPleaseRepeats: 1, unaskedGivesPerConnection: 1 },
      variants: ['unpatched', 'turn-fix', 'turn-fix-giver', 'patched'],
    },
    { name: 'twa, T 2', changes: { threshold: 2 }, variants: ['unpatched', 'patched'] },
    { name: 'twa, 1 message each way, 2 losses', changes: { messagesFromA: 1, messagesFromB: 1, losses: 2 }, variants: ['unpatched', 'patched'] },
    {
      name: 'twa, 1 message each way, 2 losses, 1 recovery attempt',
      changes: { messagesFromA: 1, messagesFromB: 1, losses: 2, recoveryAttempts: 1 },
      variants: ['patched'],
    },
  ],
};

/** Where each property applies: the modes where some run of the verification job checks it. */
function propertyCatalogue(): PropertyInfo[] {
  const perMode = dialogueModes.map((mode) => ({
    mode,
    atDefaults: propertiesFor(mode, defaultBounds),
    anywhere: runPlans[mode].map((plan) => propertiesFor(mode, { ...defaultBounds, ...plan.changes })),
  }));
  return perMode[perMode.length - 1]!.atDefaults.map(({ name, kind }) => {
    const modes = perMode.filter(({ anywhere }) => anywhere.some((list) => list.some((p) => p.name === name && p.notApplicableBecause === undefined)));
    const reasons = modes
      .map(({ mode, atDefaults }) => ({ mode, reason: atDefaults.find((p) => p.name === name)?.notApplicableBecause }))
      .filter((m) => m.reason !== undefined);
    const atDefaults = modes.filter((m) => !reasons.some((r) => r.mode === m.mode)).map((m) => m.mode);
    const where = modes.length === 0 ? 'no run of the verification job' : modes.map((m) => m.mode).join(', ');
    return {
      name,
      kind,
      appliesTo: reasons.length === 0 ? where : `${where} (at the default bounds: ${atDefaults.join(', ') || 'none'})`,
      ...(reasons.length === 0 ? {} : { note: reasons.map((r) => `n/a at the default bounds in ${r.mode}: ${r.reason}`).join('; ') }),
    };
  });
}

/** The bug reports each variant still has, and the properties by which each one shows. */
const bugReports = {
  turn: {
    reference: 'KB Q166594 (the Turn is lost on recovery)',
    properties: [propertyNames.turnNeverLost, propertyNames.noDeadlock, propertyNames.deliveredWithoutNewAssociation, propertyNames.lostGiveRecovered] as string[],
  },
  checkpoint: {
    reference: 'KB Q187929 (the checkpoint size differs on recovery)',
    properties: [propertyNames.recoverySucceedsWhileUp, propertyNames.confirmedDataNeverResent, propertyNames.recoveryKeepsCheckpointSize] as string[],
  },
};
const bugsOf: Record<VariantName, readonly (keyof typeof bugReports)[]> = {
  unpatched: ['turn', 'checkpoint'],
  'turn-fix': ['checkpoint'],
  'turn-fix-giver': ['turn', 'checkpoint'],
  'checkpoint-fix': ['turn'],
  patched: [],
};

function knownFailure(run: RunSpec, property: string): string | null {
  const bugs = bugsOf[run.group as VariantName] ?? [];
  const bug = bugs.map((name) => bugReports[name]).find((report) => report.properties.includes(property));
  return bug ? `${run.group} reproduces ${bug.reference}` : null;
}

/** The patched model across a grid of bounds, what each channel fault does to it, and the smallest bounds at which each unpatched bug shows. */
function sweepPlan(): SweepPlan {
  const cellBounds = (messages: number, losses: number, limits: readonly number[], window: number, threshold: number): Bounds => ({
    ...defaultBounds,
    messagesFromA: messages,
    losses,
    threshold,
    acceptorCheckpointLimits: limits,
    proposedWindowSize: window,
    acceptorWindowLimits: [window],
  });
  const sections = dialogueModes.flatMap((mode) =>
    range(0, 3).map((losses) => ({
      name: `patched · ${mode} · ${losses} loss${losses === 1 ? '' : 'es'}`,
      expectClean: true,
      ladders: [[0], [1], [1, 2]].flatMap((limits) =>
        range(1, 3).flatMap((window) =>
          range(2, 4).map((threshold) => ({
            row: `limit {${limits.join(', ')}}, win ${window}, T ${threshold}`,
            rungs: range(1, 4).map((messages) => ({
              column: `${messages} message${messages === 1 ? '' : 's'}`,
              run: runSpec('patched', mode, cellBounds(messages, losses, limits, window, threshold)),
            })),
          })),
        ),
      ),
    })),
  );
  const faultSections = dialogueModes.map((mode) => ({
    name: `patched · ${mode} · one channel fault (what it does)`,
    expectClean: false,
    ladders: channelFaults.map((fault) => ({
      row: `--faults ${fault}`,
      rungs: [0, 1].map((losses) => ({
        column: `${losses} loss${losses === 1 ? '' : 'es'}`,
        run: runSpec('patched', mode, { ...defaultBounds, losses, faults: [fault], maxFaults: 1 }),
      })),
    })),
  }));
  const candidates = (mode: DialogueMode) => {
    const list: { label: string; run: RunSpec; size: number[] }[] = [];
    for (const losses of [0, 1]) {
      for (const fromA of [0, 1, 2]) {
        for (const fromB of mode === 'twa' ? [0, 1] : [0]) {
          for (const attempts of [1, 2]) {
            if (fromA + fromB === 0) continue;
            const bounds = { ...defaultBounds, losses, messagesFromA: fromA, messagesFromB: fromB, recoveryAttempts: attempts };
            const label = `${mode}, A sends ${fromA}, B sends ${fromB}, ${losses} loss${losses === 1 ? '' : 'es'}, ${attempts} recovery attempt${attempts === 1 ? '' : 's'}`;
            list.push({ label, run: runSpec('unpatched', mode, bounds), size: [losses, fromA + fromB, attempts] });
          }
        }
      }
    }
    const order = (x: number[], y: number[]) => x.reduce((d, v, i) => d || v - y[i]!, 0);
    return list.sort((x, y) => order(x.size, y.size));
  };
  const checkpointBugs = dialogueModes.flatMap((mode) => [
    { bug: `Checkpoint size differs on recovery (KB Q187929), ${mode}: the symptom`, property: propertyNames.recoveryKeepsCheckpointSize, candidates: candidates(mode) },
    { bug: `Checkpoint size differs on recovery, ${mode}: the recovery never succeeds`, property: propertyNames.recoverySucceedsWhileUp, candidates: candidates(mode) },
    { bug: `Checkpoint size differs on recovery, ${mode}: confirmed data sent again`, property: propertyNames.confirmedDataNeverResent, candidates: candidates(mode) },
  ]);
  return {
    title: 'X.400 MTAs over RTSE: bound sweep',
    budget: 40_000,
    fixed: [
      'Grid: patched, both dialogue modes, losses 0–3, the acceptor\'s checkpoint limit per connection {0} (no checkpointing, so no recovery), {1} or {1, 2} (it may change between connections), window 1–3 (proposed, and the acceptor\'s limit), threshold T 2–4, messages from A 1–4. Fixed at the defaults: both MTAs propose 2 KB, messages from B 1 (two-way alternate), message size 2 KB, 2 recovery attempts, capacity 16, no channel faults.',
      'Faults: patched at the default bounds with one single-PDU fault of each kind (`--faults drop|duplicate|reorder --max-faults 1`). RTSE assumes a connection that delivers in order until it is lost, so these rows report what each fault does; they are not expected to be clean and do not count in the headline.',
      'Clean means every safety and liveness property that applies passes. A property that does not apply to a cell (n/a, e.g. "confirmed data is never sent again" where losses exceed the recovery attempts) is not counted; the footnote names it.',
    ],
    sections: [...sections, ...faultSections],
    minimal: [
      { bug: 'Turn lost on recovery (KB Q166594)', property: propertyNames.turnNeverLost, candidates: candidates('twa') },
      { bug: 'Turn lost: deadlock below the threshold', property: propertyNames.noDeadlock, candidates: candidates('twa') },
      ...checkpointBugs,
    ],
  };
}

/** What the reports say and show, and where they go. */
const publishing: Publishing = {
  title: 'X.400 MTAs over RTSE',
  introduction: [
    'Every reachable state of MTA A (association initiator) + channel + MTA B (responder), explored breadth-first for each variant and dialogue mode. Every counterexample below was replayed through real XState actors before it was written.',
    'Fairness for the liveness properties: every protocol step (a delivery, a loss notice, the acceptor\'s answer, a recovery timer once nothing can still recover, the opening of a threshold association once a queue is at the threshold and the open association idles) that stays enabled is eventually taken (weak fairness); losses and channel faults happen finitely often and are never forced; a repeated Turn-Please and a Turn given unasked are optional (not fair, never forced); submissions are bounded. Which local limit the acceptor has on a connection is not constrained by fairness: it may be the worst one every time.',
  ],
  stories: [
    {
      title: 'KB Q166594: the Turn is lost on recovery',
      sentences: [
        'MTA A holds the Turn, the right to send, and gives it to MTA B with a Turn-Give (GTC), but the connection drops before the GTC arrives.',
        'After the recovery each MTA believes the other one holds the Turn, so B ignores the Turn-Please (PT) with which A asks for it back.',
        'Nothing is sent either way until a queue reaches the message threshold and a new association is opened; mail below the threshold waits for ever.',
      ],
      shownBy: { run: 'unpatched · twa', property: propertyNames.noDeadlock },
    },
    {
      title: 'KB Q187929: the checkpoint size changes on recovery',
      sentences: [
        'When the association is opened, the accepting MTA B answers with a checkpoint size within its local limit (say 1 KB), and both MTAs keep it for a recovery.',
        'After a connection loss, A asks to recover the association, and B answers like a fresh open, from its local limit at that moment, with another size (say 2 KB).',
        'A cannot resume with other sizes and refuses the answer; on a monologue connection only A reconnects, so every recovery fails alike until the timer drops the association and the transfer starts again from the beginning.',
      ],
      shownBy: { run: 'unpatched · monologue', property: propertyNames.recoverySucceedsWhileUp },
    },
  ],
  counterpartOf: (run) => {
    const from = madeFrom.get(run);
    return run.group === 'patched' || from === undefined ? null : runSpec('patched', from.mode, from.bounds, { section: run.section });
  },
  charts: [
    { name: 'mta', machine: mtaMachine },
    { name: 'channel', machine: channelMachine },
  ],
  featured: { run: 'unpatched · twa', property: 'no deadlock' },
  knownFailure,
  modelSources,
  resultsDir: 'results',
  readmePath: 'README.md',
};

export const suite: Suite = {
  options,
  conflict(values) {
    const fromB = values.mode === 'twa' ? (values['messages-b'] as number) : 0;
    if ((values.messages as number) === 0 && fromB === 0) {
      return 'nothing to verify: no messages are sent (--messages is 0, and --messages-b is 0 or the mode is monologue)';
    }
    return null;
  },
  bounds: (values) => boundLines(boundsOf(values)),
  runFor(group, section, given) {
    if (!(variantNames as readonly string[]).includes(group)) return `unknown variant "${group}"`;
    const mode = dialogueModes.find((m) => section === m || section.startsWith(`${m},`));
    if (mode === undefined) return `unknown section "${section}"`;
    const bounds: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(given)) {
      if (!(name in defaultBounds)) return `unknown bound "${name}"`;
      const parsed = boundFrom(name as keyof Bounds, value);
      if (parsed === null) return `bound "${name}" has the value ${JSON.stringify(value)}`;
      bounds[name] = parsed;
    }
    const missing = Object.keys(defaultBounds).filter((name) => !(name in bounds));
    if (missing.length > 0) return `bounds ${missing.join(', ')} are missing`;
    return runSpec(group as VariantName, mode, bounds as unknown as Bounds, { section });
  },
  verifyRuns: () =>
    dialogueModes.flatMap((mode) =>
      runPlans[mode].flatMap((plan) =>
        plan.variants.map((variant) => runSpec(variant, mode, { ...defaultBounds, ...plan.changes }, { section: plan.name })),
      ),
    ),
  checkRun: (values) => runSpec(values.variant as VariantName, values.mode as DialogueMode, boundsOf(values)),
  mutants: () =>
    mutants.map((mutant) => {
      const bounds = { ...defaultBounds, ...mutant.bounds };
      return {
        name: mutant.name,
        fault: mutant.fault,
        base: mutant.base,
        boundsNote: mutant.bounds
          ? `${Object.entries(mutant.bounds).map(([name, value]) => `${name} = ${boundText(value as Bounds[keyof Bounds])}`).join(', ')}: ${mutant.boundsReason ?? ''}`
          : '',
        runs: mutant.modes.map((mode) => ({
          fault: { ...runSpec(mutant.base, mode, bounds, { machine: mutant.machine ?? variants[mutant.base], ...(mutant.channelChart ? { channelChart: mutant.channelChart } : {}) }), id: `${mutant.name} · ${mode}` },
          base: runSpec(mutant.base, mode, bounds),
        })),
      };
    }),
  sweepPlan,
  benchPlan: () => benchPlan,
  propertyCatalogue,
  expectedPath: 'machines/harness/expected-outcomes.json',
  publishing,
};
