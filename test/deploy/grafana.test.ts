/**
 * deploy/grafana/hog.json: valid JSON of the shape Grafana imports (grafanaDashboard.schema.json, from
 * Grafana's dashboard JSON model), laid out on its 24-column grid without overlaps, and every metric its
 * queries (and alerts.yml's rules) read is one a real `hog serve` declares in /metrics, with rate()
 * only over counters.
 */
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopStartedHogs } from '../helpers/hog.js';
import {
  countersIn,
  declaredMetrics,
  metricNamesIn,
  metricsAfterTicks,
  type Serve,
  startServe,
} from './serveProcess.js';

interface Target {
  expr: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; query?: string | { query: string } }[] };
}

const text = readFileSync(new URL('../../deploy/grafana/hog.json', import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('./grafanaDashboard.schema.json', import.meta.url), 'utf8'));
const rules = readFileSync(new URL('../../deploy/prometheus/alerts.yml', import.meta.url), 'utf8');
// ajv is CommonJS with a default export: take it under NodeNext resolution
const Ajv = AjvModule.default;

/** Every PromQL expression of the dashboard: panel targets and query variables. */
function expressions(dashboard: Dashboard): string[] {
  const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const variables = dashboard.templating.list.flatMap((v) =>
    typeof v.query === 'object' ? [v.query.query] : [],
  );
  return [...targets, ...variables];
}

/** The expressions of alerts.yml (block or one-line `expr:`). */
function ruleExpressions(): string[] {
  return [...rules.matchAll(/^(\s*)expr: (?:\|\n((?:\1 {2}.*\n)+)|(.*)\n)/gm)].map((m) =>
    (m[2] ?? m[3] ?? '').trim(),
  );
}

describe('the Grafana dashboard', () => {
  it('is JSON of the dashboard schema, with unique panel ids on a grid without overlaps', () => {
    const dashboard = JSON.parse(text) as Dashboard;
    const validate = new Ajv({ allErrors: true }).compile(schema);
    validate(dashboard);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);

    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          const other = cells.get(`${x},${y}`);
          expect(other, `${p.title} overlaps ${other} at ${x},${y}`).toBeUndefined();
          cells.set(`${x},${y}`, p.title);
        }
      }
    }
    // the five views the issue asks for, by their rows
    expect(dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Memory',
      'Top processes',
      'Leaks',
      'Filesystems',
      'Network',
      'hog',
    ]);
  });

  it('reads its metric names out of the queries (the check below relies on it)', () => {
    expect(
      metricNamesIn(
        'rate(hog_network_receive_bytes_total{instance=~"$instance",x="hog_fake"}[5m]) / on (instance) (hog_network_speed_bytes > 0)',
      ),
    ).toEqual(['hog_network_receive_bytes_total', 'hog_network_speed_bytes']);
    expect(countersIn('-rate(hog_network_transmit_bytes_total{a="b"}[1m]) + rate(x[1m])')).toEqual([
      'hog_network_transmit_bytes_total',
      'x',
    ]);
  });
});

describe('the dashboard and the alert rules against a real hog serve', () => {
  let serve: Serve;
  let declared: Map<string, string>;
  beforeAll(async () => {
    serve = await startServe();
    declared = declaredMetrics(await metricsAfterTicks(serve, 2));
  });
  afterAll(async () => {
    await serve?.stop();
    stopStartedHogs();
  });

  it('every metric the dashboard queries is one hog serve declares, rate() only over counters', () => {
    const dashboard = JSON.parse(text) as Dashboard;
    const exprs = expressions(dashboard);
    const used = [...new Set(exprs.flatMap(metricNamesIn))].sort();
    // every family of the contract is shown somewhere
    expect(used).toEqual(
      expect.arrayContaining([
        'hog_memory_available_bytes',
        'hog_process_resident_memory_bytes',
        'hog_process_memory_slope_bytes_per_second',
        'hog_process_leak',
        'hog_filesystem_avail_bytes',
        'hog_filesystem_fill_seconds',
        'hog_network_receive_bytes_total',
        'hog_network_transmit_bytes_total',
      ]),
    );
    expect(used.filter((name) => !declared.has(name))).toEqual([]);
    const counters = [...new Set(exprs.flatMap(countersIn))];
    expect(counters.filter((name) => declared.get(name) !== 'counter')).toEqual([]);
  });

  it("every metric alerts.yml's rules read is one hog serve declares, rate() only over counters", () => {
    const exprs = ruleExpressions();
    expect(exprs).toHaveLength(11);
    const used = [...new Set(exprs.flatMap(metricNamesIn))].sort();
    expect(used.filter((name) => !declared.has(name))).toEqual([]);
    expect(used).toHaveLength(13);
    const counters = [...new Set(exprs.flatMap(countersIn))];
    expect(counters.sort()).toEqual([
      'hog_network_receive_bytes_total',
      'hog_network_transmit_bytes_total',
      'hog_recorder_ticks_total',
    ]);
    expect(counters.filter((name) => declared.get(name) !== 'counter')).toEqual([]);
  });
});
