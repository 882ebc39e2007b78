/**
 * hog net as a user runs it: the text report and JSON on real local traffic, the live view in a real
 * terminal (tmux), hog net probe against a local listener, and bad input of every kind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { HOG_BIN, json, runHog } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';
import { TmuxSession } from '../helpers/tmux.js';
import { startTraffic } from '../helpers/traffic.js';

const noNobody = skipWithout('capture without permission', canSwitchUser);

describe('hog net on local traffic', () => {
  let traffic: { child: ChildProcess; port: number };
  let session: TmuxSession | undefined;
  beforeAll(async () => {
    traffic = await startTraffic();
  });
  afterAll(() => traffic.child.kill());
  afterEach(() => session?.kill());

  it('-t prints interfaces, then the connections of the process with their rates', async () => {
    const result = await runHog(['net', '-t', '-s', '2', '-i', '0.5', '--port', String(traffic.port)]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^hog net: 2s measured, ending .*Z, port \d+$/);
    expect(result.stdout).toContain("counting: TCP payload bytes from the kernel's per-socket counters");
    expect(lines.find((l) => /^IFACE\s+SPEED\s+UTIL/.test(l))).toBeDefined();
    expect(lines.find((l) => /^lo\s+virtual/.test(l))).toBeDefined();
    const header = lines.find((l) => /^\s*PID PROCESS PROTO LOCAL/.test(l));
    expect(header).toMatch(
      /IN 2s\s+OUT 2s\s+IN 10s\s+OUT 10s\s+IN 40s\s+OUT 40s\s+TOTAL\s+PEAK\s+RTT RETR% LIMIT SEND-Q/,
    );
    const rows = lines.filter((l) => l.includes(`${traffic.child.pid} node`));
    // both ends of the local connection belong to the generator
    expect(rows).toHaveLength(2);
    expect(rows.some((r) => / Mb\/s /.test(r))).toBe(true);
    expect(lines.at(-1)).toMatch(/^2 connections, [\d.]+ MiB in total$/);
  });

  it('without the sock_diag addon runs ss each tick, with the same rows', async () => {
    const result = await runHog(
      ['net', '-t', '--json', '-s', '1', '-i', '0.5', '--port', String(traffic.port)],
      {
        env: { HOG_SOCKDIAG_ADDON: 'none' },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const rows = json<{ rows: { pid: number; command: string; totalOut: number }[] }>(result).rows;
    expect(rows.filter((r) => r.pid === traffic.child.pid && r.command === 'node')).toHaveLength(2);
    expect(rows.some((r) => r.totalOut > 0)).toBe(true);
  });

  it('--json -t gives one object with rates in bytes/s, the sender attributed', async () => {
    const result = await runHog([
      'net',
      '-t',
      '--json',
      '-s',
      '2',
      '-i',
      '0.5',
      '--port',
      String(traffic.port),
      '--by',
      'process',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = json<{
      mode: string;
      by: string;
      rows: {
        pid: number;
        command: string;
        connections: number;
        rates: { '2s': { in: number; out: number } };
      }[];
    }>(result);
    expect(report.mode).toBe('sockets');
    expect(report.by).toBe('process');
    const row = report.rows.find((r) => r.pid === traffic.child.pid);
    expect(row?.command).toBe('node');
    expect(row?.connections).toBe(2);
    // 64 KiB every 20 ms, give or take timer slack: between 1 and 4 MB/s each way
    expect(row?.rates['2s'].out).toBeGreaterThan(1_000_000);
    expect(row?.rates['2s'].out).toBeLessThan(4_000_000);
  });

  it('--json streams one object per tick until --seconds', async () => {
    const result = await runHog(['net', '--json', '-s', '1.5', '-i', '0.5']);
    expect(result.code, result.stderr).toBe(0);
    const objects = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { elapsedSeconds: number });
    expect(objects.length).toBe(3);
    expect(objects.map((o) => o.elapsedSeconds)).toEqual([0.5, 1, 1.5].map((s) => expect.closeTo(s, 0)));
  });

  it('the live view fits the terminal, switches grouping with keys, and quits on q', async () => {
    session = TmuxSession.start(`${HOG_BIN} net -i 0.5 --port ${traffic.port}`, 80, 24);
    const first = await session.waitForScreen(
      (l) => l.some((x) => x.includes(`${traffic.child.pid} node`)),
      'a row for the generator',
    );
    expect(first).toHaveLength(24);
    expect(first.every((l) => l.length <= 80)).toBe(true);
    expect(first[0]).toMatch(
      /^hog net - \d\d:\d\d:\d\d every 0.5s, by connection, sort 2s, TCP payload, port \d+$/,
    );
    expect(first[1]).toMatch(/^lo in [\d.]+ Mb\/s out [\d.]+ Mb\/s/);
    session.keys('p');
    await session.waitForScreen(
      (l) => /by process/.test(l[0] ?? '') && l.some((x) => /^\s*PID PROCESS\s+CONNS/.test(x)),
      'the process view',
    );
    session.keys('i');
    await session.waitForScreen((l) => l.some((x) => /^IFACE\s+SPEED\s+UTIL/.test(x)), 'the interface view');
    session.keys('b');
    await session.waitForScreen((l) => /MB\/s|KB\/s/.test(l[1] ?? ''), 'rates in bytes');
    session.resize(132, 30);
    await session.waitForScreen(
      (l) => l.length === 30 && /OUT 40s/.test(l.find((x) => x.startsWith('IFACE')) ?? ''),
      'a wider frame',
    );
    session.keys('q');
    await waitFor(() => session?.exited(), 'hog net to exit after q');
  });
});

/**
 * One process with two connections to one remote: a Node.js server on an ephemeral port of 127.0.0.1,
 * and a client process that opens two connections to it and sends on both. Prints the port and the
 * client's two local ports.
 */
async function startTwoConnections(): Promise<{
  children: ChildProcess[];
  port: number;
  localPorts: number[];
}> {
  const server = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('net').createServer((c) => c.on('data', () => {})).listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
    server.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  const client = spawn(
    process.execPath,
    [
      '-e',
      `const net = require('net'); const chunk = Buffer.alloc(65536, 1); const ports = [];
       for (let i = 0; i < 2; i++) {
         const c = net.connect(${port}, '127.0.0.1', () => {
           ports.push(c.localPort);
           setInterval(() => c.write(chunk), 20);
           if (ports.length === 2) console.log(ports.join(' '));
         });
       }`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const localPorts = await new Promise<number[]>((resolve, reject) => {
    client.once('exit', (c) => reject(new Error(`client exited with ${c}`)));
    client.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim().split(' ').map(Number)));
  });
  return { children: [server, client], port, localPorts };
}

describe('hog net at 80 columns', () => {
  let session: TmuxSession | undefined;
  let pair: Awaited<ReturnType<typeof startTwoConnections>>;
  beforeAll(async () => {
    pair = await startTwoConnections();
  });
  afterAll(() => {
    for (const c of pair.children) c.kill();
  });
  afterEach(() => session?.kill());

  it('keeps the local port: two connections of one process to one remote are two distinct rows', async () => {
    const client = pair.children[1]?.pid as number;
    session = TmuxSession.start(`${HOG_BIN} net -i 0.5 --port ${pair.port}`, 80, 24);
    const screen = await session.waitForScreen(
      (l) => l.filter((x) => x.trim().startsWith(`${client} node`)).length === 2,
      "the client's two connections",
    );
    expect(screen.every((l) => l.length <= 80)).toBe(true);
    const header = screen.find((l) => /^\s*PID PROCESS/.test(l)) ?? '';
    expect(header).toMatch(/^\s*PID PROCESS LOCAL\s+REMOTE\s+IN 2s\s+OUT 2s/);
    const rows = screen.filter((l) => l.trim().startsWith(`${client} node`));
    const cells = rows.map((r) => r.trim().split(/\s+/).slice(0, 4));
    expect(cells.sort()).toEqual(
      pair.localPorts
        .slice()
        .sort()
        .map((p) => [String(client), 'node', `:${p}`, `127.0.0.1:${pair.port}`]),
    );
  });
});

describe('hog net probe', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((s) => s.destroy());
    port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
  });
  afterAll(() => server.close());

  it('times TCP connects to a local listener', async () => {
    const result = await runHog(['net', 'probe', `127.0.0.1:${port}`, '-c', '5', '-i', '0.05']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`PROBE 127.0.0.1:${port} (127.0.0.1:${port}) by TCP connect, 5 probes`);
    expect(
      lines
        .slice(1, 6)
        .every((l) => new RegExp(`^connected 127\\.0\\.0\\.1:${port}: seq=\\d time=[\\d.]+ ms$`).test(l)),
    ).toBe(true);
    expect(lines[7]).toBe('5 sent, 5 answered (5 connected, 0 refused), 0.0% loss');
    expect(lines[8]).toMatch(
      /^rtt min\/avg\/p50\/p95\/max = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms, jitter [\d.]+ ms$/,
    );
  });

  it('counts a refused connect as a round trip, and says so in JSON', async () => {
    const closed = createServer();
    const free = await new Promise<number>((resolve) =>
      closed.listen(0, '127.0.0.1', () => resolve((closed.address() as { port: number }).port)),
    );
    await new Promise((r) => closed.close(r));
    const result = await runHog(['net', 'probe', `localhost:${free}`, '-c', '3', '-i', '0.01', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const out = json<{
      stats: { sent: number; answered: number; refused: number; lossPercent: number; p95Ms: number };
    }>(result);
    expect(out.stats).toMatchObject({ sent: 3, answered: 3, refused: 3, lossPercent: 0 });
    expect(out.stats.p95Ms).toBeGreaterThan(0);
  });
});

describe('hog net bad input', () => {
  const cases: [string, string[], number, RegExp, RegExp][] = [
    [
      'port out of range',
      ['net', '-t', '--port', '70000'],
      2,
      /^hog: port out of range: "70000"$/m,
      /1 to 65535/,
    ],
    [
      'unresolvable host',
      ['net', '-t', '--host', 'no-such-host.invalid'],
      2,
      /cannot resolve host "no-such-host\.invalid"/,
      /getent hosts/,
    ],
    [
      'unknown capture interface',
      ['net', '-t', '--capture', 'nosuchif0'],
      2,
      /no interface named "nosuchif0"/,
      /interfaces here: .*lo/,
    ],
    [
      'unknown grouping',
      ['net', '-t', '--by', 'user'],
      2,
      /--by must be one of connection, process, remote, interface/,
      /.*/,
    ],
    [
      'unknown protocol',
      ['net', '-t', '--proto', 'sctp'],
      2,
      /unknown protocol "sctp"/,
      /tcp, udp, icmp, other/,
    ],
    ['probe without a port', ['net', 'probe', '127.0.0.1'], 2, /no port in "127\.0\.0\.1"/, /HOST:PORT/],
    ['probe port out of range', ['net', 'probe', '127.0.0.1:0'], 2, /port out of range: "0"/, /1 to 65535/],
    ['probe unresolvable host', ['net', 'probe', 'no-such-host.invalid:80'], 2, /cannot resolve host/, /.*/],
    [
      'bench without a server',
      ['net', 'bench'],
      2,
      /needs a server to test against, or --server/,
      /hog net bench --server/,
    ],
    ['no terminal for the live view', ['net'], 2, /the live hog net view needs a terminal/, /hog net -t/],
  ];
  for (const [what, args, code, message, hint] of cases) {
    it(`${what}: ${args.join(' ')}`, async () => {
      const result = await runHog(args);
      expect(result.code).toBe(code);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/^hint: /m);
      expect(result.stderr).toMatch(hint);
    });
  }

  it('bench against a port nobody listens on names the server command', async () => {
    const probe = createServer();
    const free = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise((r) => probe.close(r));
    const result = await runHog(['net', 'bench', `127.0.0.1:${free}`, '-t', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`hog: no hog net bench server at 127.0.0.1:${free} (connection refused)`);
    expect(result.stderr).toContain(`hint: start one there with: hog net bench --server --port ${free}`);
  });

  it('capture without libpcap says what to install', async () => {
    const result = await runHog(['net', '-t', '--capture', 'lo'], {
      env: { HOG_PCAP_ADDON: '/nonexistent/hog_pcap.node' },
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      "hog: packet capture is not available: hog was built without libpcap\nhint: install libpcap and a C compiler, then rebuild hog: apt-get install -y libpcap-dev build-essential && npm run build (in hog's directory)\n",
    );
  });

  it.skipIf(noNobody)('capture without permission names root or setcap', async () => {
    const result = await runHog(['net', '-t', '-s', '1', '--capture', 'lo'], { uid: 65534 });
    if (result.stderr.includes('not available')) return; // no addon built on this machine: covered above
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^hog: capturing packets on lo needs the CAP_NET_RAW capability/);
    expect(result.stderr).toMatch(
      /hint: run hog as root \(sudo hog net --capture lo\), or give node the capabilities once: sudo setcap cap_net_raw,cap_net_admin\+eip \//,
    );
  });

  it('--explain says what every column means', async () => {
    const result = await runHog(['net', '--explain']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^--by connection:$/m);
    expect(result.stdout).toMatch(/LIMIT +what held the sender back over the last 10 s: rwnd = /);
    expect(result.stdout).toMatch(/UTIL +busiest direction over 10 s against the link speed/);
  });
});
