// A Confluent schema registry for tests: a real HTTP server on 127.0.0.1 answering GET /schemas/ids/:id with
// `{ "schema": "…" }`, 404 for an id it does not have, and 503 for the first `unavailableFor` requests (a
// registry that is down for a while).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SchemaRegistryStub {
  url: string;
  /** Requests received, answered or not. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startSchemaRegistryStub(schemas: ReadonlyMap<number, string>, options: { unavailableFor?: number } = {}): Promise<SchemaRegistryStub> {
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests++;
    const match = /^\/schemas\/ids\/(\d+)$/.exec(request.url ?? '');
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
      response.end(JSON.stringify(body));
    };
    if (requests <= (options.unavailableFor ?? 0)) return reply(503, { error_code: 50301, message: 'unavailable' });
    const schema = match && request.method === 'GET' ? schemas.get(Number(match[1])) : undefined;
    if (schema === undefined) return reply(404, { error_code: 40403, message: 'Schema not found' });
    return reply(200, { schema });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
