// 24 h of `hog serve` history at the density serve itself records (a tick every 5 s, its default), written
// through serve's own store writer (dist/store/serveWriter.js, the code the recorder calls), for the API
// benchmark. Deterministic (a seeded generator), shaped like a busy server: a stable set of daemons,
// a Node.js service that leaks, one with a GC sawtooth, short-lived jobs coming and going (new pids),
// mounts that fill and one that does not, interfaces with daytime traffic, the top connections.
import { HISTORY_DEFAULTS, openServeDb, retention, ServeWriter } from './serveStore.mjs';

/** A small seeded generator (mulberry32): the same history every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

function daemons(top) {
  const names = ['postgres', 'nginx', 'redis-server', 'java', 'dockerd', 'containerd', 'sshd', 'systemd'];
  const list = [];
  for (let i = 0; i < top - 6; i++) {
    const name = names[i % names.length];
    list.push({
      pid: 1000 + i * 17,
      startTicks: 500 + i,
      name,
      command: `/usr/bin/${name} --worker ${i}`,
      isNode: false,
      base: (40 + ((i * 37) % 900)) * MIB,
    });
  }
  return list;
}

/** The processes of one tick (the top `top` by RSS, as serve keeps them). */
function processesAt(t, from, state, rand) {
  const hours = (t - from) / 3600_000;
  const rows = state.daemons.map((d) => ({
    ...d,
    rssBytes: Math.round(d.base * (1 + 0.02 * Math.sin(hours + d.pid))),
    swapBytes: 0,
  }));
  // a Node.js service leaking 12 MiB an hour on top of 300 MiB, with GC noise
  rows.push({
    pid: 4242,
    startTicks: 9000,
    name: 'node',
    command: 'node /srv/api/server.js',
    isNode: true,
    rssBytes: Math.round(300 * MIB + hours * 12 * MIB + rand() * 8 * MIB),
    swapBytes: 0,
  });
  // a Node.js worker with a GC sawtooth (200-260 MiB every 3 minutes), no leak
  rows.push({
    pid: 4300,
    startTicks: 9100,
    name: 'node',
    command: 'node /srv/worker/index.js',
    isNode: true,
    rssBytes: Math.round(200 * MIB + (((t - from) % 180_000) / 180_000) * 60 * MIB),
    swapBytes: 0,
  });
  // four short-lived jobs at a time, each living 20 minutes: a new pid every 5 minutes
  for (let k = 0; k < 4; k++) {
    const generation = Math.floor((t - from + k * 300_000) / 1_200_000);
    rows.push({
      pid: 20000 + generation * 4 + k,
      startTicks: 100_000 + generation * 4 + k,
      name: 'backup-job',
      command: `/usr/local/bin/backup-job --part ${k}`,
      isNode: false,
      rssBytes: Math.round((80 + 20 * k) * MIB + rand() * MIB),
      swapBytes: 0,
    });
  }
  return rows.sort((a, b) => b.rssBytes - a.rssBytes).slice(0, state.top);
}

function mountsAt(t, from) {
  const hours = (t - from) / 3600_000;
  const fs = (mountpoint, device, fstype, size, used, inodes) => ({
    mountpoint,
    device,
    fstype,
    sizeBytes: size,
    usedBytes: Math.round(used),
    availBytes: Math.round(size - used),
    inodesTotal: inodes,
    inodesFree: Math.round(inodes * 0.7),
  });
  return [
    fs('/', '/dev/sda1', 'ext4', 100 * GIB, 40 * GIB + hours * 0.1 * GIB, 6_000_000),
    fs('/var', '/dev/sda2', 'ext4', 200 * GIB, 120 * GIB + hours * 2 * GIB, 12_000_000),
    fs('/home', '/dev/sda3', 'ext4', 500 * GIB, 210 * GIB, 30_000_000),
    fs('/boot', '/dev/sda4', 'ext4', GIB, 0.3 * GIB, 65_536),
    fs('/srv', '/dev/sdb1', 'xfs', 2048 * GIB, 900 * GIB + hours * 5 * GIB, 200_000_000),
    fs('/tmp', 'tmpfs', 'tmpfs', 8 * GIB, 0.5 * GIB + (hours % 6) * 0.2 * GIB, 2_000_000),
    fs('/run', 'tmpfs', 'tmpfs', 2 * GIB, 0.01 * GIB, 500_000),
    fs('/dev/shm', 'tmpfs', 'tmpfs', 12 * GIB, 0.1 * GIB, 3_000_000),
  ];
}

function interfacesAt(t, from, intervalMs, state, rand) {
  const hours = (t - from) / 3600_000;
  const daytime = 0.5 + 0.5 * Math.sin((hours / 24) * 2 * Math.PI);
  return [
    ['eth0', 125_000_000, 40e6],
    ['eth1', 1_250_000_000, 5e6],
    ['lo', null, 2e6],
  ].map(([name, speed, peak]) => {
    const rx = peak * daytime * (0.8 + 0.4 * rand());
    const tx = peak * 0.3 * daytime * (0.8 + 0.4 * rand());
    const counters = state.counters.get(name) ?? { rx: 0, tx: 0 };
    counters.rx += Math.round((rx * intervalMs) / 1000);
    counters.tx += Math.round((tx * intervalMs) / 1000);
    state.counters.set(name, counters);
    return {
      name,
      speedBytesPerSecond: speed,
      rxBytes: counters.rx,
      txBytes: counters.tx,
      rxBytesPerSecond: rx,
      txBytesPerSecond: tx,
    };
  });
}

function connectionsAt(rand) {
  const list = [];
  for (let i = 0; i < 20; i++) {
    list.push({
      proto: 'tcp',
      local: `10.0.0.5:${i < 10 ? 443 : 5432}`,
      remote: `10.0.${1 + (i % 7)}.${10 + i}:${40000 + i}`,
      state: 'ESTABLISHED',
      pid: i < 10 ? 4242 : 1000,
      process: i < 10 ? 'node' : 'postgres',
      rxBytesPerSecond: Math.round(rand() * 2e6),
      txBytesPerSecond: Math.round(rand() * 4e6),
    });
  }
  return list.sort(
    (a, b) => b.rxBytesPerSecond + b.txBytesPerSecond - a.rxBytesPerSecond - a.txBytesPerSecond,
  );
}

/**
 * Write ticks from `from` to `to` every `intervalMs` into a new serve database at `path`. Returns what
 * was written and the pid of the biggest process (for the process page).
 */
export async function writeHistory(
  path,
  { from, to, intervalMs = HISTORY_DEFAULTS.intervalMs, top = HISTORY_DEFAULTS.top },
) {
  const rand = random(13);
  const db = openServeDb(path);
  const writer = new ServeWriter(db.connection);
  const state = { daemons: daemons(top), top, counters: new Map() };
  const pids = new Set();
  let ticks = 0;
  let processRows = 0;
  let mounts = 0;
  let interfaces = 0;
  let biggest = { pid: 0, rssBytes: 0 };
  try {
    for (let t = from; t <= to; t += intervalMs) {
      const processes = processesAt(t, from, state, rand);
      const tick = {
        t,
        host: {
          totalBytes: 32 * GIB,
          availableBytes: Math.round(14 * GIB - ((t - from) / 3600_000) * 0.05 * GIB + rand() * 0.2 * GIB),
          swapTotalBytes: 4 * GIB,
          swapFreeBytes: 3.5 * GIB,
          pressureSome10: rand() < 0.95 ? 0 : rand() * 0.1,
          pressureFull10: 0,
          load: [1 + rand(), 1.2, 1.1],
        },
        processes,
        mounts: mountsAt(t, from),
        interfaces: interfacesAt(t, from, intervalMs, state, rand),
        // serve takes the connection table less often than the rest: once a minute here
        connections: ticks % 12 === 0 ? connectionsAt(rand) : undefined,
      };
      writer.writeTick(tick);
      ticks++;
      processRows += processes.length;
      mounts = tick.mounts.length;
      interfaces = tick.interfaces.length;
      for (const p of processes) pids.add(`${p.pid}/${p.startTicks}`);
      if (t + intervalMs > to) biggest = processes.find((p) => p.pid === 4242) ?? processes[0];
      // the recorder averages each completed minute into the _minute tables once a minute
      if (ticks % Math.round(60_000 / intervalMs) === 0)
        db.connection.transaction(() => retention(db.connection, t)).immediate();
    }
    retention(db.connection, to);
  } finally {
    db.close();
  }
  return { ticks, processes: pids.size, processRows, mounts, interfaces, biggestPid: biggest.pid };
}
