// The `deflect` command (CONTRACTS §4). Each command lives in commands/<name>.ts and registers itself here.
// Exit codes: 0 success, 1 failure of the work, 2 bad usage or configuration.
import { Command, CommanderError } from 'commander';
import { EXIT, guardStdout } from './cli.js';
import { registerCommands } from './commands/index.js';

export async function main(argv: string[]): Promise<void> {
  guardStdout();
  const program = new Command('deflect')
    .description('Event-sourced IVR deflection orchestrator: call events in, one LiveDeflect SMS invite out, a replayable history of every call.')
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
