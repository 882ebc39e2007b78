"""The peer of `hog ps --json --interval 0` for bench/ps.mjs: the same fields through psutil
(pid, ppid, user, RES, SHR, VIRT, %MEM, lifetime CPU%, state, command), printed as JSON.
psutil exposes VmSwap only through memory_full_info(), which reads smaps (far slower), so SWAP is
left out here; hog reads it from status at no extra cost."""
import json
import time

import psutil

boot = psutil.boot_time()
total = psutil.virtual_memory().total
now = time.time()
rows = []
for p in psutil.process_iter(['pid', 'ppid', 'username', 'memory_info', 'cpu_times', 'create_time', 'status', 'cmdline', 'name']):
    i = p.info
    mi = i['memory_info']
    ct = i['cpu_times']
    lifetime = now - (i['create_time'] or now)
    rows.append({
        'pid': i['pid'],
        'ppid': i['ppid'],
        'user': i['username'],
        'resBytes': mi.rss if mi else 0,
        'shrBytes': mi.shared if mi else 0,
        'virtBytes': mi.vms if mi else 0,
        'memPercent': (mi.rss / total * 100) if mi else 0,
        'cpuPercent': ((ct.user + ct.system) / lifetime * 100) if ct and lifetime > 0 else 0,
        'state': i['status'],
        'command': ' '.join(i['cmdline'] or []) or '[%s]' % i['name'],
    })
print(json.dumps({'processes': rows}))
