#!/usr/bin/env node
// Writes a heap snapshot of a program holding `instances` class instances and a Map of `entries`
// entries (defaults: 500,000 and 100,000, about 240 MB of snapshot), as bench/heap.mjs needs.
// Usage: node --max-old-space-size=16384 generate-snapshot.mjs FILE [instances] [entries]
import { writeHeapSnapshot } from 'node:v8';

const [file, instances = '500000', entries = '100000'] = process.argv.slice(2);
if (!file) {
  console.error('usage: generate-snapshot.mjs FILE [instances] [entries]');
  process.exit(2);
}

class Order {
  constructor(id) {
    this.id = id;
    this.customer = `customer-${id % 5000}`;
    this.total = id * 1.5;
    this.items = [id, id + 1, id + 2];
    this.meta = { createdAt: id, flags: id & 7 };
  }
}

class Session {
  constructor(id) {
    this.id = id;
    this.token = `token-${id}`;
    this.touched = id;
  }
}

const orders = [];
for (let i = 0; i < Number(instances); i++) orders.push(new Order(i));
const sessions = new Map();
for (let i = 0; i < Number(entries); i++) sessions.set(`session-${i}`, new Session(i));
globalThis.benchState = { orders, sessions };
writeHeapSnapshot(file);
