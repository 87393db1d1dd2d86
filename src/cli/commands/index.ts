// Every command, registered in the order `deflect --help` lists them.
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

const registrations: RegisterCommand[] = [];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
