/**
 * Migration 2: the tables of `hog serve`, which records the whole machine (not one run) into the same
 * store as `hog run` and `hog watch`. Each resource has a raw table (one row per tick, kept
 * --retention-raw) and a `_minute` twin of the same shape holding 1-minute averages (kept
 * --retention-minute); retention.ts moves rows from one to the other. Things with identity get a row of
 * their own (a process is pid + start time in clock ticks, so a reused PID is another process; a mount
 * is its mount point and device), and samples refer to it by id, which keeps the sample rows narrow.
 * Connections and findings are a snapshot (the latest tick's), not a history.
 */

const SAMPLE_TABLES = {
  serve_host: `t INTEGER PRIMARY KEY,
    mem_total INTEGER NOT NULL, mem_available INTEGER NOT NULL,
    swap_total INTEGER NOT NULL, swap_free INTEGER NOT NULL,
    psi_some10 REAL, psi_full10 REAL,
    load1 REAL NOT NULL, load5 REAL NOT NULL, load15 REAL NOT NULL`,
  serve_process_sample: `process_id INTEGER NOT NULL REFERENCES serve_process (id) ON DELETE CASCADE,
    t INTEGER NOT NULL, rss INTEGER NOT NULL, swap INTEGER NOT NULL,
    PRIMARY KEY (process_id, t)`,
  serve_fs_sample: `mount_id INTEGER NOT NULL REFERENCES serve_mount (id) ON DELETE CASCADE,
    t INTEGER NOT NULL, size INTEGER NOT NULL, used INTEGER NOT NULL, avail INTEGER NOT NULL,
    files INTEGER NOT NULL, files_free INTEGER NOT NULL,
    PRIMARY KEY (mount_id, t)`,
  serve_net_sample: `interface_id INTEGER NOT NULL REFERENCES serve_interface (id) ON DELETE CASCADE,
    t INTEGER NOT NULL, rx_bytes INTEGER NOT NULL, tx_bytes INTEGER NOT NULL,
    rx_rate REAL NOT NULL, tx_rate REAL NOT NULL,
    PRIMARY KEY (interface_id, t)`,
};

function sampleTables(): string {
  return Object.entries(SAMPLE_TABLES)
    .map(([name, columns]) => {
      const rowid = name === 'serve_host' ? '' : ' WITHOUT ROWID';
      return `CREATE TABLE ${name} (${columns})${rowid};\n  CREATE TABLE ${minuteTable(name)} (${columns})${rowid};`;
    })
    .join('\n  ');
}

/** The table of 1-minute averages beside a raw table. */
export function minuteTable(raw: string): string {
  return raw.endsWith('_sample') ? `${raw.slice(0, -'_sample'.length)}_minute` : `${raw}_minute`;
}

export const SERVE_MIGRATION = `
  CREATE TABLE serve_process (
    id          INTEGER PRIMARY KEY,
    pid         INTEGER NOT NULL,
    start_ticks INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    command     TEXT    NOT NULL,
    is_node     INTEGER NOT NULL DEFAULT 0,
    first_t     INTEGER NOT NULL,
    last_t      INTEGER NOT NULL,
    verdict     TEXT,
    UNIQUE (pid, start_ticks)
  );
  CREATE INDEX serve_process_last ON serve_process (last_t);
  CREATE TABLE serve_mount (
    id         INTEGER PRIMARY KEY,
    mountpoint TEXT NOT NULL,
    device     TEXT NOT NULL,
    fstype     TEXT NOT NULL,
    last_t     INTEGER NOT NULL,
    UNIQUE (mountpoint, device)
  );
  CREATE TABLE serve_interface (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE,
    speed  INTEGER,
    last_t INTEGER NOT NULL
  );
  ${sampleTables()}
  CREATE TABLE serve_connection (
    rank    INTEGER PRIMARY KEY,
    t       INTEGER NOT NULL,
    proto   TEXT NOT NULL,
    local   TEXT NOT NULL,
    remote  TEXT NOT NULL,
    state   TEXT NOT NULL,
    pid     INTEGER,
    process TEXT NOT NULL,
    rx_rate REAL NOT NULL,
    tx_rate REAL NOT NULL
  );
  CREATE TABLE serve_finding (
    rank     INTEGER PRIMARY KEY,
    t        INTEGER NOT NULL,
    id       TEXT NOT NULL,
    severity TEXT NOT NULL,
    title    TEXT NOT NULL,
    detail   TEXT NOT NULL,
    fix      TEXT
  );
`;
