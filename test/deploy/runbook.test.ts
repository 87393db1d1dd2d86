// The runbook's "What to watch" names the metrics the service really exports, each with an alert, and its
// references to configuration and files hold.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { readRepoFile, REPO_ROOT } from './deploy-files.js';

const README = readRepoFile('deploy/README.md');

async function exportedMetricNames(): Promise<string[]> {
  const metrics = createMetrics({ defaultMetrics: false });
  const described = await metrics.registry.getMetricsAsJSON();
  return described.map((metric) => metric.name).filter((name) => name.startsWith('deflect_'));
}

/** Rows of the "What to watch" table: the metric in the first cell, the alert in the third. */
function watchRows(): Array<{ metric: string; alert: string }> {
  const section = README.slice(README.indexOf('## What to watch'), README.indexOf('\n## ', README.indexOf('## What to watch') + 1));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
      return { metric: /`([a-z_]+)/.exec(cells[1] ?? '')?.[1] ?? '', alert: cells[3] ?? '' };
    });
}

describe('runbook', () => {
  it('has the sections the operators need', () => {
    for (const heading of ['## Running it', '## Scaling', '### What a rebalance does to in-flight invites', '## Replaying and verifying histories', '## Rotating LivePerson credentials', '## What to watch', '## What was verified, and what was not']) {
      expect(README).toContain(heading);
    }
  });

  it('has an alert for every metric the service exports', async () => {
    const exported = await exportedMetricNames();
    expect(exported.length).toBeGreaterThanOrEqual(7);
    const rows = watchRows();
    for (const name of exported) {
      const alerts = rows.filter((row) => row.metric === name).map((row) => row.alert);
      expect(alerts.length, name).toBeGreaterThan(0);
      expect(alerts.every((alert) => /\d/.test(alert)), `${name} has a threshold`).toBe(true);
    }
  });

  it('names only metrics the service exports', async () => {
    const exported = new Set(await exportedMetricNames());
    const named = new Set([...README.matchAll(/\bdeflect_[a-z_]+[a-z]\b/g)].map((match) => match[0].replace(/_(bucket|sum|count)$/, '')));
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('points only at files that exist', () => {
    const paths = new Set([...README.matchAll(/`((?:deploy\/|k8s\/|src\/)[\w./-]+\.(?:ya?ml|ts|md|example))`/g)].map((match) => match[1] ?? ''));
    expect(paths.size).toBeGreaterThan(3);
    for (const path of paths) {
      const candidates = [join(REPO_ROOT, path), join(REPO_ROOT, 'deploy', path)];
      expect(candidates.some((candidate) => existsSync(candidate)), path).toBe(true);
    }
  });
});
