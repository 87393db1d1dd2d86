// The `deflect` command (README "The deflect command"). Each command lives in commands/<name>.ts and registers itself here.
// Exit codes: 0 success, 1 failure of the work, 2 bad usage or configuration.
import { Command, CommanderError } from 'commander';
import { buildInfo } from '../shared/build-info.js';
import { EXIT, guardStdout } from './cli.js';
import { registerCommands } from './commands/index.js';

export async function main(argv: string[]): Promise<void> {
  guardStdout();
  const program = new Command('deflect')
    .description('Event-sourced IVR deflection orchestrator: call events in, one LiveDeflect SMS invite out, a replayable history of every call.')
    .version(buildInfo().version, '-V, --version', 'print the version of deflect')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; unknown commands and options are bad usage.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    throw error;
  }
}

await main(process.argv);
