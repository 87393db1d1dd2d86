// A baseline for bench/e2e: another commit of this repository, unpacked (`git archive`) into a folder of its own
// with this checkout's node_modules linked in, so `deflect start` can run from it beside this checkout in one run
// and a change is measured against what came before it under the same load.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface BaselineCheckout {
  /** The commit, abbreviated. */
  commit: string;
  root: string;
  remove(): void;
}

export function checkoutBaseline(ref: string): BaselineCheckout {
  const commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const root = mkdtempSync(join(tmpdir(), `deflect-baseline-${commit}-`));
  const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: repoRoot, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  return { commit, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
