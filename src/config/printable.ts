// The loaded configuration as plain JSON-able data for `deflect config --json` and start-up logs: secrets
// masked, credentials in URLs masked, the suppression list reduced to a count.
import type { DeflectConfig } from './deflect-config.js';
import { maskUrlCredentials } from './mask.js';
import { isSecret, SECRET_MASK } from './secret.js';

export type PrintableValue = string | number | boolean | null | readonly PrintableValue[] | PrintableObject;
export interface PrintableObject {
  readonly [key: string]: PrintableValue;
}

export function printableConfig(config: DeflectConfig): PrintableObject {
  return printableObject(config);
}

function printableObject(value: object): PrintableObject {
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, printable(child)]));
}

function printable(value: unknown): PrintableValue {
  if (value === undefined || value === null) return null;
  if (isSecret(value)) return SECRET_MASK;
  // Sets hold suppressed phone numbers: their size is useful, their content must never be shown.
  if (value instanceof Set) return `${value.size} ${value.size === 1 ? 'entry' : 'entries'} (not shown)`;
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(printable);
  if (typeof value === 'object') return printableObject(value);
  return String(value);
}
