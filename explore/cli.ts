// The command line of the checker: it parses arguments (args.ts), runs a command (commands.ts),
// and maps what came out, or what went wrong, to an exit code.
//
//   verify --suite <module> [--max-states N] [--update-expected | --out DIR]
//       Explores every run of the suite at its default bounds, writes results/ and the README's
//       results section, and compares every outcome with the expected-outcome manifest. A run
//       cut short by a limit or a signal writes nothing.
//   check --suite <module> [--<option> <value> ...] [--max-states N] [--json]
//       One exploration with the given bounds; writes nothing.
//   mutants, sweep [--out DIR]; replay <results json> <property> [--run ID]
//   bench --suite <module> [--large] [--json]
//       The suite's ladder of growing bounds: the fast engine, SPIN on the Promela twin, and
//       xstate/graph, with figures and ratios (see bench.ts). Writes nothing.
//
// Exit codes: 0 all hold / all match, 1 a violation / a mismatch (also one found inside a cut
// run), 2 bad input, 3 inconclusive (a limit stopped the search: nothing is called verified),
// 4 the tool or the machine failed (results cannot be written, a model error, a checker bug,
// any other internal error), 130 SIGINT, 143 SIGTERM.

import { pathToFileURL } from 'node:url';
import { commandOptions, loadSuite, parseArgs, suitePathOf, UsageError, type Command } from './args';
import { commands, exitCodes, interrupted } from './commands';
import { ModelError } from './explore';
import { interruption } from './pipeline';
import { OutputError, PublishInterrupted } from './publish';
import { ReplayError } from './replay';
import type { Suite } from './suite';

function usage(): string {
  return [
    'usage:',
    '  npm run verify [-- --max-states N] [--update-expected | --out DIR]',
    '  npm run check -- [--<option> <value> ...] [--max-states N] [--json]',
    '  npm run mutants [-- --out DIR]',
    '  npm run replay -- <results json> <property name> [--run ID]',
    '  npm run sweep [-- --out DIR]',
    '  npm run bench [-- --large] [--json]',
    '',
    'exit codes: 0 all hold (verify: all match the manifest), 1 a violation (verify: a mismatch, also',
    '            a FAIL found inside a cut run), 2 bad input, 3 inconclusive (a limit stopped the search;',
    '            nothing written), 4 the tool or the machine failed (results cannot be written, a model',
    '            error, a checker bug; --debug for the stack), 130 SIGINT, 143 SIGTERM (nothing written)',
    '',
    'limits: --max-states N, --max-memory MB (approximate: resident memory, checked between slices)',
  ].join('\n');
}

function suiteUsage(suite: Suite): string {
  const lines = ['', 'check options:'];
  for (const o of suite.options) {
    const range = {
      integer: `${o.min}..${o.max}`,
      integers: `list of ${o.min}..${o.max}`,
      choice: o.choices?.join('|'),
      choices: `none or list of ${o.choices?.join(',')}`,
    }[o.kind];
    const value = Array.isArray(o.defaultValue) ? (o.defaultValue.length === 0 ? 'none' : o.defaultValue.join(',')) : String(o.defaultValue);
    lines.push(`  --${o.name.padEnd(22)} ${String(range).padEnd(40)} default ${value}. ${o.describe}`);
  }
  return lines.join('\n');
}

function onSignal(signal: 'SIGINT' | 'SIGTERM') {
  return () => {
    interruption.signal ??= signal;
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...tokens] = argv;
  const debug = tokens.includes('--debug');
  try {
    if (command === undefined || command === 'help' || command === '--help') {
      console.log(usage());
      return exitCodes.ok;
    }
    if (!Object.hasOwn(commandOptions, command)) {
      throw new UsageError(`unknown command "${command}"; use ${Object.keys(commandOptions).join(', ')} (or --help)`);
    }
    const suitePath = suitePathOf(tokens);
    const suite = await loadSuite(suitePath);
    const args = parseArgs(command as Command, tokens, suite);
    process.on('SIGINT', onSignal('SIGINT'));
    process.on('SIGTERM', onSignal('SIGTERM'));
    if (args.flags.has('help')) {
      console.log(usage() + suiteUsage(suite));
      return exitCodes.ok;
    }
    return await commands[command as Command](suite, args, suitePath);
  } catch (error) {
    const name = command ?? 'explore';
    if (error instanceof UsageError) {
      console.error(`${name}: ${error.message}`);
      return exitCodes.badInput;
    }
    if (error instanceof PublishInterrupted) return interrupted(error.message);
    if (debug) console.error(error);
    if (error instanceof OutputError) console.error(`${name}: ${error.message}`);
    else if (error instanceof ReplayError) console.error(`${name}: checker bug: ${error.message}`);
    else if (error instanceof ModelError) console.error(`${name}: model error: ${error.message}`);
    else console.error(`${name}: internal error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (run again with --debug for the stack)`);
    return exitCodes.internalError;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
