// `deflect config`: the effective configuration, key by key with where each value came from, secrets masked;
// then the same validation start-up runs, so an invalid configuration exits 2 naming the key.
import type { Command } from 'commander';
import { describeConfig, effectiveConfigEntries } from '../../config/index.js';
import { action, configFrom, outputFor, withCommonOptions } from '../cli.js';

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('config')
      .description('print the effective configuration (environment over --config file over defaults), secrets masked, and validate it')
      .addHelpText('after', '\nExit codes: 0 valid; 2 invalid (each wrong key is named with the reason). Reference: README "Configuration".'),
  ).action(
    action(async (options: { config?: string; json?: boolean }) => {
      const out = outputFor(options.json ?? false);
      const loadOptions = options.config ? { file: options.config } : {};
      out.data(effectiveConfigEntries(process.env, loadOptions), () => describeConfig(process.env, loadOptions));
      // Validate after printing, so the operator sees both the values and what is wrong with them.
      configFrom(options);
    }),
  );
}
