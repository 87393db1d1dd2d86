// The value parsers configuration keys are built from. Each turns one raw string (already trimmed and
// non-empty: an empty variable counts as unset) into a typed value or a reason that quotes what it got.
import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { secret, type Secret } from './secret.js';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface Parser<T> {
  /** What the parser accepts, for the reference docs ("integer 0–65535"). */
  readonly expects: string;
  readonly parse: (raw: string) => Parsed<T>;
}

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

/** `must be …, got "raw"`: the common failure, quoting the value so the operator sees what was read. */
export function mustBe<T>(expects: string, raw: string): Parsed<T> {
  return fail(`must be ${expects}, got ${JSON.stringify(raw)}`);
}

export const text: Parser<string> = { expects: 'text', parse: (raw) => ok(raw) };

export function pattern(expects: string, shape: RegExp): Parser<string> {
  return { expects, parse: (raw) => (shape.test(raw) ? ok(raw) : mustBe(expects, raw)) };
}

/** Names that travel in URLs, Kafka client ids and topic names: no spaces, no slashes. */
export const identifier = pattern('letters, digits, ".", "_" or "-"', /^[A-Za-z0-9._-]{1,249}$/);

export function integer(min: number, max: number): Parser<number> {
  const expects = `an integer ${min}–${max}`;
  return {
    expects,
    parse: (raw) => {
      if (!/^-?\d+$/.test(raw)) return mustBe(expects, raw);
      const value = Number(raw);
      return value >= min && value <= max ? ok(value) : mustBe(expects, raw);
    },
  };
}

export function decimal(min: number, max: number): Parser<number> {
  const expects = `a number ${min}–${max}`;
  return {
    expects,
    parse: (raw) => {
      if (!/^-?(\d+\.?\d*|\.\d+)$/.test(raw)) return mustBe(expects, raw);
      const value = Number(raw);
      return value >= min && value <= max ? ok(value) : mustBe(expects, raw);
    },
  };
}

export function oneOf<const V extends string>(values: readonly V[]): Parser<V> {
  const expects = `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;
  return {
    expects,
    parse: (raw) => {
      const found = values.find((value) => value === raw);
      return found === undefined ? mustBe(expects, raw) : ok(found);
    },
  };
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

export const boolean: Parser<boolean> = {
  expects: 'true/false (also 1/0, yes/no, on/off)',
  parse: (raw) => {
    const word = raw.toLowerCase();
    if (TRUE_WORDS.includes(word)) return ok(true);
    if (FALSE_WORDS.includes(word)) return ok(false);
    return mustBe('true or false', raw);
  },
};

/** A comma-separated list; every item must parse, and the first bad one is named. */
export function list<T>(item: Parser<T>): Parser<readonly T[]> {
  const expects = `a comma-separated list of ${item.expects}`;
  return {
    expects,
    parse: (raw) => {
      const values: T[] = [];
      for (const [index, part] of raw.split(',').entries()) {
        const piece = part.trim();
        if (piece === '') return fail(`item ${index + 1} of the list is empty, got ${JSON.stringify(raw)}`);
        const parsed = item.parse(piece);
        if (!parsed.ok) return fail(`item ${index + 1}: ${parsed.reason}`);
        values.push(parsed.value);
      }
      return ok(values);
    },
  };
}

/** An absolute http(s) URL, returned without a trailing slash so callers can append paths. */
export const httpUrl: Parser<string> = {
  expects: 'an http:// or https:// URL',
  parse: (raw) => {
    if (!URL.canParse(raw)) return mustBe('an http:// or https:// URL', raw);
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return mustBe('an http:// or https:// URL', raw);
    return ok(raw.replace(/\/+$/, ''));
  },
};

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A host name or an IP address; IPv6 may be bracketed, and is returned without brackets. */
export const host: Parser<string> = {
  expects: 'a host name or IP address',
  parse: (raw) => {
    const bare = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
    return isIP(bare) !== 0 || HOSTNAME.test(bare) ? ok(bare) : mustBe('a host name or IP address', raw);
  },
};

/** `host:port`, as Kafka bootstrap servers are written. */
export const hostAndPort: Parser<string> = {
  expects: 'host:port',
  parse: (raw) => {
    const match = /^(.+):(\d{1,5})$/.exec(raw);
    const port = match ? Number(match[2]) : 0;
    const name = match?.[1];
    if (name === undefined || port < 1 || port > 65535 || !host.parse(name).ok) return mustBe('host:port', raw);
    return ok(raw);
  },
};

/** A secret of at least `minLength` characters. Failures never quote the value. */
export function secretText(minLength = 1): Parser<Secret> {
  const expects = minLength > 1 ? `a secret of at least ${minLength} characters` : 'a secret';
  return {
    expects,
    parse: (raw) => (raw.length >= minLength ? ok(secret(raw)) : fail(`must be at least ${minLength} characters (value not shown)`)),
  };
}

/** A file that exists and can be read now (certificates, keys); its path is kept, the content read where it is used. */
export function readableFile(expects: string): Parser<string> {
  return {
    expects,
    parse: (path) => {
      try {
        accessSync(path, constants.R_OK);
        return statSync(path).isFile() ? ok(path) : fail(`"${path}" is not a file`);
      } catch (error) {
        const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
        return fail(`cannot read "${path}" (${code})`);
      }
    },
  };
}
