/**
 * The dashboard's files, from --web-dir: `/` is index.html, `/assets/NAME` a file under assets/.
 * Nothing outside that directory is ever served: the URL path is decoded once and refused when a
 * segment is `..` or `.`, or it holds a backslash or a NUL (so `..%2f` and `%2e%2e/` fail as plainly as
 * `../`); the file is then opened and its real path, symlinks resolved, must still lie inside the real
 * web directory; only regular files are sent.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { HttpError } from './httpError.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A dashboard file is small; anything bigger is not one of ours. */
export const MAX_STATIC_BYTES = 8 * 1024 * 1024;

export interface StaticFile {
  body: Buffer;
  type: string;
}

/** The relative path a URL path names under the web directory, or a 404 for anything else. */
export function staticPath(urlPath: string): string {
  if (urlPath === '/' || urlPath === '/index.html') return 'index.html';
  if (!urlPath.startsWith('/assets/')) throw new HttpError(404, 'not found');
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.slice(1));
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in the path');
  }
  const segments = decoded.split('/');
  if (
    decoded.includes('\\') ||
    decoded.includes('\0') ||
    segments.some((s) => s === '..' || s === '.' || s === '')
  ) {
    throw new HttpError(404, 'not found');
  }
  return segments.join('/');
}

export function readStatic(webDir: string, urlPath: string): StaticFile {
  const relative = staticPath(urlPath);
  let root: string;
  let fd: number;
  try {
    root = realpathSync(webDir);
    // O_NONBLOCK: a FIFO planted under the directory must not hang the server in open()
    fd = openSync(join(root, relative), constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    throw new HttpError(404, 'not found');
  }
  try {
    const real = realpathSync(`/proc/self/fd/${fd}`);
    const stat = fstatSync(fd);
    if (!real.startsWith(root + sep) || !stat.isFile() || stat.size > MAX_STATIC_BYTES) {
      throw new HttpError(404, 'not found');
    }
    const body = Buffer.alloc(stat.size);
    let off = 0;
    while (off < body.length) {
      const n = readSync(fd, body, off, body.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { body: body.subarray(0, off), type: TYPES[extname(relative)] ?? 'application/octet-stream' };
  } finally {
    closeSync(fd);
  }
}

/** What `/` says when the dashboard was not built (no index.html in --web-dir). */
export const NO_DASHBOARD = `<!doctype html><meta charset="utf-8"><title>hog serve</title>
<p>hog serve is recording. The dashboard's files were not found in its --web-dir.
<p>The JSON API: <a href="/api/v1/host">/api/v1/host</a>, <a href="/api/v1/processes">/api/v1/processes</a>,
<a href="/api/v1/disks">/api/v1/disks</a>, <a href="/api/v1/net">/api/v1/net</a>,
<a href="/api/v1/findings">/api/v1/findings</a>.
`;
