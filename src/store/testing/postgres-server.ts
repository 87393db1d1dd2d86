// The test side of PostgreSQL: the local server (TEST_POSTGRES_URL, default postgres://127.0.0.1:5432/test,
// which .ci/run starts), one fresh schema per test file so runs never see each other's rows, and a visible skip
// where no server answers. Under CI=true a server that does not answer fails the run instead.
//
//   const server = await findTestPostgres();           // top level of a test file
//   describePostgres('the store', server, (pg) => {
//     it('...', async () => { await openPostgresEventStore({ connectionString: pg.url, schema: pg.schema }) });
//   });
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { withDefaultUser } from '../postgres-connection.js';

export const TEST_POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://127.0.0.1:5432/test';

export interface TestPostgres {
  readonly url: string;
  /** A schema of this test file alone, dropped after it. */
  readonly schema: string;
  /** A raw connection for looking under the adapter (closed after the file). */
  client(): Promise<pg.Client>;
}

export type TestPostgresResult = { readonly available: true; readonly url: string } | { readonly available: false; readonly reason: string };

export function isCi(): boolean {
  return process.env['CI'] === 'true';
}

/** Asks the server for one row; never hangs (connect timeout). */
export async function findTestPostgres(url = TEST_POSTGRES_URL): Promise<TestPostgresResult> {
  const client = new pg.Client({ connectionString: withDefaultUser(url), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true, url };
  } catch (error) {
    const reason = `no PostgreSQL answers at ${url} (${error instanceof Error ? error.message : String(error)}); start it (pg_ctlcluster --skip-systemctl-redirect <version> main start) or set TEST_POSTGRES_URL`;
    if (isCi()) throw new Error(`[postgres] CI=true requires the PostgreSQL suites: ${reason}`);
    console.warn(`[postgres] PostgreSQL suites are skipped: ${reason}`);
    return { available: false, reason };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A describe block with a server and a schema of its own, or a skip with the reason in its name (never under CI=true). */
export function describePostgres(name: string, result: TestPostgresResult, body: (server: TestPostgres) => void): void {
  if (!result.available) {
    if (isCi()) throw new Error(`[postgres] ${name}: CI=true requires the PostgreSQL suites, but ${result.reason}`);
    describe.skip(`${name} (PostgreSQL unavailable: ${result.reason})`, () => {
      it('needs a PostgreSQL server', () => undefined);
    });
    return;
  }
  const schema = testSchemaName();
  const clients: pg.Client[] = [];
  const server: TestPostgres = {
    url: result.url,
    schema,
    async client() {
      const client = new pg.Client({ connectionString: withDefaultUser(result.url) });
      await client.connect();
      clients.push(client);
      return client;
    },
  };
  describe(name, () => {
    afterAll(async () => {
      const admin = new pg.Client({ connectionString: withDefaultUser(result.url) });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
      await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
    });
    body(server);
  });
}

/** A schema name no other run uses. */
export function testSchemaName(): string {
  return `deflect_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}
