/**
 * A generated file tree with what trips disk tools up: hard links (in one directory, across
 * directories, more than two), sparse files, symlink loops, a symlink to a directory, names with a
 * newline, with bytes that are not UTF-8, with spaces and a leading dash, empty directories, a FIFO,
 * and a deep path. Deterministic: the same tree every time.
 */

import { execFileSync } from 'node:child_process';
import {
  closeSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export function makeSampleTree(root: string, options: { files?: number } = {}): void {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const dirs = [root];
  const files: string[] = [];
  for (let i = 0; i < (options.files ?? 600); i++) {
    if (i % 12 === 0) {
      const dir = join(dirs[Math.floor(random() * dirs.length)] as string, `d${i}`);
      mkdirSync(dir);
      dirs.push(dir);
    }
    const path = join(dirs[Math.floor(random() * dirs.length)] as string, `f${i}.dat`);
    writeFileSync(path, Buffer.alloc(Math.floor(random() * 20000), 'a'));
    files.push(path);
  }
  // hard links: a pair in one directory, one across directories, an inode with four names
  linkSync(files[0] as string, join(root, 'link-same-dir'));
  linkSync(files[1] as string, join(dirs[dirs.length - 1] as string, 'link-other-dir'));
  for (const n of [1, 2, 3]) linkSync(files[2] as string, join(dirs[n] as string, `link4-${n}`));
  // sparse: 1 GiB apparent, two 4 KiB blocks written
  const sparse = join(root, 'sparse.img');
  const fd = openSync(sparse, 'w');
  ftruncateSync(fd, 1024 ** 3);
  writeSync(fd, Buffer.alloc(4096, 1), 0, 4096, 0);
  writeSync(fd, Buffer.alloc(4096, 1), 0, 4096, 512 * 1024 ** 2);
  closeSync(fd);
  // symlink loops and a link to a directory (never followed)
  symlinkSync('loop-b', join(root, 'loop-a'));
  symlinkSync('loop-a', join(root, 'loop-b'));
  symlinkSync('..', join(dirs[1] as string, 'up'));
  symlinkSync('/usr', join(root, 'to-usr'));
  // awkward names
  writeFileSync(join(root, 'new\nline.txt'), 'x'.repeat(5000));
  writeFileSync(Buffer.from(`${root}/bad-\xff\xfe-utf8.bin`, 'latin1'), 'y'.repeat(7000));
  writeFileSync(join(root, ' spaced name '), 'z');
  writeFileSync(join(root, '-leading-dash'), 'w');
  mkdirSync(join(root, 'empty-dir'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  let deep = root;
  for (let d = 0; d < 40; d++) {
    deep = join(deep, `level${d}`);
    mkdirSync(deep);
  }
  writeFileSync(join(deep, 'bottom.txt'), 'deep');
}
