/// <reference lib="dom" />
/** The host at a glance: memory, pressure, load, recording, the biggest processes, the findings. */
import { getJson } from '../api.js';
import { countBySeverity, verdictBadge } from '../badges.js';
import { Chart, type ChartSpec, COLORS } from '../chart.js';
import { badgeEl, el, facts, fill, fillWith, panel, table } from '../dom.js';
import {
  formatAgo,
  formatBytes,
  formatDuration,
  formatLoad,
  formatPressure,
  formatShare,
} from '../format.js';
import { hrefOf } from '../route.js';
import { pointColumns } from '../series.js';
import { windowed } from '../timeWindow.js';
import type { FindingList, HostInfo, HostMetric, HostSeries, ProcessList } from '../wire.js';
import { ChartSet, type Page } from './page.js';

const SERIES: { metric: HostMetric; title: string; spec: ChartSpec }[] = [
  {
    metric: 'available',
    title: 'Available memory',
    spec: {
      name: 'host-available',
      height: 200,
      fromZero: true,
      format: (v) => formatBytes(v),
      bytes: true,
      lines: [{ label: 'available', stroke: COLORS.available, fill: 'rgba(43,138,62,0.08)' }],
    },
  },
  {
    metric: 'swap_used',
    title: 'Swap used',
    spec: {
      name: 'host-swap',
      height: 140,
      fromZero: true,
      format: (v) => formatBytes(v),
      bytes: true,
      lines: [{ label: 'swap used', stroke: COLORS.swap }],
    },
  },
  {
    metric: 'pressure_some',
    title: 'Memory pressure (some, avg10)',
    spec: {
      name: 'host-pressure',
      height: 140,
      fromZero: true,
      format: (v) => formatPressure(v),
      // a ratio: a flat 0 is drawn against 0..1%
      flatSpan: 0.01,
      lines: [{ label: 'some avg10', stroke: COLORS.pressure }],
    },
  },
];

function memoryFacts(host: HostInfo): HTMLElement {
  const m = host.memory;
  if (m === null) return panel('Memory', el('p', { class: 'note' }, 'waiting for the first sample…'));
  const used = m.totalBytes - m.availableBytes;
  const swapUsed = m.swapTotalBytes - m.swapFreeBytes;
  return panel(
    'Memory',
    facts([
      ['used', `${formatBytes(used)} of ${formatBytes(m.totalBytes)} (${formatShare(used, m.totalBytes)})`],
      ['available', formatBytes(m.availableBytes)],
      [
        'swap used',
        m.swapTotalBytes > 0 ? `${formatBytes(swapUsed)} of ${formatBytes(m.swapTotalBytes)}` : 'no swap',
      ],
    ]),
  );
}

function pressureFacts(host: HostInfo): HTMLElement {
  const p = host.pressure;
  const rows: [string, string][] = p
    ? [
        ['some avg10', formatPressure(p.memorySomeAvg10)],
        ['full avg10', formatPressure(p.memoryFullAvg10)],
      ]
    : [['pressure', 'not available (kernel without PSI)']];
  rows.push(['load', host.load === null ? '-' : formatLoad(host.load, host.cpuCount)]);
  rows.push(['host', `${host.hostname}, Linux ${host.kernel}`]);
  rows.push(['uptime', formatDuration(host.uptimeSeconds)]);
  return panel('Pressure and load', facts(rows));
}

function recordingFacts(host: HostInfo): HTMLElement {
  const r = host.recording;
  const state =
    r.paused === null
      ? el('span', { class: 'state-ok' }, 'recording')
      : el('span', { class: 'state-warn' }, `paused: ${r.paused}`);
  return panel(
    'Recording',
    facts([
      ['status', state],
      ['interval', formatDuration(r.intervalMs / 1000)],
      ['since', formatAgo(r.since, host.t ?? Date.now())],
      ['database', formatBytes(r.dbBytes)],
    ]),
  );
}

function topProcesses(list: ProcessList): HTMLElement {
  const rows = list.processes.slice(0, 5);
  return panel(
    'Largest processes',
    table(['PID', 'COMMAND', 'RES', 'VERDICT'], rows, (p) => [
      `${p.pid}`,
      el('a', { href: hrefOf({ page: 'process', pid: p.pid }) }, p.name),
      formatBytes(p.rssBytes),
      badgeEl(verdictBadge(p.verdict)),
    ]),
    el('p', {}, el('a', { href: hrefOf({ page: 'memory' }) }, 'all processes →')),
  );
}

function findingSummary(list: FindingList): HTMLElement {
  const counts = countBySeverity(list.findings);
  const parts = (['crit', 'warn', 'info', 'ok'] as const).map((s) =>
    el('span', { class: `badge badge-${s}` }, `${counts[s]} ${s}`),
  );
  return panel(
    'Doctor',
    fillWith(el('p', { class: 'badges' }), parts),
    el('p', {}, el('a', { href: hrefOf({ page: 'doctor' }) }, 'findings →')),
  );
}

export function overviewPage(root: HTMLElement): Page {
  const cards = el('div', { class: 'cards' });
  const chartBox = el('div', { class: 'charts' });
  const lists = el('div', { class: 'cards' });
  fill(root, el('h1', {}, 'Host'), cards, chartBox, lists);
  const charts = new ChartSet();
  const slots = new Map(SERIES.map((s) => [s.metric, el('div', { class: 'chart-slot' })]));
  for (const s of SERIES) chartBox.appendChild(panel(s.title, slots.get(s.metric)));

  return {
    async refresh(signal) {
      const [host, processes, findings, ...series] = await Promise.all([
        getJson<HostInfo>('/api/v1/host', signal),
        getJson<ProcessList>('/api/v1/processes', signal),
        getJson<FindingList>('/api/v1/findings', signal),
        ...SERIES.map((s) => getJson<HostSeries>(windowed(`/api/v1/host/series?metric=${s.metric}`), signal)),
      ]);
      document.title = `hog · ${host.hostname}`;
      fill(cards, memoryFacts(host), pressureFacts(host), recordingFacts(host));
      SERIES.forEach((s, i) => {
        const slot = slots.get(s.metric);
        const data = series[i] as HostSeries | undefined;
        if (!slot || !data) return;
        // without PSI the pressure chart has nothing to say, nor the swap chart without swap
        const idle =
          (s.metric === 'pressure_some' && host.pressure === null) ||
          (s.metric === 'swap_used' && host.memory !== null && host.memory.swapTotalBytes === 0);
        slot.parentElement?.toggleAttribute('hidden', idle);
        const columns = pointColumns(data.points);
        charts.use(
          s.metric,
          () => new Chart(slot, s.spec, columns),
          (c) => c.update(columns),
        );
      });
      charts.sweep();
      fill(lists, topProcesses(processes), findingSummary(findings));
    },
    destroy() {
      charts.destroy();
    },
  };
}
