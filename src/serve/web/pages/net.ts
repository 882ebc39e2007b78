/// <reference lib="dom" />
/** Network per interface (receive and transmit rates over time) and the busiest connections. */
import { getJson } from '../api.js';
import { Chart, type ChartSpec, COLORS } from '../chart.js';
import { el, facts, fill, fillWith, panel, table } from '../dom.js';
import { formatRate } from '../format.js';
import { netColumns } from '../series.js';
import { windowed } from '../timeWindow.js';
import type { Connection, NetInterface, NetReport } from '../wire.js';
import { ChartSet, type Page } from './page.js';

const SPEC: ChartSpec = {
  name: 'net-rates',
  height: 160,
  fromZero: true,
  // the columns are already bits per second (series.ts): print them without converting again
  format: (bits) => formatRate(bits / 8),
  // an idle link: 0 drawn against 0..1 Kb/s, not against 0..1 b/s (labels that round to "1 b/s")
  flatSpan: 1000,
  lines: [
    { label: 'receive', stroke: COLORS.rx },
    { label: 'transmit', stroke: COLORS.tx },
  ],
};

const rate = (bytesPerSecond: number | null) => (bytesPerSecond === null ? '-' : formatRate(bytesPerSecond));

function interfacePanel(iface: NetInterface, slot: HTMLElement): HTMLElement {
  const p = panel(
    iface.name,
    el(
      'div',
      { class: 'mount' },
      facts([
        ['receive', formatRate(iface.rxBytesPerSecond)],
        ['transmit', formatRate(iface.txBytesPerSecond)],
        [
          'link speed',
          iface.speedBytesPerSecond === null ? 'unknown' : formatRate(iface.speedBytesPerSecond),
        ],
      ]),
      slot,
    ),
  );
  p.dataset.interface = iface.name;
  return p;
}

function connectionTable(connections: readonly Connection[]): HTMLElement {
  if (connections.length === 0) return el('p', { class: 'note' }, 'No connection recorded.');
  return table(['PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PROCESS', 'RX', 'TX'], connections, (c) => [
    c.proto,
    el('code', {}, c.local),
    el('code', {}, c.remote),
    c.state,
    c.pid === null ? '-' : `${c.process ?? '?'} (${c.pid})`,
    rate(c.rxBytesPerSecond),
    rate(c.txBytesPerSecond),
  ]);
}

export function netPage(root: HTMLElement): Page {
  const ifaces = el('div');
  const conns = el('div');
  fill(root, el('h1', {}, 'Network'), ifaces, conns);
  const charts = new ChartSet();
  const slots = new Map<string, HTMLElement>();

  return {
    async refresh(signal) {
      const report = await getJson<NetReport>(windowed('/api/v1/net'), signal);
      const drawn = report.interfaces.map((iface) => {
        let slot = slots.get(iface.name);
        if (!slot) {
          slot = el('div', { class: 'chart-slot' });
          slots.set(iface.name, slot);
        }
        const columns = netColumns(iface);
        const target = slot;
        return {
          p: interfacePanel(iface, target),
          draw: () =>
            charts.use(
              iface.name,
              () => new Chart(target, SPEC, columns),
              (c) => c.update(columns),
            ),
        };
      });
      fillWith(
        ifaces,
        drawn.map((d) => d.p),
      );
      for (const d of drawn) d.draw();
      charts.sweep();
      fill(conns, panel('Top connections', connectionTable(report.connections)));
    },
    destroy() {
      charts.destroy();
    },
  };
}
