/**
 * How many connections the bench server holds, per peer address and in all: a peer that opens
 * thousands of connections gets the first few and the rest are closed at accept, before a byte is read.
 */
import { MAX_STREAMS } from './protocol.js';

/** A test needs its control connection and up to MAX_STREAMS data streams; a few more for stragglers. */
export const DEFAULT_MAX_PER_PEER = MAX_STREAMS + 8;
export const DEFAULT_MAX_TOTAL = 256;

export class ConnectionLimits {
  private readonly perPeer = new Map<string, number>();
  private total = 0;

  constructor(
    readonly maxPerPeer = DEFAULT_MAX_PER_PEER,
    readonly maxTotal = DEFAULT_MAX_TOTAL,
  ) {}

  /** Take a place for a connection from `peer`; undefined when taken, else why not. */
  admit(peer: string): string | undefined {
    const held = this.perPeer.get(peer) ?? 0;
    if (held >= this.maxPerPeer) return `over ${this.maxPerPeer} connections from this address`;
    if (this.total >= this.maxTotal) return `over ${this.maxTotal} connections in all`;
    this.perPeer.set(peer, held + 1);
    this.total++;
    return undefined;
  }

  release(peer: string): void {
    const held = this.perPeer.get(peer) ?? 0;
    if (held <= 1) this.perPeer.delete(peer);
    else this.perPeer.set(peer, held - 1);
    if (held > 0) this.total--;
  }

  count(peer?: string): number {
    return peer === undefined ? this.total : (this.perPeer.get(peer) ?? 0);
  }
}
