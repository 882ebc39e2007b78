/**
 * One tick of `hog serve`: read the machine with hog's own readers and return a ServeTick for the
 * store. Host memory from /proc/meminfo (MemAvailable, as free(1)), pressure from /proc/pressure/memory,
 * processes (processPick.ts), filesystems from mountinfo + statfs (one mount per device, as `hog disk
 * df`), interfaces from /proc/net/dev with rates between ticks, connections from sock_diag (as `hog net`).
 * Time comes from the clock; rates divide by the clock's monotonic time between ticks.
 */
import type { Clock } from '../clock.js';
import { dataFilesystems, readStatfs } from '../disk/df.js';
import { isNodeExecutable } from '../inspector/discovery.js';
import { PerProcessCache } from '../memory/perProcessCache.js';
import { collectProcesses } from '../memory/processTable.js';
import { commandOf } from '../memory/processView.js';
import { readLinkInfo } from '../net/link.js';
import { readNetDev } from '../net/procNetDev.js';
import { NetSampler } from '../net/sampler.js';
import { readLoadAvg } from '../proc/loadavg.js';
import { readMeminfo } from '../proc/meminfo.js';
import { readMountinfo } from '../proc/mountinfo.js';
import { pageSize } from '../proc/pageSize.js';
import { readPressure } from '../proc/pressure.js';
import type {
  HostSample,
  InterfaceSample,
  MountSample,
  ProcessSampleRow,
  ServeTick,
} from '../store/serveTick.js';
import { ConnectionRates } from './connectionRates.js';
import { pickProcesses } from './processPick.js';

export interface CollectorOptions {
  procRoot: string;
  sysRoot: string;
  clock: Clock;
  /** Processes recorded per tick, by RSS. */
  top: number;
  /** PIDs recorded whatever their size. */
  watch: readonly number[];
  /** Connections kept in the snapshot. */
  connections: number;
}

/** Link speeds are read this often (they change only when a link renegotiates). */
const SPEED_EVERY_MS = 60_000;
/**
 * The top N is ranked this often: ranking reads statm of every process (~12 µs each, 6 ms for 500),
 * while the chosen N cost ~1.4 ms a tick. Between rankings the same processes are sampled, so a new big
 * process enters the record within this time. Measured at 1 s with 465 processes: 6.6 ms of CPU per
 * tick ranked every tick, 2.5 ms ranked every 5 s.
 */
export const RANK_EVERY_MS = 5_000;
/** The connection snapshot is refreshed this often (a sock_diag dump and the owners' fds: ~4 ms). */
export const CONNECTIONS_EVERY_MS = 5_000;

export class ServeCollector {
  private readonly cmdlines = new PerProcessCache<string[]>();
  private readonly pageBytes: number;
  private lastNet = new Map<string, { rx: number; tx: number; at: number }>();
  private readonly speeds = new Map<string, { bytesPerSecond: number | null; at: number }>();
  private readonly rates = new ConnectionRates();
  private sampler: NetSampler | undefined;
  private ranked: { pids: number[]; at: number } | undefined;
  private connectionsAt: number | undefined;

  constructor(private readonly options: CollectorOptions) {
    this.pageBytes = pageSize(options.procRoot);
  }

  async collect(): Promise<ServeTick> {
    const t = this.options.clock.now();
    const connections = await this.connections();
    return {
      t,
      host: this.host(),
      processes: this.processes(),
      mounts: this.mounts(),
      interfaces: this.interfaces(),
      connections,
    };
  }

  host(): HostSample {
    const { procRoot } = this.options;
    const m = readMeminfo(procRoot);
    const psi = readPressure('memory', procRoot);
    const load = readLoadAvg(procRoot);
    return {
      totalBytes: m.memTotalBytes,
      // kernels before 3.14 have no MemAvailable: free(1) then shows free memory
      availableBytes: m.memAvailableBytes ?? m.memFreeBytes,
      swapTotalBytes: m.swapTotalBytes,
      swapFreeBytes: m.swapFreeBytes,
      pressureSome10: psi ? psi.some.avg10 / 100 : null,
      pressureFull10: psi?.full ? psi.full.avg10 / 100 : null,
      load: [load.load1, load.load5, load.load15],
    };
  }

  processes(): ProcessSampleRow[] {
    const { procRoot, top, watch, clock } = this.options;
    const at = clock.monotonic();
    if (!this.ranked || at - this.ranked.at >= RANK_EVERY_MS) {
      this.ranked = { pids: pickProcesses(procRoot, top, watch, this.pageBytes), at };
    }
    const { pids } = this.ranked;
    const snapshot = collectProcesses({ procRoot, pids, cmdlines: this.cmdlines });
    return snapshot.processes
      .filter((p) => !p.kernelThread && p.state !== 'Z')
      .map((p) => ({
        pid: p.pid,
        startTicks: p.startTimeTicks,
        name: p.comm,
        command: commandOf(p),
        isNode: isNodeExecutable(p.args[0] ?? '') || isNodeExecutable(p.comm),
        rssBytes: p.resBytes,
        swapBytes: p.swapBytes,
      }));
  }

  mounts(): MountSample[] {
    const { procRoot } = this.options;
    const out: MountSample[] = [];
    for (const mount of dataFilesystems(readMountinfo('self', procRoot))) {
      try {
        const s = readStatfs(mount.mountPoint);
        if (s.blocks === 0) continue;
        out.push({
          mountpoint: mount.mountPoint,
          device: mount.source,
          fstype: mount.fsType,
          sizeBytes: s.blocks * s.blockSize,
          // df's Used: blocks less free blocks (reserved blocks count as used by nobody yet)
          usedBytes: (s.blocks - s.blocksFree) * s.blockSize,
          availBytes: s.blocksAvailable * s.blockSize,
          inodesTotal: s.inodes,
          inodesFree: s.inodesFree,
        });
      } catch {
        // unmounted or hidden since mountinfo was read
      }
    }
    return out;
  }

  interfaces(): InterfaceSample[] {
    const { procRoot, clock } = this.options;
    const at = clock.monotonic();
    const next = new Map<string, { rx: number; tx: number; at: number }>();
    const out: InterfaceSample[] = [];
    for (const c of readNetDev(procRoot)) {
      const before = this.lastNet.get(c.name);
      next.set(c.name, { rx: c.rxBytes, tx: c.txBytes, at });
      const seconds = before ? (at - before.at) / 1000 : 0;
      // a counter that went back was reset (driver reload): no rate for that tick
      const rate = (now: number, then: number | undefined) =>
        then === undefined || seconds <= 0 || now < then ? 0 : (now - then) / seconds;
      out.push({
        name: c.name,
        speedBytesPerSecond: this.speedOf(c.name, at),
        rxBytes: c.rxBytes,
        txBytes: c.txBytes,
        rxBytesPerSecond: rate(c.rxBytes, before?.rx),
        txBytesPerSecond: rate(c.txBytes, before?.tx),
      });
    }
    this.lastNet = next;
    // interfaces come and go (veth pairs of containers): forget the speeds of the gone ones
    for (const name of this.speeds.keys()) if (!next.has(name)) this.speeds.delete(name);
    return out;
  }

  private speedOf(name: string, at: number): number | null {
    const known = this.speeds.get(name);
    if (known && at - known.at < SPEED_EVERY_MS) return known.bytesPerSecond;
    let bytesPerSecond: number | null = null;
    try {
      const bits = readLinkInfo(name, this.options.sysRoot).speedBitsPerSecond;
      bytesPerSecond = bits === undefined ? null : bits / 8;
    } catch {
      // the interface went away
    }
    this.speeds.set(name, { bytesPerSecond, at });
    return bytesPerSecond;
  }

  private async connections() {
    const { procRoot, clock, connections } = this.options;
    if (connections === 0) return [];
    const at = clock.monotonic();
    if (this.connectionsAt !== undefined && at - this.connectionsAt < CONNECTIONS_EVERY_MS) return undefined;
    this.connectionsAt = at;
    // watchClosed: false: no `ss -E` child running beside serve; closed connections just drop out
    this.sampler ??= new NetSampler({ procRoot, clock, watchClosed: false });
    try {
      const tick = await this.sampler.sample();
      return this.rates.update(tick.observations, clock.monotonic(), connections);
    } catch {
      return undefined; // keep the last snapshot: no sock_diag and no ss here
    }
  }
}
