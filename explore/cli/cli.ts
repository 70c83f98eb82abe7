// Stage 4 of 4, cli/: the commands. A suite (suite.ts) hands over its runs, options and
// plans; the commands run the stages before (verify, check, mutants, replay, sweep, bench),
// write all or nothing (publish.ts), and turn every outcome and error into an exit code.
//
// The command line of the checker: it parses arguments (args.ts), runs a command (commands.ts),
// and maps what came out, or what went wrong, to an exit code.
//
//   verify, check, mutants, replay, sweep, bench: each one's purpose, options, examples and
//   exit codes are in help.ts (`<command> --help`); `--version` anywhere prints the provenance.
//
// Exit codes: 0 all hold / all match, 1 a violation / a mismatch (also one found inside a cut
// run), 2 bad input, 3 inconclusive (a limit stopped the search: nothing is called verified),
// 4 the tool or the machine failed (results cannot be written, a model error, a checker bug,
// any other internal error), 130 SIGINT, 143 SIGTERM.

import { pathToFileURL } from 'node:url';
import { commandOptions, loadSuite, parseArgs, suitePathOf, UsageError, type Command } from './args';
import { commands, exitCodes, interrupted } from './commands';
import { ModelError } from '../engine/explore';
import { interruption } from '../check/pipeline';
import { OutputError, PublishInterrupted } from './publish';
import { ReplayError } from '../check/replay';
import { commandHelp, overview, versionText } from './help';

function onSignal(signal: 'SIGINT' | 'SIGTERM') {
  return () => {
    interruption.signal ??= signal;
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...tokens] = argv;
  const debug = tokens.includes('--debug');
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      console.log(overview());
      return exitCodes.ok;
    }
    const hasSuite = tokens.some((token) => token === '--suite' || token.startsWith('--suite='));
    if (command === '--version' || tokens.includes('--version')) {
      console.log(versionText(hasSuite ? ((await loadSuite(suitePathOf(tokens))).publishing?.modelSources ?? []) : []));
      return exitCodes.ok;
    }
    if (!Object.hasOwn(commandOptions, command)) {
      throw new UsageError(`unknown command "${command}"; use ${Object.keys(commandOptions).join(', ')} (or --help)`);
    }
    // Help needs no suite; with one, check's help lists the suite's options.
    if (tokens.includes('-h') || tokens.includes('--help')) {
      console.log(commandHelp(command as Command, hasSuite ? await loadSuite(suitePathOf(tokens)) : null));
      return exitCodes.ok;
    }
    const suitePath = suitePathOf(tokens);
    const suite = await loadSuite(suitePath);
    const args = parseArgs(command as Command, tokens, suite);
    process.on('SIGINT', onSignal('SIGINT'));
    process.on('SIGTERM', onSignal('SIGTERM'));
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
