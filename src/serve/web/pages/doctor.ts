/// <reference lib="dom" />
/** The doctor's findings, worst first, each with its evidence and the command that fixes it. */
import { getJson } from '../api.js';
import { bySeverity, severityBadge } from '../badges.js';
import { badgeEl, el, fill, fillWith } from '../dom.js';
import { formatClock } from '../format.js';
import type { Finding, FindingList } from '../wire.js';
import type { Page } from './page.js';

function findingEl(f: Finding): HTMLElement {
  const item = el(
    'section',
    { class: `panel finding finding-${f.severity}` },
    el('h2', {}, badgeEl(severityBadge(f.severity)), ' ', f.title),
    f.detail.trim() === '' ? null : el('pre', { class: 'detail' }, f.detail),
    f.fix === null ? null : el('p', {}, 'fix: ', el('code', { class: 'command' }, f.fix)),
  );
  item.dataset.finding = f.id;
  return item;
}

export function doctorPage(root: HTMLElement): Page {
  const when = el('p', { class: 'note' });
  const list = el('div');
  fill(root, el('h1', {}, 'Doctor'), when, list);
  return {
    async refresh(signal) {
      const report = await getJson<FindingList>('/api/v1/findings', signal);
      fill(when, `checked at ${formatClock(report.t, Date.now())}`);
      fillWith(
        list,
        report.findings.length === 0
          ? [el('p', {}, 'No findings.')]
          : bySeverity(report.findings).map(findingEl),
      );
    },
    destroy() {},
  };
}
