// The benchmark workload (bench/profile.mjs): a function that appends 200,000 items to an array and
// then maps it. `// @profile` marks it for `hog profile`; plain `node` ignores the comment.
// It times only the call and prints {"ms": ...} on stderr.

// @profile
function work() {
  const items = [];
  for (let i = 0; i < 200000; i++) {
    items.push(i * 2);
  }
  const doubled = items.map((x) => x + 1);
  return doubled.length;
}

const started = performance.now();
const n = work();
const ms = performance.now() - started;
process.stderr.write(`${JSON.stringify({ ms, n })}\n`);
