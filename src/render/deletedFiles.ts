/**
 * `hog disk deleted` as text: one row per holder of each deleted-but-open file, then what each
 * filesystem would get back.
 */
import type { DeletedFile, FilesystemDeleted } from '../disk/deleted.js';
import { renderTable, type TableColumn } from './table.js';
import { terminalText } from './terminalText.js';
import { formatBytes, formatCount } from './units.js';

interface Row {
  file: DeletedFile;
  holder: number;
}

const WRITES_TEXT = {
  append: 'append',
  offset: 'at offset',
  'read-only': 'no writer',
  unknown: '?',
} as const;

function deletedColumns(): TableColumn<Row>[] {
  const first = (r: Row) => r.holder === 0;
  const holder = (r: Row) => r.file.holders[r.holder] as DeletedFile['holders'][number];
  return [
    { header: 'PID', align: 'right', minWidth: 7, text: (r) => String(holder(r).pid) },
    { header: 'COMMAND', align: 'left', text: (r) => holder(r).command },
    { header: 'FD', align: 'right', text: (r) => String(holder(r).fd) },
    {
      header: 'ON DISK',
      align: 'right',
      text: (r) => (first(r) ? formatBytes(r.file.allocatedBytes) : ''),
    },
    {
      header: 'APPARENT',
      align: 'right',
      text: (r) => (first(r) ? formatBytes(r.file.apparentBytes) : ''),
    },
    {
      header: 'WRITES',
      align: 'left',
      text: (r) => {
        const i = holder(r).fdinfo;
        return i === undefined ? '?' : !i.writable ? 'reads' : i.append ? 'append' : 'at offset';
      },
    },
    {
      header: 'FILESYSTEM',
      align: 'left',
      text: (r) => (first(r) ? `${r.file.mountPoint ?? '?'} (${r.file.fsType ?? '?'})` : ''),
    },
    {
      header: 'PATH',
      align: 'left',
      flex: true,
      text: (r) => (first(r) ? `${r.file.path} (deleted)` : '  (same file)'),
    },
  ];
}

/** The report's lines; `minSize` is the --min-size the files were filtered by (0: none). */
export function renderDeletedFiles(
  files: readonly DeletedFile[],
  filesystems: readonly FilesystemDeleted[],
  minSize: number,
  width: number | undefined,
): string[] {
  if (files.length === 0) {
    return [
      'No deleted file is held open' +
        (minSize > 0 ? ` with at least ${formatBytes(minSize)} on disk.` : '.'),
    ];
  }
  const rows: Row[] = files.flatMap((file) => file.holders.map((_, holder) => ({ file, holder })));
  const lines = [
    ...renderTable(deletedColumns(), rows, { width }),
    '',
    'Held by deleted files, freed when their holders close them (restart the process), or now with --reclaim PID:FD:',
  ];
  for (const fs of filesystems) {
    lines.push(
      `  ${terminalText(fs.mountPoint)} (${fs.fsType ?? '?'}): ${formatCount(fs.files)} ${fs.files === 1 ? 'file' : 'files'}, ${formatBytes(fs.allocatedBytes)}`,
    );
  }
  if (files.some((f) => f.writes === 'offset')) {
    lines.push(
      '',
      `WRITES "${WRITES_TEXT.offset}": the writer does not append; after --reclaim its next write makes the file sparse (little space, reads as zeros).`,
    );
  }
  return lines;
}
