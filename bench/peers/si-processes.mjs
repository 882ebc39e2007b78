// The peer of `hog ps --json` for bench/ps.mjs: the npm systeminformation package's processes().
import si from 'systeminformation';

const data = await si.processes();
process.stdout.write(JSON.stringify({ count: data.list.length }));
