#!/usr/bin/env node
// Build the optional packet-capture addon (native/pcap/hog_pcap.c -> dist/native/hog_pcap.node) that
// `hog net --capture IF` loads. It needs a C compiler and libpcap's headers (Debian: build-essential
// libpcap-dev). Without them hog builds and works all the same; only --capture then says what to
// install. Never fails the build. Compiled directly with cc: a Node-API addon needs only the Node-API
// headers (from this Node's include/node, or the node-api-headers package), no node-gyp.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'native/pcap/hog_pcap.c');
const target = join(root, 'dist/native/hog_pcap.node');
const force = process.argv.includes('--force');

function nodeApiHeaders() {
  const own = join(dirname(dirname(process.execPath)), 'include/node');
  if (existsSync(join(own, 'node_api.h'))) return own;
  try {
    const pkg = createRequire(import.meta.url).resolve('node-api-headers/package.json');
    return join(dirname(pkg), 'include');
  } catch {
    return undefined;
  }
}

function skip(reason) {
  console.error(`build-pcap: ${reason}; hog net --capture is unavailable (everything else works).`);
  console.error('build-pcap: to enable it: apt-get install -y build-essential libpcap-dev && npm run build');
  process.exit(0);
}

if (!force && existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) process.exit(0);
const headers = nodeApiHeaders();
if (!headers) skip('no Node-API headers (node_api.h) found');
if (!existsSync('/usr/include/pcap/pcap.h') && !existsSync('/usr/include/pcap.h')) {
  skip('libpcap headers are missing (Debian package libpcap-dev)');
}
mkdirSync(dirname(target), { recursive: true });
const cc = process.env.CC || 'cc';
const result = spawnSync(
  cc,
  [
    '-O2',
    '-fPIC',
    '-shared',
    '-DNODE_GYP_MODULE_NAME=hog_pcap',
    `-I${headers}`,
    source,
    '-lpcap',
    '-lpthread',
    '-o',
    target,
  ],
  { encoding: 'utf8' },
);
if (result.error) skip(`no C compiler (${cc}: ${result.error.message})`);
if (result.status !== 0) skip(`compiling the addon failed:\n${result.stderr}`);
