// What `<command> --help` (or -h) prints: the command's purpose, its options (check: the
// suite's own too), examples, and its exit codes. `--version` prints the tool's provenance.

import { commandOptions, type Command } from './args';
import { runProvenanceOf } from '../report/provenance';
import type { Suite } from './suite';

/** Every option of every command, in words: [how it is written, what it does]. */
export const optionHelp: Record<string, readonly [string, string]> = {
  suite: ['--suite <module>', 'the suite module (the npm scripts give machines/harness/suite.ts)'],
  'max-states': ['--max-states N', 'stop the search after N states: inconclusive (exit 3), nothing is called verified'],
  'max-memory': ['--max-memory MB', 'stop the search once resident memory passes MB (approximate, checked between slices): inconclusive'],
  out: ['--out DIR', 'write into DIR (an existing folder) instead of results/ (verify then leaves the README and the manifest alone)'],
  junit: ['--junit FILE', 'also write JUnit XML: one test case per run and property, plus one per run for its state space; an expected FAIL passes, with its bug report'],
  'update-expected': ['--update-expected', 'record the outcomes as the expected-outcome manifest (review the diff)'],
  json: ['--json', 'print JSON on stdout (everything else goes to stderr): numbers as numbers, a provenance object, elapsed seconds; use `npm run -s` so npm prints no banner'],
  'list-properties': ['--list-properties', 'list every property: its name, its kind and the modes it applies to; explores nothing'],
  property: ['--property NAME', 'check only this property (repeatable); the others are reported as not checked'],
  run: ['--run ID', 'the run of the results file, when the property fails in several (e.g. "unpatched · twa"); without it, the suite\'s featured run if it is one of them'],
  inspect: ['--inspect', 'serve a local page embedding the Stately inspector (stately.ai/inspect, needs the internet), open it (BROWSER=none: only print its address), and replay through actors that report to it once it connects'],
  'inspect-url': ['--inspect-url ws://HOST:PORT', 'send the replay\'s actors to a local inspector or relay at that WebSocket address instead (offline); nothing answering: one line, exit 4'],
  large: ['--large', 'also the largest rungs of the ladder (minutes)'],
  shard: ['--shard I/N', 'run the I-th of N disjoint slices of the sweep (whole ladders) and write sweep-shard-I-of-N.json into --out DIR (default sweep-shards/)'],
  merge: ['--merge DIR…', 'merge the partial results of all N shards (folders or files) into sweep.md, byte-identical to an unsharded sweep'],
  help: ['-h, --help', 'this help'],
  debug: ['--debug', 'print the stack of an internal error'],
};

const purposes: Record<Command, string> = {
  verify:
    'The verification job: explores every run of the suite at its default bounds, writes results/ (Markdown, JSON, summary.json, the report) and the README\'s results section, and compares every outcome with the expected-outcome manifest. A run cut short by a limit or a signal writes nothing.',
  check: 'One exploration with the bounds you give (the suite\'s options below); prints the verdicts, the counterexamples and the bounds. Writes nothing.',
  mutants: 'Seeded faults: each one explored beside its base variant; every fault must change a verdict. Writes mutants.md.',
  replay: 'Replays a counterexample from a results file through real XState actors, step by step, and checks that it still shows what it claims.',
  sweep: 'The bound sweep: the suite\'s grid of bounds under a state budget per cell, and the smallest bounds at which each bug shows. Writes sweep.md; --shard and --merge split it across machines (a CI matrix).',
  bench: 'The suite\'s ladder of growing bounds: the fast engine, SPIN on the Promela twin, and xstate/graph, with figures and ratios. Writes nothing.',
};

const usages: Record<Command, string> = {
  verify: 'npm run verify [-- --max-states N] [--max-memory MB] [--update-expected | --out DIR] [--junit FILE] [--json]',
  check: 'npm run check -- [--<option> <value> ...] [--property NAME ...] [--max-states N] [--max-memory MB] [--json]\n       npm run -s check -- --list-properties [--json]',
  mutants: 'npm run mutants [-- --out DIR]',
  replay: 'npm run replay -- <results json> <property name> [--run ID] [--inspect | --inspect-url ws://HOST:PORT]',
  sweep: 'npm run sweep [-- --out DIR]\n       npm run sweep -- --shard I/N [--out DIR]\n       npm run sweep -- --merge DIR... [--out DIR]',
  bench: 'npm run bench [-- --large] [--json]',
};

const examples: Record<Command, readonly string[]> = {
  verify: ['npm run verify', 'npm run verify -- --junit /tmp/junit.xml', 'npm run -s verify -- --out /tmp/results --json > summary.json'],
  check: [
    'npm run check -- --variant unpatched --mode twa',
    'npm run check -- --variant patched --losses 2 --property "no deadlock"',
    'npm run -s check -- --variant patched --mode monologue --json > check.json',
    'npm run -s check -- --list-properties',
  ],
  mutants: ['npm run mutants', 'npm run mutants -- --out /tmp/results'],
  replay: [
    'npm run replay -- results/unpatched.json "no deadlock" --run "unpatched · twa"',
    'npm run replay -- results/unpatched.json "no deadlock" --inspect',
    'npm run replay -- results/unpatched.json "no deadlock" --inspect-url ws://localhost:8080',
  ],
  sweep: ['npm run sweep', 'npm run sweep -- --shard 1/4 --out shard-1', 'npm run sweep -- --merge shard-1 shard-2 shard-3 shard-4'],
  bench: ['npm run bench', 'npm run -s bench -- --json'],
};

const exitCodeLines: Record<Command, readonly string[]> = {
  verify: ['0 every outcome matches the manifest', '1 an outcome differs from the manifest (also a FAIL found inside a cut run)'],
  check: ['0 every property checked holds', '1 a property fails (or is vacuous)'],
  mutants: ['0 every fault is caught', '1 a fault changes no verdict'],
  replay: ['0 the counterexample was replayed and shows what it claims'],
  sweep: ['0 every completed cell expected clean is clean (a shard: its own cells)', '1 a cell expected clean fails'],
  bench: ['0 the figures were measured'],
};

const commonExitCodes = [
  '2 bad input (one line on stderr saying what is wrong and how to fix it)',
  '3 inconclusive: a limit stopped the search; nothing is called verified, nothing written',
  '4 the tool or the machine failed (results cannot be written, a model error, a checker bug; --debug for the stack)',
  '130 SIGINT, 143 SIGTERM: interrupted, nothing written',
];

function optionRange(option: Suite['options'][number]): string {
  return String(
    {
      integer: `${option.min}..${option.max}`,
      integers: `list of ${option.min}..${option.max}`,
      choice: option.choices?.join('|'),
      choices: `none or list of ${option.choices?.join(',')}`,
    }[option.kind],
  );
}

function optionDefault(option: Suite['options'][number]): string {
  const value = option.defaultValue;
  return Array.isArray(value) ? (value.length === 0 ? 'none' : value.join(',')) : String(value);
}

/** The help of one command; with the suite, check lists the suite's options too. */
export function commandHelp(command: Command, suite: Suite | null): string {
  const { values, flags } = commandOptions[command];
  const lines = [`${command}: ${purposes[command]}`, '', 'usage:', `  ${usages[command]}`, '', 'options:'];
  for (const name of [...values, ...flags]) {
    const [form, text] = optionHelp[name] ?? [`--${name}`, ''];
    lines.push(`  ${form.padEnd(22)} ${text}`);
  }
  lines.push(`  ${'--version'.padEnd(22)} the tool's version, xstate's, Node's and the commit`);
  if (command === 'check') {
    lines.push('', 'the suite\'s options (bounds of the exploration):');
    if (suite === null) lines.push('  (give --suite <module> to list them; npm run check does)');
    for (const option of suite?.options ?? []) {
      lines.push(`  --${option.name.padEnd(22)} ${optionRange(option).padEnd(40)} default ${optionDefault(option)}. ${option.describe}`);
    }
    lines.push('  An option given where it has no effect (e.g. --messages-b in monologue) is refused (exit 2).');
  }
  lines.push('', 'examples:', ...examples[command].map((line) => `  ${line}`));
  lines.push('', 'exit codes:', ...[...exitCodeLines[command], ...commonExitCodes].map((line) => `  ${line}`));
  return lines.join('\n');
}

/** The overview: every command in one line, and how to get its help. */
export function overview(): string {
  return [
    'usage: npm run <command> [-- options]   (or: tsx explore/cli/cli.ts <command> --suite <module> [options])',
    '',
    'commands:',
    ...(Object.keys(purposes) as Command[]).map((command) => `  ${command.padEnd(8)} ${purposes[command].split(/(?<=\.) /)[0]}`),
    '',
    'npm run <command> -- --help shows a command\'s options, examples and exit codes; --version the tool\'s version.',
    '',
    'exit codes: 0 as expected, 1 a property violated (verify: an outcome differs from the manifest), 2 bad input,',
    '            3 inconclusive, 4 the tool or the machine failed, 130 SIGINT, 143 SIGTERM',
  ].join('\n');
}

export function versionText(modelSources: readonly string[]): string {
  const p = runProvenanceOf(modelSources);
  return `${p.tool} ${p.toolVersion} (xstate ${p.xstateVersion}, node ${p.node}${p.commit ? `, commit ${p.commit.slice(0, 12)}` : ''}${modelSources.length ? `, model ${p.modelHash}` : ''})`;
}
