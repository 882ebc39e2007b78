/**
 * Writing `hog serve`'s ticks: one IMMEDIATE transaction per tick (one fsync in WAL mode with
 * synchronous=NORMAL), so a kill -9 leaves either the whole tick or none of it. Statements are prepared
 * once: the recorder writes every second.
 */
import type Database from 'better-sqlite3';
import type { FindingRow, ServeTick } from './serveTick.js';

export class ServeWriter {
  private readonly upsertProcess: Database.Statement;
  private readonly upsertMount: Database.Statement;
  private readonly upsertInterface: Database.Statement;
  private readonly host: Database.Statement;
  private readonly processSample: Database.Statement;
  private readonly fsSample: Database.Statement;
  private readonly netSample: Database.Statement;
  private readonly connection: Database.Statement;
  private readonly finding: Database.Statement;
  private readonly verdict: Database.Statement;
  private readonly clearConnections: Database.Statement;
  private readonly clearFindings: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.upsertProcess = db.prepare(
      `INSERT INTO serve_process (pid, start_ticks, name, command, is_node, first_t, last_t)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (pid, start_ticks) DO UPDATE SET last_t = excluded.last_t, name = excluded.name,
         command = excluded.command, is_node = excluded.is_node
       RETURNING id`,
    );
    this.upsertMount = db.prepare(
      `INSERT INTO serve_mount (mountpoint, device, fstype, last_t) VALUES (?, ?, ?, ?)
       ON CONFLICT (mountpoint, device) DO UPDATE SET last_t = excluded.last_t, fstype = excluded.fstype
       RETURNING id`,
    );
    this.upsertInterface = db.prepare(
      `INSERT INTO serve_interface (name, speed, last_t) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_t = excluded.last_t, speed = excluded.speed
       RETURNING id`,
    );
    this.host = db.prepare(
      `INSERT OR REPLACE INTO serve_host (t, mem_total, mem_available, swap_total, swap_free, psi_some10,
         psi_full10, load1, load5, load15) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.processSample = db.prepare(
      'INSERT OR REPLACE INTO serve_process_sample (process_id, t, rss, swap) VALUES (?, ?, ?, ?)',
    );
    this.fsSample = db.prepare(
      `INSERT OR REPLACE INTO serve_fs_sample (mount_id, t, size, used, avail, files, files_free)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.netSample = db.prepare(
      `INSERT OR REPLACE INTO serve_net_sample (interface_id, t, rx_bytes, tx_bytes, rx_rate, tx_rate)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.connection = db.prepare(
      `INSERT INTO serve_connection (rank, t, proto, local, remote, state, pid, process, rx_rate, tx_rate)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.finding = db.prepare(
      'INSERT INTO serve_finding (rank, t, id, severity, title, detail, fix) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.verdict = db.prepare('UPDATE serve_process SET verdict = ? WHERE id = ?');
    this.clearConnections = db.prepare('DELETE FROM serve_connection');
    this.clearFindings = db.prepare('DELETE FROM serve_finding');
  }

  /** The whole tick or nothing. */
  writeTick(tick: ServeTick): void {
    this.db.transaction(() => this.insertTick(tick)).immediate();
  }

  private insertTick(tick: ServeTick): void {
    const { t, host } = tick;
    this.host.run(
      t,
      host.totalBytes,
      host.availableBytes,
      host.swapTotalBytes,
      host.swapFreeBytes,
      host.pressureSome10,
      host.pressureFull10,
      host.load[0],
      host.load[1],
      host.load[2],
    );
    for (const p of tick.processes) {
      const { id } = this.upsertProcess.get(
        p.pid,
        p.startTicks,
        p.name,
        p.command,
        p.isNode ? 1 : 0,
        t,
        t,
      ) as {
        id: number;
      };
      this.processSample.run(id, t, p.rssBytes, p.swapBytes);
    }
    for (const m of tick.mounts) {
      const { id } = this.upsertMount.get(m.mountpoint, m.device, m.fstype, t) as { id: number };
      this.fsSample.run(id, t, m.sizeBytes, m.usedBytes, m.availBytes, m.inodesTotal, m.inodesFree);
    }
    for (const i of tick.interfaces) {
      const { id } = this.upsertInterface.get(i.name, i.speedBytesPerSecond, t) as { id: number };
      this.netSample.run(id, t, i.rxBytes, i.txBytes, i.rxBytesPerSecond, i.txBytesPerSecond);
    }
    if (tick.connections) {
      this.clearConnections.run();
      for (const [rank, c] of tick.connections.entries()) {
        this.connection.run(
          rank,
          t,
          c.proto,
          c.local,
          c.remote,
          c.state,
          c.pid,
          c.process,
          c.rxBytesPerSecond,
          c.txBytesPerSecond,
        );
      }
    }
  }

  /** Replace the findings snapshot. */
  writeFindings(t: number, findings: readonly FindingRow[]): void {
    this.db
      .transaction(() => {
        this.clearFindings.run();
        for (const [rank, f] of findings.entries())
          this.finding.run(rank, t, f.id, f.severity, f.title, f.detail, f.fix);
      })
      .immediate();
  }

  /** Store each process's verdict (JSON), in one transaction. */
  writeVerdicts(verdicts: ReadonlyMap<number, unknown>): void {
    this.db
      .transaction(() => {
        for (const [id, verdict] of verdicts) this.verdict.run(JSON.stringify(verdict), id);
      })
      .immediate();
  }
}
