/**
 * `--capture IF`: packets from libpcap through hog's optional addon (native/pcap/hog_pcap.c, built
 * by scripts/build-native.mjs when libpcap-dev and a C compiler are present). The addon sums packets
 * per directional flow in C; this side turns them into connections seen from this host: a packet
 * from a local address is "out" for the flow (local=source), one to a local address is "in"
 * (local=destination). On loopback both ends are local, so one packet counts for both sockets, as
 * ss lists both ends of a local connection. Traffic between two other hosts (a bridge, promiscuous
 * capture) is kept with the endpoints in a fixed order.
 *
 * Bytes counted: whole IP packets (IP and transport headers + payload), no link-layer header.
 */
import { networkInterfaces } from 'node:os';
import { loadAddon } from '../addon.js';
import { errnoCode, NotFoundError, PermissionError, UnsupportedError } from '../errors.js';
import { addressFromBytes } from '../proc/ipAddress.js';
import type { Endpoint } from './address.js';
import type { FlowProto } from './flowTracker.js';

interface RawFlow {
  proto: number;
  family: number;
  src: Buffer;
  sport: number;
  dst: Buffer;
  dport: number;
  packets: number;
  bytes: number;
}

interface RawTake {
  flows: RawFlow[];
  received: number;
  dropped: number;
  ifDropped: number;
  otherPackets: number;
  otherBytes: number;
  error?: string;
}

interface PcapAddon {
  open(iface: string, bufferBytes: number): unknown;
  take(handle: unknown): RawTake;
  close(handle: unknown): void;
  version(): string;
}

/** A flow as captured so far: cumulative since the capture began. */
export interface CapturedFlow {
  proto: FlowProto;
  local: Endpoint;
  remote: Endpoint;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  lastActiveMs: number;
}

export interface CaptureStats {
  /** Packets the kernel handed to the capture, and those it dropped because hog's buffer was full. */
  received: number;
  dropped: number;
  /** Bytes of non-IP frames (ARP, LLDP...) since the capture began. */
  otherBytes: number;
}

const INSTALL_HINT =
  "install libpcap and a C compiler, then rebuild hog: apt-get install -y libpcap-dev build-essential && npm run build (in hog's directory)";

/** Load the addon, or say exactly what to install. HOG_PCAP_ADDON names another file (tests). */
export function loadPcapAddon(): PcapAddon {
  const load = loadAddon<PcapAddon>('hog_pcap.node', 'HOG_PCAP_ADDON');
  if (load.addon) return load.addon;
  if (load.reason !== 'failed') {
    throw new UnsupportedError('packet capture is not available: hog was built without libpcap', {
      hint: INSTALL_HINT,
    });
  }
  if (/libpcap/.test(load.message)) {
    throw new UnsupportedError('packet capture is not available: libpcap is not installed', {
      hint: 'apt-get install -y libpcap0.8 (or libpcap-dev to rebuild hog with it)',
    });
  }
  throw new UnsupportedError(
    `packet capture is not available: the addon ${load.path} does not load: ${load.message}`,
    { hint: INSTALL_HINT },
  );
}

const PROTOS: Record<number, FlowProto> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmp' };

/** The addresses of this host's interfaces, in hog's network namespace. */
export function localAddresses(interfaces = networkInterfaces()): Set<string> {
  const set = new Set<string>();
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) set.add(a.address.replace(/%.*$/, ''));
  }
  return set;
}

export class CaptureSource {
  private readonly handle: unknown;
  private readonly flows = new Map<string, CapturedFlow>();
  private received = 0;
  private dropped = 0;
  private otherBytes = 0;
  private failure: string | undefined;

  constructor(
    private readonly addon: PcapAddon,
    readonly iface: string,
    bufferBytes = 16 * 1024 * 1024,
  ) {
    try {
      this.handle = addon.open(iface, bufferBytes);
    } catch (error) {
      throw captureError(error, iface);
    }
  }

  /** Add the packets captured since the last call; returns every flow seen (cumulative counters). */
  take(now: number, locals: Set<string> = localAddresses()): CapturedFlow[] {
    const raw = this.addon.take(this.handle);
    this.received = raw.received;
    this.dropped = raw.dropped + raw.ifDropped;
    this.otherBytes += raw.otherBytes;
    if (raw.error) this.failure = raw.error;
    for (const f of raw.flows) {
      const proto = PROTOS[f.proto] ?? 'other';
      const src: Endpoint = { address: addressFromBytes(f.src), port: f.sport };
      const dst: Endpoint = { address: addressFromBytes(f.dst), port: f.dport };
      const srcLocal = locals.has(src.address);
      const dstLocal = locals.has(dst.address);
      if (srcLocal) this.add(proto, src, dst, 'tx', f, now);
      if (dstLocal) this.add(proto, dst, src, 'rx', f, now);
      if (!srcLocal && !dstLocal) {
        // neither end is this host: keep one row per pair, ends in a fixed order
        const [a, b] = `${src.address}:${src.port}` < `${dst.address}:${dst.port}` ? [src, dst] : [dst, src];
        this.add(proto, a, b, a === src ? 'tx' : 'rx', f, now);
      }
    }
    // forget flows idle for two minutes (the tracker has retired them after 40 s)
    for (const [key, flow] of this.flows) if (now - flow.lastActiveMs > 120_000) this.flows.delete(key);
    return [...this.flows.values()];
  }

  private add(
    proto: FlowProto,
    local: Endpoint,
    remote: Endpoint,
    dir: 'rx' | 'tx',
    f: RawFlow,
    now: number,
  ) {
    const key = `${proto} ${local.address} ${local.port} ${remote.address} ${remote.port}`;
    let flow = this.flows.get(key);
    if (!flow) {
      flow = { proto, local, remote, rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0, lastActiveMs: now };
      this.flows.set(key, flow);
    }
    flow.lastActiveMs = now;
    if (dir === 'rx') {
      flow.rxBytes += f.bytes;
      flow.rxPackets += f.packets;
    } else {
      flow.txBytes += f.bytes;
      flow.txPackets += f.packets;
    }
  }

  stats(): CaptureStats & { failure?: string } {
    const stats: CaptureStats & { failure?: string } = {
      received: this.received,
      dropped: this.dropped,
      otherBytes: this.otherBytes,
    };
    if (this.failure) stats.failure = this.failure;
    return stats;
  }

  close(): void {
    this.addon.close(this.handle);
  }
}

/** libpcap's refusal, in hog's words with the fix. */
export function captureError(error: unknown, iface: string): Error {
  const code = errnoCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EPERM') {
    return new PermissionError(
      `capturing packets on ${iface} needs the CAP_NET_RAW capability (${message})`,
      {
        hint: `run hog as root (sudo hog net --capture ${iface}), or give node the capabilities once: sudo setcap cap_net_raw,cap_net_admin+eip ${process.execPath}`,
        cause: error,
      },
    );
  }
  if (code === 'ENODEV') {
    return new NotFoundError(`no interface named ${JSON.stringify(iface)} to capture on`, {
      hint: 'list the interfaces with: ip -br link (or use --capture any)',
      cause: error,
    });
  }
  if (code === 'ENETDOWN') {
    return new UnsupportedError(`interface ${iface} is down`, {
      hint: `ip link set ${iface} up`,
      cause: error,
    });
  }
  return new UnsupportedError(`cannot capture on ${iface}: ${message}`, { cause: error });
}
