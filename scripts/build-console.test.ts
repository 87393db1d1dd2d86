// The console's build: the page's script stays under its 300 KB (compressed) budget, and the built page loads
// nothing from elsewhere and runs no inline code, so the strict Content-Security-Policy holds and nothing is
// fetched from a CDN at run time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, CONSOLE_SCRIPT_BUDGET_BYTES, type BuiltFile } from './build-console.js';

let dir = '';
let files: BuiltFile[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deflect-console-build-'));
  files = await buildConsole(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the console build', () => {
  it('keeps the page script under its compressed budget', () => {
    const script = files.find((file) => file.name === 'app.js');
    expect(script?.gzipBytes).toBeGreaterThan(1_000);
    expect(script?.gzipBytes).toBeLessThan(CONSOLE_SCRIPT_BUDGET_BYTES);
  });

  it('has no inline script, style or event handler, and loads only its own files', () => {
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/console\/[\w.-]+"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    for (const [, url] of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) expect(url).toMatch(/^(\/console\/|data:)/);
  });

  it('names no other origin in its script but XML namespaces', () => {
    const script = readFileSync(join(dir, 'app.js'), 'utf8');
    const urls = new Set([...script.matchAll(/\bhttps?:\/\/[^"'`\s)]+/g)].map(([url]) => url));
    for (const url of urls) expect(url).toMatch(/^http:\/\/www\.w3\.org\//);
    expect(script).not.toMatch(/\beval\(|new Function\(/);
  });
});
