import { describe, expect, it } from 'vitest';
import { maskUrlCredentials } from './mask.js';
import { SECRET_MASK } from './secret.js';

describe('maskUrlCredentials', () => {
  it('masks the user info of a URL and a password parameter, and leaves other text alone', () => {
    expect(maskUrlCredentials('esdb://admin:pw@db:2113?tls=true')).toBe(`esdb://${SECRET_MASK}@db:2113?tls=true`);
    expect(maskUrlCredentials('postgres://db/deflect?user=deflect&password=pw&sslmode=require')).toBe(
      `postgres://db/deflect?user=deflect&password=${SECRET_MASK}&sslmode=require`,
    );
    expect(maskUrlCredentials('postgresql://u:p@db/x?password=q')).toBe(`postgresql://${SECRET_MASK}@db/x?password=${SECRET_MASK}`);
    expect(maskUrlCredentials('sqlite:./data/password=x.sqlite')).toBe('sqlite:./data/password=x.sqlite');
  });
});
