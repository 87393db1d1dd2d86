// Debian's Chromium driven by playwright-core, for the console's browser tests, its screenshots and
// bench/console. Never a downloaded browser: `npx playwright install` cannot fetch one here, and .ci/run
// installs Debian's package (`apt-get install chromium`). Without it the browser suite is skipped with the reason
// printed; under CI=true it is required.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env['DEFLECT_CHROMIUM'] ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type ChromiumAvailability = { available: true } | { available: false; reason: string };

export function chromiumAvailability(): ChromiumAvailability {
  if (existsSync(CHROMIUM_PATH)) return { available: true };
  return { available: false, reason: `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium; .ci/run installs it)` };
}

export function isCi(): boolean {
  return process.env['CI'] === 'true';
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile of its own, removed on close. */
export async function launchChromium(viewport = { width: 1440, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'deflect-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
