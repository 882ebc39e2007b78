# The same workload for Python's memory_profiler (bench/profile.mjs): run as
# `python3 -m memory_profiler workload.py` the @profile decorator traces it line by line; run as
# `python3 workload.py` it is a no-op. Times only the call, prints {"ms": ...} on stderr.
import json
import sys
import time

try:
    profile  # noqa: B018 - defined by `python3 -m memory_profiler`
except NameError:
    def profile(func):
        return func


@profile
def work():
    items = []
    for i in range(200000):
        items.append(i * 2)
    doubled = list(map(lambda x: x + 1, items))
    return len(doubled)


started = time.perf_counter()
n = work()
ms = (time.perf_counter() - started) * 1000
sys.stderr.write(json.dumps({"ms": ms, "n": n}) + "\n")
