// The verification suite of the MTA model: what `npm run verify` and `npm run check` explore.

import type { BoundLine, OptionSpec, OptionValues, RunSpec, Suite } from '../explore/suite';
import type { SweepPlan } from '../explore/sweep';
import { benchPlan } from './bench-ladder';
import { boundReasons, defaultBounds, dialogueModes, type Bounds } from './bounds';
import { channelMachine } from './channel.machine';
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
const integerOptions: { name: string; bound: keyof Bounds; min: number; max: number; describe: string }[] = [
  { name: 'messages', bound: 'messagesFromA', min: 0, max: 6, describe: 'messages A sends' },
  { name: 'messages-b', bound: 'messagesFromB', min: 0, max: 6, describe: 'messages B sends (two-way alternate only)' },
  { name: 'losses', bound: 'losses', min: 0, max: 4, describe: 'connection losses' },
  { name: 'threshold', bound: 'threshold', min: 1, max: 20, describe: 'message threshold T for a new association' },
  { name: 'attempts', bound: 'recoveryAttempts', min: 1, max: 5, describe: 'recovery attempts before the timeout' },
  { name: 'checkpoint', bound: 'proposedCheckpointSize', min: 0, max: 4, describe: 'checkpoint size A proposes (KB; 0 = none)' },
  { name: 'window', bound: 'proposedWindowSize', min: 1, max: 4, describe: 'window A proposes' },
  { name: 'acceptor-checkpoint', bound: 'acceptorCheckpointLimit', min: 0, max: 4, describe: 'largest checkpoint size B accepts' },
  { name: 'acceptor-window', bound: 'acceptorWindowLimit', min: 1, max: 4, describe: 'largest window B accepts' },
  { name: 'message-size', bound: 'messageSize', min: 1, max: 6, describe: 'message size (KB)' },
  { name: 'capacity', bound: 'capacity', min: 1, max: 64, describe: 'PDUs in flight per direction before it counts as a modelling error' },
];

const options: OptionSpec[] = [
  { name: 'variant', kind: 'choice', choices: variantNames, defaultValue: 'patched', describe: 'which MTA implementation' },
  { name: 'mode', kind: 'choice', choices: dialogueModes, defaultValue: 'twa', describe: 'dialogue mode' },
  ...integerOptions.map(
    (o): OptionSpec => ({ name: o.name, kind: 'integer', min: o.min, max: o.max, defaultValue: defaultBounds[o.bound] as number, describe: o.describe }),
  ),
];

function boundsOf(values: OptionValues): Bounds {
  const bounds: Record<string, unknown> = { ...defaultBounds };
  for (const o of integerOptions) bounds[o.bound] = values[o.name];
  const proposed = bounds as unknown as Bounds;
  return {
    ...proposed,
    // An unpatched acceptor may answer a recovery with anything up to the proposal.
    recoveryAnswerCheckpointSizes: range(0, proposed.proposedCheckpointSize),
    recoveryAnswerWindowSizes: range(1, proposed.proposedWindowSize),
  };
}

function runSpec(
  variant: VariantName,
  mode: DialogueMode,
  bounds: Bounds,
  machine: MtaMachine = variants[variant],
  channelChart?: typeof channelMachine,
): RunSpec {
  return {
    id: `${variant} · ${mode}`,
    group: variant,
    section: mode,
    model: composeSystem({ variant, machine, mode, bounds, ...(channelChart ? { channelChart } : {}) }),
    properties: propertiesFor(mode, bounds),
    untakenReasons: untakenReasonsFor(mode),
  };
}

/** The patched model across a grid of bounds, and the smallest bounds at which each unpatched bug shows. */
function sweepPlan(): SweepPlan {
  const cellBounds = (messages: number, losses: number, checkpoint: number, window: number, threshold: number): Bounds => ({
    ...defaultBounds,
    messagesFromA: messages,
    losses,
    threshold,
    proposedCheckpointSize: checkpoint,
    acceptorCheckpointLimit: checkpoint,
    proposedWindowSize: window,
    acceptorWindowLimit: window,
    recoveryAnswerCheckpointSizes: range(0, checkpoint),
    recoveryAnswerWindowSizes: range(1, window),
  });
  const sections = dialogueModes.flatMap((mode) =>
    range(0, 3).map((losses) => ({
      name: `patched · ${mode} · ${losses} loss${losses === 1 ? '' : 'es'}`,
      ladders: [0, 1, 2].flatMap((checkpoint) =>
        range(1, 3).flatMap((window) =>
          range(2, 4).map((threshold) => ({
            row: `ckpt ${checkpoint}, win ${window}, T ${threshold}`,
            rungs: range(1, 4).map((messages) => ({
              column: `${messages} message${messages === 1 ? '' : 's'}`,
              run: runSpec('patched', mode, cellBounds(messages, losses, checkpoint, window, threshold)),
            })),
          })),
        ),
      ),
    })),
  );
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
  return {
    title: 'X.400 MTAs over RTSE: bound sweep',
    budget: 40_000,
    fixed: [
      'Grid: patched, both dialogue modes, losses 0–3, checkpoint size 0–2 (proposed and accepted), window 1–3 (proposed and accepted), threshold T 2–4, messages from A 1–4. Fixed at the defaults: messages from B 1 (two-way alternate), message size 2 KB, 2 recovery attempts, capacity 16.',
    ],
    sections,
    minimal: [
      { bug: 'Turn lost on recovery (KB Q166594)', property: propertyNames.turnNeverLost, candidates: candidates('twa') },
      { bug: 'Turn lost: deadlock below the threshold', property: propertyNames.noDeadlock, candidates: candidates('twa') },
      { bug: 'Checkpoint size differs on recovery (KB Q187929)', property: propertyNames.recoveryKeepsCheckpointSize, candidates: candidates('monologue') },
      { bug: 'Monologue recovery never succeeds (KB Q187929)', property: propertyNames.monologueRecoverySucceeds, candidates: candidates('monologue') },
    ],
  };
}

export const suite: Suite = {
  title: 'X.400 MTAs over RTSE',
  introduction: [
    'Every reachable state of MTA A (association initiator) + channel + MTA B (responder), explored breadth-first for each variant and dialogue mode. Every counterexample below was replayed through real XState actors before it was written.',
    'Fairness for the liveness properties: every protocol step (a delivery, a loss notice, the acceptor\'s answer, the recovery timer) that stays enabled is eventually taken (weak fairness); losses happen finitely often; submissions are bounded. The acceptor\'s choice of answer is not constrained by fairness.',
  ],
  options,
  conflict(values) {
    const fromB = values.mode === 'twa' ? (values['messages-b'] as number) : 0;
    if ((values.messages as number) === 0 && fromB === 0) {
      return 'nothing to verify: no messages are sent (--messages is 0, and --messages-b is 0 or the mode is monologue)';
    }
    return null;
  },
  bounds(values) {
    const bounds = boundsOf(values);
    const lines: BoundLine[] = [];
    for (const [name, value] of Object.entries(bounds) as [keyof Bounds, Bounds[keyof Bounds]][]) {
      const text = Array.isArray(value) ? `{${value.join(', ')}}` : String(value);
      const isDefault = JSON.stringify(value) === JSON.stringify(defaultBounds[name]);
      lines.push({ name, value: text, reason: isDefault ? boundReasons[name] : 'set on the command line' });
    }
    return lines;
  },
  runFor(group, section, lines) {
    if (!(variantNames as readonly string[]).includes(group)) return `unknown variant "${group}"`;
    if (!(dialogueModes as readonly string[]).includes(section)) return `unknown dialogue mode "${section}"`;
    const bounds: Record<string, unknown> = {};
    for (const { name, value } of lines) {
      if (!(name in defaultBounds)) return `unknown bound "${name}"`;
      const list = /^\{(.*)\}$/.exec(value);
      const parsed = list ? (list[1]!.trim() === '' ? [] : list[1]!.split(',').map((part) => Number(part.trim()))) : Number(value);
      if ([parsed].flat().some((n) => !Number.isInteger(n) || n < 0)) return `bound "${name}" has the value "${value}"`;
      bounds[name] = parsed;
    }
    const missing = Object.keys(defaultBounds).filter((name) => !(name in bounds));
    if (missing.length > 0) return `bounds ${missing.join(', ')} are missing`;
    return runSpec(group as VariantName, section as DialogueMode, bounds as unknown as Bounds);
  },
  verifyRuns: () => variantNames.flatMap((variant) => dialogueModes.map((mode) => runSpec(variant, mode, defaultBounds))),
  checkRun: (values) => runSpec(values.variant as VariantName, values.mode as DialogueMode, boundsOf(values)),
  mutants: () =>
    mutants.map((mutant) => ({
      name: mutant.name,
      fault: mutant.fault,
      boundsNote: mutant.bounds
        ? `${Object.entries(mutant.bounds).map(([name, value]) => `${name} = ${String(value)}`).join(', ')}: ${mutant.boundsReason ?? ''}`
        : '',
      runs: mutant.modes.map((mode) => ({
        ...runSpec('patched', mode, { ...defaultBounds, ...mutant.bounds }, mutant.machine, mutant.channelChart),
        id: `${mutant.name} · ${mode}`,
      })),
    })),
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
