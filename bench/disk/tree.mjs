#!/usr/bin/env node
// Generate a deterministic file tree for the `hog disk` benchmark: N files in nested directories with
// a realistic mix — mostly small files, a few large ones, hard links, symlinks, sparse files, empty
// directories. Usage: node bench/disk-tree.mjs DIR FILES   (DIR must not exist yet)
import {
  closeSync,
  existsSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

const [dir, filesText = '200000'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/disk/tree.mjs DIR FILES');
  process.exit(2);
}
if (existsSync(dir)) {
  console.error(`disk-tree: ${dir} exists; remove it first`);
  process.exit(2);
}
const total = Number(filesText);

// a small deterministic generator (mulberry32), so every run builds the same tree
let seed = 0x5eed;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const chunk = Buffer.alloc(64 * 1024, 'x');
function writeFile(path, size) {
  const fd = openSync(path, 'w');
  for (let left = size; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  closeSync(fd);
}
/** Mostly small files: 60% under 1 KiB, 38% 1-4 KiB, 2% 4-64 KiB. */
function fileSize() {
  const r = random();
  if (r < 0.6) return Math.floor(random() * 1024);
  if (r < 0.98) return 1024 + Math.floor(random() * 3072);
  return 4096 + Math.floor(random() * 61440);
}

mkdirSync(dir, { recursive: true });
const dirs = [dir];
let made = 0;
const regular = [];
while (made < total) {
  // a new directory under a random existing one, at most 6 levels deep
  const parent = dirs[Math.floor(random() * dirs.length)];
  const depth = parent.split('/').length - dir.split('/').length;
  const here = depth >= 6 ? dir : parent;
  const sub = join(here, `d${dirs.length.toString(36)}`);
  mkdirSync(sub);
  dirs.push(sub);
  const count = Math.min(total - made, 1 + Math.floor(random() * 40));
  for (let i = 0; i < count; i++) {
    const path = join(sub, `f${i}_${Math.floor(random() * 1e6).toString(36)}.dat`);
    const kind = random();
    if (kind < 0.01 && regular.length > 0) {
      linkSync(regular[Math.floor(random() * regular.length)], path); // a hard link to an earlier file
    } else if (kind < 0.02) {
      symlinkSync(`../f${i}`, path);
    } else if (kind < 0.0205) {
      const fd = openSync(path, 'w'); // sparse: 1 GiB apparent, 4 KiB written at the end
      ftruncateSync(fd, 1024 ** 3 - 4096);
      writeSync(fd, chunk, 0, 4096, 1024 ** 3 - 4096);
      closeSync(fd);
    } else {
      writeFile(path, fileSize());
      if (regular.length < 10000) regular.push(path);
    }
    made++;
  }
}
console.log(`disk-tree: ${made} files in ${dirs.length} directories under ${dir}`);
