#!/usr/bin/env node
// Build hog's optional Node-API addons into dist/native/, each only when it can be built:
//   hog_sockdiag.node  native/sockdiag: socket statistics (sock_diag netlink) read in-process, so
//                      hog net spawns no ss per tick. Needs a C compiler and the kernel headers.
//   hog_pcap.node      native/pcap: packet capture for hog net --capture. Also needs libpcap-dev.
//   hog_disk.node      src/disk/native: the disk walker of hog disk (getdents64 + fstatat on several
//                      threads) and race-free deletion by descriptor. Needs a C++ compiler.
//   hog_procread.node  native/procread: reads the stat/status/cmdline files of every process in one
//                      call for hog ps and hog top, and gives hog top's k pidfds (pidfd_open,
//                      pidfd_send_signal) to signal exactly the process it checked. Needs a C compiler.
// Without them hog builds and works all the same: hog net then runs ss each tick (more CPU),
// --capture says what to install, hog disk uses its JavaScript walker (slower). So by default a failed
// addon does not fail the build, it only says so. CI sets HOG_REQUIRE_ADDONS=1 (.ci/run): then any
// addon that does not build (a compile error, a missing header or compiler) fails the build with
// exit 1, so an addon that stops compiling is noticed instead of silently replaced by the fallback.
// Compiled directly with cc/c++: a Node-API addon needs only the Node-API headers (this Node's
// include/node, or the node-api-headers package).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const force = process.argv.includes('--force');
const cc = process.env.CC || 'cc';
const cxx = process.env.CXX || 'c++';

const ADDONS = [
  {
    name: 'hog_procread',
    sources: ['native/procread/hog_procread.c', 'native/procread/kept.c'],
    headers: ['native/procread/kept.h', 'native/procread/procread.h'],
    libraries: [],
    needs: [],
    without: "hog ps and hog top read /proc from JavaScript (slower); top's k uses kill(2) after its check",
  },
  {
    name: 'hog_sockdiag',
    source: 'native/sockdiag/hog_sockdiag.c',
    libraries: [],
    needs: [['/usr/include/linux/inet_diag.h', 'kernel headers (Debian package linux-libc-dev)']],
    without: 'hog net runs ss each tick instead (more CPU)',
  },
  {
    name: 'hog_pcap',
    source: 'native/pcap/hog_pcap.c',
    libraries: ['-lpcap', '-lpthread'],
    needs: [['/usr/include/pcap/pcap.h', 'libpcap headers (Debian package libpcap-dev)']],
    without: 'hog net --capture is unavailable',
  },
  {
    name: 'hog_disk',
    sources: [
      'src/disk/native/walker.cc',
      'src/disk/native/totals.cc',
      'src/disk/native/remove.cc',
      'src/disk/native/removeApi.cc',
      'src/disk/native/addon.cc',
    ],
    headers: ['src/disk/native/walker.h', 'src/disk/native/remove.h'],
    compiler: cxx,
    flags: ['-std=c++17', '-pthread'],
    libraries: ['-lpthread'],
    needs: [],
    without: 'hog disk uses its JavaScript walker (about three times slower)',
  },
];

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

const failed = [];

function skip(addon, reason) {
  failed.push(addon.name);
  console.error(`build-native: ${addon.name}: ${reason}; ${addon.without}.`);
  console.error('build-native: to build it: apt-get install -y build-essential libpcap-dev && npm run build');
}

const headers = nodeApiHeaders();
for (const addon of ADDONS) {
  const sources = (addon.sources ?? [addon.source]).map((s) => join(root, s));
  const inputs = [...sources, ...(addon.headers ?? []).map((h) => join(root, h))];
  const target = join(root, `dist/native/${addon.name}.node`);
  const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
  if (!force && existsSync(target) && statSync(target).mtimeMs >= newest) continue;
  if (!headers) {
    skip(addon, 'no Node-API headers (node_api.h) found');
    continue;
  }
  const missing = addon.needs.find(([file]) => !existsSync(file));
  if (missing) {
    skip(addon, `${missing[1]} missing`);
    continue;
  }
  mkdirSync(dirname(target), { recursive: true });
  const compiler = addon.compiler ?? cc;
  const result = spawnSync(
    compiler,
    [
      '-O2',
      '-fPIC',
      '-shared',
      ...(addon.flags ?? []),
      `-DNODE_GYP_MODULE_NAME=${addon.name}`,
      `-I${headers}`,
      ...sources,
      ...addon.libraries,
      '-o',
      target,
    ],
    { encoding: 'utf8' },
  );
  if (result.error) skip(addon, `no compiler (${compiler}: ${result.error.message})`);
  else if (result.status !== 0) skip(addon, `compiling failed:\n${result.stderr}`);
}

if (failed.length > 0 && process.env.HOG_REQUIRE_ADDONS === '1') {
  console.error(
    `build-native: HOG_REQUIRE_ADDONS=1: ${failed.length} addon(s) did not build: ${failed.join(', ')}`,
  );
  process.exit(1);
}
