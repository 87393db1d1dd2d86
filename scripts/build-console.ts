// Builds the console page (src/console/page/) into dist/console/ with esbuild: one ES module (app.js), one
// stylesheet (app.css) and index.html. Run by `npm run build`, which `npm install` / `npm ci` run through
// `prepare`; the service then serves these files itself (src/http/routes/console-page.ts), with nothing fetched from
// elsewhere. esbuild rather than Vite: the page is one entry point with no dev server or plugins to need, and
// esbuild is already here (tsx runs on it). Prints each file's size, raw and gzipped.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
export const CONSOLE_SOURCE_DIR = join(root, 'src', 'console', 'page');
export const CONSOLE_BUILD_DIR = join(root, 'dist', 'console');

/** The page's JavaScript must stay under this, compressed (issue 15). */
export const CONSOLE_SCRIPT_BUDGET_BYTES = 300 * 1024;

export const consoleBuildOptions = (outDir: string): BuildOptions => ({
  entryPoints: { app: join(CONSOLE_SOURCE_DIR, 'main.tsx'), 'app-styles': join(CONSOLE_SOURCE_DIR, 'styles.css') },
  outdir: outDir,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
});

export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

/** Builds into `outDir` (emptied first); returns the files with their sizes. */
export async function buildConsole(outDir = CONSOLE_BUILD_DIR): Promise<BuiltFile[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build(consoleBuildOptions(outDir));
  // esbuild names a CSS entry after its key; the page links /console/app.css.
  copyFileSync(join(outDir, 'app-styles.css'), join(outDir, 'app.css'));
  rmSync(join(outDir, 'app-styles.css'));
  copyFileSync(join(CONSOLE_SOURCE_DIR, 'index.html'), join(outDir, 'index.html'));
  return ['index.html', 'app.js', 'app.css'].map((name) => {
    const body = readFileSync(join(outDir, name));
    return { name, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await buildConsole(process.argv[2] ?? CONSOLE_BUILD_DIR);
  for (const file of files)
    console.log(`console: ${file.name.padEnd(10)} ${String(file.bytes).padStart(8)} B  ${String(file.gzipBytes).padStart(7)} B gzipped`);
  const script = files.find((file) => file.name === 'app.js');
  if (script && script.gzipBytes > CONSOLE_SCRIPT_BUDGET_BYTES) {
    console.error(`console: app.js is ${script.gzipBytes} B gzipped, over the ${CONSOLE_SCRIPT_BUDGET_BYTES} B budget`);
    process.exit(1);
  }
}
