// Every command, registered in the order `deflect --help` lists them.
import type { Command } from 'commander';
import { register as registerCalls } from './calls.js';
import { register as registerConfig } from './config.js';
import { register as registerDemo } from './demo.js';
import { register as registerExport } from './export.js';
import { register as registerFunnel } from './funnel.js';
import { register as registerHistory } from './history.js';
import { register as registerIngest } from './ingest.js';
import { register as registerKafka } from './kafka.js';
import { register as registerProduce } from './produce.js';
import { register as registerReplay } from './replay.js';
import { register as registerSandbox } from './sandbox.js';
import { register as registerStart } from './start.js';

export type RegisterCommand = (program: Command) => void;

const registrations: RegisterCommand[] = [
  registerStart,
  registerIngest,
  registerCalls,
  registerHistory,
  registerReplay,
  registerExport,
  registerFunnel,
  registerSandbox,
  registerConfig,
  registerDemo,
  registerProduce,
  registerKafka,
];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
