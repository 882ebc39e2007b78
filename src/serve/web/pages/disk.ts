/// <reference lib="dom" />
/**
 * Disk per mount: how full, how fast it fills and when it will be full; the treemap of the last scan
 * with its categories beside it.
 */
import { getJson } from '../api.js';
import { Chart, type ChartSpec, COLORS } from '../chart.js';
import { fillText, fillUrgent, inodeText, usageText, usedPercent } from '../diskText.js';
import { el, facts, fill, fillWith, panel, table } from '../dom.js';
import { formatBytes } from '../format.js';
import { categoryRows, scanTitle } from '../scanText.js';
import { diskColumns, spanOf } from '../series.js';
import { windowed } from '../timeWindow.js';
import { drawTreemap } from '../treemapView.js';
import type { DiskReport, Mount } from '../wire.js';
import { ChartSet, type Page } from './page.js';

const SPEC: ChartSpec = {
  name: 'disk-used',
  height: 160,
  fromZero: true,
  format: (v) => formatBytes(v),
  bytes: true,
  lines: [
    { label: 'used', stroke: COLORS.used, fill: 'rgba(95,61,196,0.08)' },
    { label: 'size', stroke: COLORS.size, dash: [2, 4], width: 1 },
    { label: 'forecast', stroke: COLORS.forecast, dash: [6, 4] },
  ],
};

/** How far ahead the forecast line runs: as long as the history shown, at least an hour. */
function horizonFor(mount: Mount): number {
  return Math.max(3_600_000, spanOf(mount.points.map((p) => p[0])));
}

function usageBar(mount: Mount): HTMLElement {
  const share = Math.min(100, usedPercent(mount) ?? 0);
  const bar = el('div', { class: share >= 90 ? 'bar bar-full' : 'bar' });
  bar.style.width = `${share}%`;
  return el('div', { class: 'bar-track' }, bar);
}

function mountPanel(mount: Mount, now: number, slot: HTMLElement): HTMLElement {
  const forecast = el(
    'span',
    { class: fillUrgent(mount.fill, now) ? 'state-warn' : '' },
    fillText(mount.fill, now),
  );
  const info = facts([
    ['used', usageText(mount)],
    ['free', formatBytes(mount.availBytes)],
    ['inodes', inodeText(mount)],
    ['forecast', forecast],
  ]);
  const title = `${mount.mountpoint}  (${mount.device}, ${mount.fstype})`;
  const p = panel(title, usageBar(mount), el('div', { class: 'mount' }, info, slot));
  p.dataset.mount = mount.mountpoint;
  return p;
}

export function diskPage(root: HTMLElement): Page {
  const mountsBox = el('div');
  const scanBox = el('div');
  fill(root, el('h1', {}, 'Disk per mount'), mountsBox, scanBox);
  const charts = new ChartSet();
  const slots = new Map<string, HTMLElement>();

  return {
    async refresh(signal) {
      const report = await getJson<DiskReport>(windowed('/api/v1/disks'), signal);
      const panels = report.mounts.map((mount) => {
        let slot = slots.get(mount.mountpoint);
        if (!slot) {
          slot = el('div', { class: 'chart-slot' });
          slots.set(mount.mountpoint, slot);
        }
        const p = mountPanel(mount, report.t, slot);
        const columns = diskColumns(mount, horizonFor(mount));
        // the panel is in the page before the chart measures its width
        return {
          p,
          draw: () =>
            charts.use(
              mount.mountpoint,
              () => new Chart(slot, SPEC, columns),
              (c) => c.update(columns),
            ),
        };
      });
      fillWith(
        mountsBox,
        panels.map((x) => x.p),
      );
      for (const x of panels) x.draw();
      charts.sweep();
      renderScan(scanBox, report);
    },
    destroy() {
      charts.destroy();
    },
  };
}

function renderScan(box: HTMLElement, report: DiskReport): void {
  const scan = report.lastScan;
  if (!scan) {
    fill(
      box,
      panel(
        'Last scan',
        el(
          'p',
          { class: 'note' },
          'No directory scan recorded yet: hog serve --scan DIR scans a tree now and then (hog disk PATH scans one now).',
        ),
      ),
    );
    return;
  }
  const map = el('div', { class: 'treemap' });
  const categories = table(['CATEGORY', 'SIZE', 'SHARE'], categoryRows(scan), (row) => row);
  categories.dataset.categories = scan.root;
  // the report's t is the newest tick; a store with scans but no tick yet says 0
  const now = Math.max(report.t, scan.t);
  fill(box, panel(scanTitle(scan, now), el('div', { class: 'scan' }, map, categories)));
  drawTreemap(map, scan.tree, 420);
}
