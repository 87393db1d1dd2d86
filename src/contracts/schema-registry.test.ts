import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_FILES } from './generated/schemas.js';
import { defaultSchemaRegistry, defaultSchemasDirectory, loadSchemaRegistry } from './schema-registry.js';
import { fingerprintHex } from './fingerprint.js';

const repoSchemas = fileURLToPath(new URL('../../schemas', import.meta.url));

describe('the schema registry', () => {
  const registry = defaultSchemaRegistry();

  it('holds every current schema the types are generated from, by short name', () => {
    for (const [name, file] of Object.entries(SCHEMA_FILES)) {
      const schema = registry.current(name);
      expect(schema, name).toMatchObject({ name, file, current: true });
      expect(schema?.fullName.endsWith(`.${name}`)).toBe(true);
    }
    expect(registry.schemas.filter((s) => s.current)).toHaveLength(Object.keys(SCHEMA_FILES).length);
  });

  it('indexes history schemas by fingerprint, with a resolver to the current schema of their name', () => {
    const v1 = registry.schemas.find((s) => s.file === 'history/CallBegun.v1.avsc');
    const current = registry.current('CallBegun');
    expect(v1).toMatchObject({ name: 'CallBegun', current: false });
    expect(v1?.fingerprint).not.toBe(current?.fingerprint);

    const old = registry.readerFor(v1?.fingerprint ?? 0n);
    expect(old?.writer).toBe(v1);
    expect(old?.reader).toBe(current);
    expect(old?.resolver).toBeDefined();

    const now = registry.readerFor(current?.fingerprint ?? 0n);
    expect(now).toMatchObject({ writer: current, reader: current, resolver: undefined });
    expect(registry.readerFor(123n)).toBeUndefined();
  });

  it('gives every schema a distinct fingerprint, its hex form, and its single-object header', () => {
    const fingerprints = registry.schemas.map((s) => s.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    for (const schema of registry.schemas) {
      expect(schema.fingerprintHex).toBe(fingerprintHex(schema.fingerprint));
      expect(Buffer.from(schema.header).toString('hex')).toBe(`c301${schema.fingerprintHex}`);
    }
  });

  it('finds schemas/ from src/contracts/ and from dist/src/contracts/ after a build', () => {
    expect(defaultSchemasDirectory()).toBe(repoSchemas);
    const built = new URL('../../dist/src/contracts/schema-registry.js', import.meta.url).href;
    expect(defaultSchemasDirectory(built)).toBe(repoSchemas);
    expect(() => defaultSchemasDirectory(pathToFileURL(join(tmpdir(), 'a', 'b', 'c.js')).href)).toThrow(/schemas\/ not found/);
  });
});

describe('loading a schemas directory', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(file: string, schema: unknown): void {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), JSON.stringify(schema));
  }
  const record = (name: string, fields: unknown[]) => ({ type: 'record', name, namespace: 't', fields });

  it('refuses two current schemas with one name', () => {
    dir = mkdtempSync(join(tmpdir(), 'schemas-'));
    write('call/A.avsc', record('A', [{ name: 'x', type: 'int' }]));
    write('outcome/A.avsc', record('A', [{ name: 'y', type: 'int' }]));
    expect(() => loadSchemaRegistry(dir)).toThrow(/two current schemas are named A/);
  });

  it('names the file that does not parse', () => {
    dir = mkdtempSync(join(tmpdir(), 'schemas-'));
    write('call/A.avsc', record('A', [{ name: 'x', type: 'nosuchtype' }]));
    expect(() => loadSchemaRegistry(dir)).toThrow(/call\/A\.avsc: undefined type name/);
  });

  it('refuses a history schema the current one cannot read', () => {
    dir = mkdtempSync(join(tmpdir(), 'schemas-'));
    write(
      'call/A.avsc',
      record('A', [
        { name: 'x', type: 'int' },
        { name: 'added', type: 'string' },
      ]),
    );
    write('history/A.v1.avsc', record('A', [{ name: 'x', type: 'int' }]));
    expect(() => loadSchemaRegistry(dir)).toThrow(/history\/A\.v1\.avsc cannot be read as call\/A\.avsc/);
  });

  it('reads a history schema with no current name as itself, and ignores one identical to its current schema', () => {
    dir = mkdtempSync(join(tmpdir(), 'schemas-'));
    write('call/A.avsc', record('A', [{ name: 'x', type: 'int' }]));
    write('history/A.v2.avsc', { ...record('A', [{ name: 'x', type: 'int', doc: 'same parsing form' }]), doc: 'copy' });
    write('history/Gone.avsc', record('Gone', [{ name: 'x', type: 'int' }]));
    const loaded = loadSchemaRegistry(dir);
    const a = loaded.current('A');
    expect(loaded.readerFor(a?.fingerprint ?? 0n)?.writer).toBe(a);
    const gone = loaded.schemas.find((s) => s.name === 'Gone');
    expect(loaded.readerFor(gone?.fingerprint ?? 0n)).toMatchObject({ writer: gone, reader: gone, resolver: undefined });
    expect(loaded.current('Gone')).toBeUndefined();
  });
});
