// A configured secret (a token, a password, an OAuth credential). The value is reachable only through
// `reveal()`, so a config object that ends up in a log line, a JSON dump or `util.inspect` shows `••••`.
import { inspect } from 'node:util';

/** What every masked secret prints as; nothing else, not even its length. */
export const SECRET_MASK = '••••';

const SECRET_BRAND: unique symbol = Symbol('deflect.secret');

export interface Secret {
  readonly [SECRET_BRAND]: true;
  /** The real value: call it only where the secret is used (signing, connecting). */
  reveal(): string;
  toString(): string;
  toJSON(): string;
}

export function secret(value: string): Secret {
  return Object.freeze({
    [SECRET_BRAND]: true as const,
    reveal: () => value,
    toString: () => SECRET_MASK,
    toJSON: () => SECRET_MASK,
    [inspect.custom]: () => SECRET_MASK,
  });
}

export function isSecret(value: unknown): value is Secret {
  return typeof value === 'object' && value !== null && SECRET_BRAND in value;
}
