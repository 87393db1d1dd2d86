// The alert rules and the dashboard in deploy/monitoring/ name only metrics the service exports, cover the
// runbook's alerts, and show the funnel, latency, lag, in-doubt attempts and dead letters.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { asArray, asRecord, asString, at, parseYamlFile, readRepoFile } from './deploy-files.js';

const RULES_FILE = 'deploy/monitoring/prometheus-rules.yaml';
const DASHBOARD_FILE = 'deploy/monitoring/grafana-dashboard.json';

async function exportedMetricNames(): Promise<Set<string>> {
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.watchKafka({ lag: () => [], deadLetters: () => new Map() });
  return new Set((await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name));
}

/** The deflect_* series an expression reads, histogram series folded into their metric. */
function metricsIn(expression: string): string[] {
  return [...expression.matchAll(/\bdeflect_[a-z_]*[a-z]\b/g)].map((match) => match[0].replace(/_(bucket|sum|count)$/, ''));
}

function balanced(expression: string): boolean {
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  const stack: string[] = [];
  for (const char of expression.replace(/"[^"]*"/g, '')) {
    if ('({['.includes(char)) stack.push(char);
    else if (char in pairs && stack.pop() !== pairs[char]) return false;
  }
  return stack.length === 0;
}

interface Rule {
  alert: string;
  expr: string;
  severity: string;
}

function rules(): Rule[] {
  const { documents, problems } = parseYamlFile(RULES_FILE);
  expect(problems).toEqual([]);
  const [rule] = documents;
  expect(at(rule, 'kind')).toBe('PrometheusRule');
  expect(at(rule, 'apiVersion')).toBe('monitoring.coreos.com/v1');
  return asArray(at(rule, 'spec.groups'), 'groups').flatMap((group) =>
    asArray(at(group, 'rules'), 'rules').map((entry) => ({
      alert: asString(at(entry, 'alert'), 'alert'),
      expr: asString(at(entry, 'expr'), 'expr'),
      severity: asString(at(entry, 'labels.severity'), 'severity'),
    })),
  );
}

function dashboardExpressions(): Array<{ panel: string; expr: string }> {
  const dashboard = asRecord(JSON.parse(readRepoFile(DASHBOARD_FILE)), DASHBOARD_FILE);
  return asArray(dashboard['panels'], 'panels').flatMap((panel) =>
    asArray(at(panel, 'targets'), 'targets').map((target) => ({ panel: asString(at(panel, 'title'), 'title'), expr: asString(at(target, 'expr'), 'expr') })),
  );
}

describe('alert rules', () => {
  it('name only metrics the service exports, in well-formed expressions, each with a severity', async () => {
    const exported = await exportedMetricNames();
    const all = rules();
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const rule of all) {
      expect(balanced(rule.expr), rule.alert).toBe(true);
      expect(['page', 'ticket'], rule.alert).toContain(rule.severity);
      for (const metric of metricsIn(rule.expr)) expect(exported.has(metric), `${rule.alert}: ${metric}`).toBe(true);
    }
  });

  it("alert on every metric the runbook's table watches, and on every metric the service exports", async () => {
    const watched = new Set(rules().flatMap((rule) => metricsIn(rule.expr)));
    for (const metric of await exportedMetricNames()) expect(watched.has(metric), metric).toBe(true);
    const runbook = readRepoFile('deploy/README.md');
    const section = runbook.slice(runbook.indexOf('## What to watch'));
    for (const metric of new Set([...section.matchAll(/^\| `(deflect_[a-z_]+)/gm)].map((match) => match[1] ?? ''))) expect(watched.has(metric), metric).toBe(true);
  });
});

describe('Grafana dashboard', () => {
  it('is valid JSON whose panels read only metrics the service exports', async () => {
    const exported = await exportedMetricNames();
    const expressions = dashboardExpressions();
    expect(expressions.length).toBeGreaterThanOrEqual(8);
    for (const { panel, expr } of expressions) {
      expect(balanced(expr), panel).toBe(true);
      const metrics = metricsIn(expr);
      expect(metrics.length, panel).toBeGreaterThan(0);
      for (const metric of metrics) expect(exported.has(metric), `${panel}: ${metric}`).toBe(true);
    }
  });

  it('shows the funnel, the accept-to-invite latency, the Kafka lag, the in-doubt attempts and the dead letters', () => {
    const text = dashboardExpressions().map((entry) => entry.expr).join('\n');
    expect(text).toContain('deflect_calls_total');
    expect(text).toMatch(/histogram_quantile\(0\.95, sum by \(le\) \(rate\(deflect_accept_to_invite_seconds_bucket/);
    expect(text).toContain('deflect_kafka_consumer_lag');
    expect(text).toContain('deflect_invite_attempts_total{classification="IN_DOUBT"}');
    expect(text).toContain('deflect_dead_letters_total');
  });
});
