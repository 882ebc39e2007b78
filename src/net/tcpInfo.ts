/**
 * The kernel's per-connection TCP statistics (struct tcp_info, include/uapi/linux/tcp.h) as ss -i
 * prints them, turned into numbers. ss prints only the fields that are set, so every field but the
 * byte counters is optional; times are in milliseconds, rates in bytes per second.
 */
export interface TcpInfo {
  /** tcpi_bytes_sent: payload bytes sent, retransmissions included (what loaded the link). */
  bytesSent: number;
  /** tcpi_bytes_acked: payload bytes the peer acknowledged (+1 each for SYN and FIN). */
  bytesAcked: number;
  /** tcpi_bytes_received: payload bytes received in order (+1 for the peer's FIN). */
  bytesReceived: number;
  /** tcpi_bytes_retrans: payload bytes sent again. */
  bytesRetrans: number;
  /** tcpi_data_segs_out: segments with data sent, retransmissions included. */
  dataSegsOut: number;
  dataSegsIn: number;
  /** tcpi_total_retrans: segments retransmitted over the connection's life. */
  totalRetrans: number;
  /** Smoothed round-trip time and its mean deviation (tcpi_rtt, tcpi_rttvar). */
  rttMs?: number;
  rttVarMs?: number;
  minRttMs?: number;
  cwnd?: number;
  mss?: number;
  /** tcpi_busy_time: time with data to send (includes both "limited" times below). */
  busyMs: number;
  /** tcpi_rwnd_limited: time the sender stalled on the receiver's advertised window. */
  rwndLimitedMs: number;
  /** tcpi_sndbuf_limited: time the sender stalled because its send buffer (SO_SNDBUF) was too small. */
  sndbufLimitedMs: number;
  /** tcpi_delivery_rate_app_limited: the last delivery-rate sample was limited by the application. */
  appLimited: boolean;
  /** Segments in flight not yet acknowledged, and bytes written but not yet sent (tcpi_notsent_bytes). */
  unacked?: number;
  notsentBytes?: number;
  /** Delivery rate estimate (tcpi_delivery_rate), bytes/s. */
  deliveryRate?: number;
  /** The peer's advertised receive window (tcpi_snd_wnd), bytes. */
  sndWnd?: number;
  /** Milliseconds since the last data sent / received. */
  lastSendMs?: number;
  lastReceiveMs?: number;
  /** Congestion control algorithm (cubic, bbr...). */
  congestion?: string;
}

const CONGESTION = new Set(['cubic', 'bbr', 'bbr2', 'reno', 'dctcp', 'htcp', 'vegas', 'westwood', 'bic']);

/** Split the info part of an ss -i line into key -> value (flags map to ""). */
export function infoFields(tokens: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    // "send 894672593bps", "pacing_rate 710115384bps", "delivery_rate 41476920bps": key, space, value
    if ((token === 'send' || token === 'pacing_rate' || token === 'delivery_rate') && i + 1 < tokens.length) {
      fields.set(token, tokens[i + 1] as string);
      i++;
      continue;
    }
    const colon = token.indexOf(':');
    if (colon > 0) fields.set(token.slice(0, colon), token.slice(colon + 1));
    else fields.set(token, '');
  }
  return fields;
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number.parseFloat(text);
  return Number.isFinite(n) ? n : undefined;
}

/** "72ms" or "24ms(33.3%)" -> 72, 24. */
function millis(text: string | undefined): number {
  const match = text === undefined ? null : /^(\d+(?:\.\d+)?)ms/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** "894672593bps" (bits per second) -> bytes per second. */
function bitsPerSecond(text: string | undefined): number | undefined {
  const match = text === undefined ? null : /^(\d+(?:\.\d+)?)bps$/.exec(text);
  return match ? Number(match[1]) / 8 : undefined;
}

/**
 * The TCP info of one socket from its ss -i tokens. Undefined when ss printed no byte counters
 * (a listener, or a kernel older than 4.19 without tcpi_bytes_sent/received).
 */
export function parseTcpInfo(tokens: readonly string[]): TcpInfo | undefined {
  const f = infoFields(tokens);
  if (!f.has('bytes_sent') && !f.has('bytes_received') && !f.has('bytes_acked')) {
    if (!f.has('rtt') && !f.has('segs_out')) return undefined;
  }
  const [rtt, rttVar] = (f.get('rtt') ?? '').split('/');
  const retrans = (f.get('retrans') ?? '').split('/');
  const info: TcpInfo = {
    bytesSent: num(f.get('bytes_sent')) ?? num(f.get('bytes_acked')) ?? 0,
    bytesAcked: num(f.get('bytes_acked')) ?? 0,
    bytesReceived: num(f.get('bytes_received')) ?? 0,
    bytesRetrans: num(f.get('bytes_retrans')) ?? 0,
    dataSegsOut: num(f.get('data_segs_out')) ?? 0,
    dataSegsIn: num(f.get('data_segs_in')) ?? 0,
    totalRetrans: num(retrans[1]) ?? 0,
    busyMs: millis(f.get('busy')),
    rwndLimitedMs: millis(f.get('rwnd_limited')),
    sndbufLimitedMs: millis(f.get('sndbuf_limited')),
    appLimited: f.has('app_limited'),
  };
  const optional: [keyof TcpInfo, number | undefined][] = [
    ['rttMs', num(rtt)],
    ['rttVarMs', num(rttVar)],
    ['minRttMs', num(f.get('minrtt'))],
    ['cwnd', num(f.get('cwnd'))],
    ['mss', num(f.get('mss'))],
    ['unacked', num(f.get('unacked'))],
    ['notsentBytes', num(f.get('notsent'))],
    ['deliveryRate', bitsPerSecond(f.get('delivery_rate'))],
    ['sndWnd', num(f.get('snd_wnd'))],
    ['lastSendMs', num(f.get('lastsnd'))],
    ['lastReceiveMs', num(f.get('lastrcv'))],
  ];
  for (const [key, value] of optional)
    if (value !== undefined) (info as unknown as Record<string, number>)[key] = value;
  const congestion = tokens.find((t) => CONGESTION.has(t));
  if (congestion) info.congestion = congestion;
  return info;
}
