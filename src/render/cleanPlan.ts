/**
 * The cleanup plan for people and for programs. The table sums the actions per directory (one line
 * for /tmp/build-123's 4,000 files); --all lists every file, row by row as it is printed; --json
 * writes every action, in pieces, so a plan of a million files never becomes one string.
 */
import type { CleanPlan, CommandAction, KeptGroup, PlanGroup } from '../disk/cleanPlan.js';
import type { CleanAction } from '../disk/planStore.js';
import { columnWidths, formatRow, renderTable, rowCells, type TableColumn } from './table.js';
import { terminalText } from './terminalText.js';
import { formatBytes, formatCount, formatDuration } from './units.js';

/** Groups shown before "… and N more" (--all lists every file). */
export const GROUPS_SHOWN = 40;
const KEPT_SHOWN = 20;

const GROUP_COLUMNS: TableColumn<PlanGroup>[] = [
  { header: 'ACTION', align: 'left', text: (g) => g.action },
  { header: 'FILES', align: 'right', text: (g) => formatCount(g.files) },
  { header: 'FREES', align: 'right', text: (g) => `${g.estimated ? '~' : ''}${formatBytes(g.freesBytes)}` },
  { header: 'WHY', align: 'left', text: (g) => `${g.why}; ${g.ages}` },
  { header: 'PATH', align: 'left', flex: true, text: (g) => g.path },
];

const ACTION_COLUMNS: TableColumn<CleanAction>[] = [
  { header: 'ACTION', align: 'left', text: (a) => a.action },
  { header: 'FREES', align: 'right', text: (a) => `${a.estimated ? '~' : ''}${formatBytes(a.freesBytes)}` },
  { header: 'WHY', align: 'left', text: (a) => a.reason },
  { header: 'PATH', align: 'left', flex: true, text: (a) => a.path },
];

function commandLines(commands: CommandAction[]): string[] {
  if (commands.length === 0) return [];
  const lines = ['', 'Caches emptied by their own tool (one action each):'];
  for (const c of commands)
    lines.push(
      `  run ${c.command.join(' ')}: frees ${formatBytes(c.freesBytes)}, ${files(c.files)} of ${terminalText(c.what)} in ${terminalText(c.path)}`,
      `      (${c.source})`,
    );
  return lines;
}

const files = (n: number) => `${formatCount(n)} file${n === 1 ? '' : 's'}`;

function keptLines(kept: KeptGroup[]): string[] {
  if (kept.length === 0) return [];
  const lines = ['', 'Looked at and not touched:'];
  for (const k of kept.slice(0, KEPT_SHOWN))
    lines.push(
      `  ${terminalText(k.path)}: ${files(k.files)}, ${formatBytes(k.allocatedBytes)}: ${terminalText(k.reason)}`,
    );
  if (kept.length > KEPT_SHOWN) lines.push(`  … and ${formatCount(kept.length - KEPT_SHOWN)} more`);
  return lines;
}

function skippedLines(plan: CleanPlan): string[] {
  if (plan.skipped.length === 0) return [];
  const lines = ['', 'Left alone:'];
  for (const s of plan.skipped.largest(20))
    lines.push(`  ${terminalText(s.path)} (${formatBytes(s.allocatedBytes)}): ${terminalText(s.reason)}`);
  if (plan.skipped.length > 20) lines.push(`  … and ${formatCount(plan.skipped.length - 20)} more`);
  return lines;
}

export function planHeader(plan: CleanPlan): string {
  return `hog disk clean: plan for ${plan.roots.map((root) => terminalText(root)).join(', ')} (older than ${formatDuration(plan.options.olderThanSeconds)}, compress from ${formatBytes(plan.options.compressOverBytes)})`;
}

function directories(groups: PlanGroup[]): string {
  const n = new Set(groups.map((g) => g.path)).size;
  return `${formatCount(n)} ${n === 1 ? 'directory' : 'directories'}`;
}

function totalLine(plan: CleanPlan): string {
  const files = plan.actions.length;
  const commands = plan.commands.length;
  const parts = [
    files > 0 ? `${formatCount(files)} file actions in ${directories(plan.groups)}` : '',
    commands > 0 ? `${commands} command${commands === 1 ? '' : 's'}` : '',
  ].filter((p) => p !== '');
  const estimated = plan.groups.some((g) => g.estimated);
  return `${parts.join(' and ')} free ${estimated ? 'about ' : ''}${formatBytes(plan.freesBytes)}.`;
}

/**
 * The plan grouped by directory; with `all`, every file instead, handed to `emit` row by row (the
 * widths come from a first pass over the actions, so no row is kept).
 */
export async function renderPlan(
  plan: CleanPlan,
  width: number | undefined,
  emit: (line: string) => void,
  all = false,
  drained: () => Promise<void> = async () => {},
): Promise<void> {
  emit(planHeader(plan));
  if (plan.actions.length === 0 && plan.commands.length === 0) {
    emit('');
    emit('Nothing to clean: no old rotated logs, big logs, stale caches, old temporary files or core dumps.');
  } else if (plan.actions.length > 0) {
    emit('');
    if (all) {
      const widths = columnWidths(ACTION_COLUMNS, plan.actions);
      emit(
        formatRow(
          ACTION_COLUMNS,
          widths,
          ACTION_COLUMNS.map((c) => c.header),
          width,
        ),
      );
      // rows go out in batches of ~64 KiB: one write per row to a pipe costs a request object each
      let batch = '';
      for (const a of plan.actions) {
        const row = formatRow(ACTION_COLUMNS, widths, rowCells(ACTION_COLUMNS, a), width);
        batch += batch === '' ? row : `\n${row}`;
        if (batch.length >= 65536) {
          emit(batch);
          batch = '';
          await drained();
        }
      }
      if (batch !== '') emit(batch);
    } else {
      for (const line of renderTable(GROUP_COLUMNS, plan.groups.slice(0, GROUPS_SHOWN), { width }))
        emit(line);
      if (plan.groups.length > GROUPS_SHOWN)
        emit(
          `… and ${formatCount(plan.groups.length - GROUPS_SHOWN)} more directories (--all lists every file)`,
        );
    }
  }
  for (const line of commandLines(plan.commands)) emit(line);
  if (plan.actions.length + plan.commands.length > 0) {
    emit('');
    emit(totalLine(plan));
  }
  for (const line of keptLines(plan.kept)) emit(line);
  for (const line of skippedLines(plan)) emit(line);
}

/** An action as JSON: its planned identity stays inside hog. */
function actionJson(a: CleanAction): string {
  const { planned: _planned, ...rest } = a;
  return JSON.stringify(rest);
}

/** A group as --json writes it: the seconds, without the table's wording of them. */
function groupJson({ ages: _, ...group }: PlanGroup): Omit<PlanGroup, 'ages'> {
  return group;
}

/**
 * The plan (and what was done) as one JSON document, written in pieces of about 64 KiB: every action
 * and every skipped file, then the groups, commands and what was kept.
 */
export async function writePlanJson(
  plan: CleanPlan,
  write: (text: string) => void,
  extra: { applied: ({ results: readonly unknown[] } & Record<string, unknown>) | null; notes: string[] },
  drained: () => Promise<void> = async () => {},
): Promise<void> {
  let buffer = `{"plan":{"roots":${JSON.stringify(plan.roots)},"options":${JSON.stringify(plan.options)},"actions":[`;
  const flush = async (force: boolean) => {
    if (force || buffer.length >= 65536) {
      write(buffer);
      buffer = '';
      await drained();
    }
  };
  let first = true;
  for (const a of plan.actions) {
    buffer += `${first ? '' : ','}\n${actionJson(a)}`;
    first = false;
    await flush(false);
  }
  buffer += '],"skipped":[';
  first = true;
  for (const s of plan.skipped) {
    buffer += `${first ? '' : ','}\n${JSON.stringify(s)}`;
    first = false;
    await flush(false);
  }
  buffer += `],"commands":${JSON.stringify(plan.commands)},"groups":${JSON.stringify(plan.groups.map(groupJson))},"kept":${JSON.stringify(plan.kept)},"freesBytes":${plan.freesBytes}}`;
  buffer += ',"applied":';
  if (extra.applied === null) buffer += 'null';
  else {
    // what was done, one result per action: as long as the plan, so written in pieces too
    const { results, ...rest } = extra.applied;
    buffer += `${JSON.stringify(rest).slice(0, -1)}${Object.keys(rest).length > 0 ? ',' : ''}"results":[`;
    for (let i = 0; i < results.length; i++) {
      buffer += `${i === 0 ? '' : ','}\n${JSON.stringify(results[i])}`;
      await flush(false);
    }
    buffer += ']}';
  }
  buffer += `,"notes":${JSON.stringify(extra.notes)}}\n`;
  await flush(true);
}
