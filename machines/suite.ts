// The verification suite of the MTA model: what `npm run verify` and `npm run check` explore.

import type { BoundLine, OptionSpec, OptionValues, RunSpec, Suite } from '../explore/suite';
import type { SweepPlan } from '../explore/sweep';
import { benchPlan } from './bench-ladder';
import { boundReasons, defaultBounds, dialogueModes, type Bounds } from './bounds';
import { channelFaults, channelMachine, type ChannelFault } from './channel.machine';
import { mtaMachine } from './mta.machine';
import { composeSystem } from './composition';
import { mutants } from './mutants';
import { untakenReasonsFor } from './coverage-notes';
import type { MtaMachine } from './mta.machine';
import type { DialogueMode } from './pdu';
import { propertiesFor, propertyNames } from './properties';
import { variantNames, variants, type VariantName } from './variants';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Command-line option → bound, with the range a run on this machine can take. */
const boundOptions: { name: string; bound: keyof Bounds; kind: 'integer' | 'integers' | 'choices'; min?: number; max?: number; choices?: readonly string[]; describe: string }[] = [
  { name: 'messages', bound: 'messagesFromA', kind: 'integer', min: 0, max: 6, describe: 'messages A sends' },
  { name: 'messages-b', bound: 'messagesFromB', kind: 'integer', min: 0, max: 6, describe: 'messages B sends (two-way alternate only)' },
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
  { name: 'max-faults', bound: 'maxFaults', kind: 'integer', min: 1, max: 4, describe: 'single-PDU faults in a run, when --faults names any' },
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

function boundText(value: Bounds[keyof Bounds]): string {
  if (!Array.isArray(value)) return String(value);
  return value.length === 0 ? 'none' : `{${value.join(', ')}}`;
}

function parseBound(name: keyof Bounds, text: string): Bounds[keyof Bounds] | null {
  if (name === 'faults') {
    if (text === 'none') return [];
    const list = /^\{(.*)\}$/.exec(text)?.[1]?.split(',').map((part) => part.trim());
    return list !== undefined && list.every((fault) => (channelFaults as readonly string[]).includes(fault)) ? (list as ChannelFault[]) : null;
  }
  const list = /^\{(.*)\}$/.exec(text);
  const parsed = list ? list[1]!.split(',').map((part) => Number(part.trim())) : Number(text);
  return [parsed].flat().every((n) => Number.isInteger(n) && n >= 0) ? parsed : null;
}

function boundLines(bounds: Bounds): BoundLine[] {
  return (Object.entries(bounds) as [keyof Bounds, Bounds[keyof Bounds]][]).map(([name, value]) => {
    const isDefault = JSON.stringify(value) === JSON.stringify(defaultBounds[name]);
    return { name, value: boundText(value), reason: isDefault ? boundReasons[name] : 'other than the default' };
  });
}

/** Fairness, as it applies to every verdict of a run (the analysis in explore/analysis.ts). */
function assumptions(bounds: Bounds): string {
  const faults = bounds.faults.length === 0 ? 'none' : `${bounds.faults.join(', ')} (at most ${bounds.maxFaults})`;
  return [
    'Assumed fair (weakly): deliveries, loss notices, the acceptor\'s answer (that it answers, not which limit it has), the recovery timers (once nothing can still recover), submissions, the threshold.',
    `Not fair: the acceptor\'s local limit on each connection (any of ${boundText(bounds.acceptorCheckpointLimits)} KB, window ${boundText(bounds.acceptorWindowLimits)}, chosen anew per connection, possibly the worst every time); connection losses (at most ${bounds.losses}) and single-PDU faults (${faults}): finitely many, never forced.`,
  ].join(' ');
}

function runSpec(
  variant: VariantName,
  mode: DialogueMode,
  bounds: Bounds,
  options: { machine?: MtaMachine; channelChart?: typeof channelMachine; section?: string } = {},
): RunSpec {
  const section = options.section ?? mode;
  return {
    id: `${variant} · ${section}`,
    group: variant,
    section,
    model: composeSystem({ variant, machine: options.machine ?? variants[variant], mode, bounds, ...(options.channelChart ? { channelChart: options.channelChart } : {}) }),
    properties: propertiesFor(mode, bounds),
    untakenReasons: untakenReasonsFor(mode),
    assumptions: assumptions(bounds),
    bounds: boundLines(bounds),
  };
}

/** The runs where losses exceed recovery attempts: the timer's restart of a transfer, in patched (one message is enough). */
const moreLossesThanAttempts: Partial<Bounds> = { messagesFromA: 1, losses: 2, recoveryAttempts: 1 };
const moreLossesSection = (mode: DialogueMode) => `${mode}, 1 message from A, 2 losses, 1 recovery attempt`;

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

export const suite: Suite = {
  title: 'X.400 MTAs over RTSE',
  introduction: [
    'Every reachable state of MTA A (association initiator) + channel + MTA B (responder), explored breadth-first for each variant and dialogue mode. Every counterexample below was replayed through real XState actors before it was written.',
    'Fairness for the liveness properties: every protocol step (a delivery, a loss notice, the acceptor\'s answer, a recovery timer once nothing can still recover) that stays enabled is eventually taken (weak fairness); losses and channel faults happen finitely often and are never forced; submissions are bounded. Which local limit the acceptor has on a connection is not constrained by fairness: it may be the worst one every time.',
  ],
  options,
  conflict(values) {
    const fromB = values.mode === 'twa' ? (values['messages-b'] as number) : 0;
    if ((values.messages as number) === 0 && fromB === 0) {
      return 'nothing to verify: no messages are sent (--messages is 0, and --messages-b is 0 or the mode is monologue)';
    }
    return null;
  },
  bounds: (values) => boundLines(boundsOf(values)),
  runFor(group, section, lines) {
    if (!(variantNames as readonly string[]).includes(group)) return `unknown variant "${group}"`;
    const mode = dialogueModes.find((m) => section === m || section.startsWith(`${m},`));
    if (mode === undefined) return `unknown section "${section}"`;
    const bounds: Record<string, unknown> = {};
    for (const { name, value } of lines) {
      if (!(name in defaultBounds)) return `unknown bound "${name}"`;
      const parsed = parseBound(name as keyof Bounds, value);
      if (parsed === null) return `bound "${name}" has the value "${value}"`;
      bounds[name] = parsed;
    }
    const missing = Object.keys(defaultBounds).filter((name) => !(name in bounds));
    if (missing.length > 0) return `bounds ${missing.join(', ')} are missing`;
    return runSpec(group as VariantName, mode, bounds as unknown as Bounds, { section });
  },
  verifyRuns: () => [
    ...variantNames.flatMap((variant) => dialogueModes.map((mode) => runSpec(variant, mode, defaultBounds))),
    ...dialogueModes.map((mode) => runSpec('patched', mode, { ...defaultBounds, ...moreLossesThanAttempts }, { section: moreLossesSection(mode) })),
  ],
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
  counterpartOf: (run) => (run.group === 'patched' ? null : runSpec('patched', run.section as DialogueMode, defaultBounds)),
  charts: [
    { name: 'mta', machine: mtaMachine },
    { name: 'channel', machine: channelMachine },
  ],
  featured: { run: 'unpatched · twa', property: 'no deadlock' },
  expectedPath: 'machines/expected-outcomes.json',
  resultsDir: 'results',
  readmePath: 'README.md',
};
