// The verification suite of the MTA model: what `npm run verify` and `npm run check` explore.

import type { BoundLine, OptionSpec, OptionValues, RunSpec, Suite } from '../explore/suite';
import { boundReasons, defaultBounds, dialogueModes, type Bounds } from './bounds';
import type { channelMachine } from './channel.machine';
import { composeSystem } from './composition';
import { mutants } from './mutants';
import { untakenReasonsFor } from './coverage-notes';
import type { MtaMachine } from './mta.machine';
import type { DialogueMode } from './pdu';
import { propertiesFor } from './properties';
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
  featured: { run: 'unpatched · twa', property: 'no deadlock' },
  expectedPath: 'machines/expected-outcomes.json',
  resultsDir: 'results',
  readmePath: 'README.md',
};
