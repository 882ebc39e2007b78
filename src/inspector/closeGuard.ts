/**
 * Closing an inspector that hog opened, from inside the target, so that it closes whatever happens to
 * hog. Two expressions hog evaluates in the target (Runtime.evaluate):
 *
 * ARM (right after connecting, and again before each long request) loads node:inspector while the
 * evaluation runs and keeps it in a closure. `require` exists then only because includeCommandLineAPI
 * puts Node's command-line API (which has `require`) in scope for that one evaluation, in CommonJS and
 * ES-module programs alike; a callback that names `require` later finds it gone and throws
 * ReferenceError in the target (what killed ESM targets before). Node.js >= 20.16 also has
 * process.getBuiltinModule, tried second; last, process._debugEnd, the native function that
 * node:inspector's close() is (Node.js 20). process.mainModule is no way: undefined in ES modules. The guard it installs (under a global symbol, not enumerable)
 * is a lease: an unref'd 1 s interval closes the inspector once LEASE_SECONDS pass without hog renewing
 * it, so a hog killed with SIGKILL leaves it open at most that long. When the event loop stood still
 * (a heap snapshot blocks it), the lease restarts from the moment it runs again, so a long snapshot is
 * not cut off while its chunks are still on the way.
 *
 * CLOSE schedules inspector.close() 50 ms later: closing inside the evaluation would tear the session
 * down before its reply is sent. Every step is wrapped: the target never throws because of hog.
 */

/** How long an inspector hog opened stays open after hog last renewed it (hog killed by SIGKILL). */
export const LEASE_SECONDS = 10;

const KEY = "Symbol.for('hog.inspectorGuard')";

export const ARM_EXPRESSION = `(function hogInspectorGuard(load, leaseMs) {
  var key = ${KEY};
  var guard = globalThis[key];
  if (guard === undefined) {
    // last resorts: node:inspector's close() is process._debugEnd, and the global timers
    var inspector = load('node:inspector') ||
      (typeof process._debugEnd === 'function' ? { close: function () { process._debugEnd(); } } : undefined);
    var timers = load('node:timers') ||
      { setInterval: setInterval, clearInterval: clearInterval, setTimeout: setTimeout };
    if (!inspector || typeof inspector.close !== 'function' || !timers) return 'no node:inspector module';
    guard = { deadline: 0, lastTick: Date.now(), timer: undefined, timers: timers };
    guard.close = function () {
      try { timers.clearInterval(guard.timer); } catch (e) {}
      try { delete globalThis[key]; } catch (e) {}
      try { inspector.close(); } catch (e) {}
    };
    guard.timer = timers.setInterval(function () {
      try {
        var now = Date.now();
        if (now - guard.lastTick > 2000) guard.deadline = Math.max(guard.deadline, now + leaseMs);
        guard.lastTick = now;
        if (now >= guard.deadline) guard.close();
      } catch (e) {}
    }, 1000);
    if (guard.timer && guard.timer.unref) guard.timer.unref();
    Object.defineProperty(globalThis, key, { value: guard, configurable: true, enumerable: false, writable: true });
  }
  guard.deadline = Date.now() + leaseMs;
  guard.lastTick = Date.now();
  return 'armed';
})(function (name) {
  try { if (typeof require === 'function') return require(name); } catch (e) {}
  try { if (typeof process.getBuiltinModule === 'function') return process.getBuiltinModule(name); } catch (e) {}
  return undefined;
}, ${LEASE_SECONDS * 1000})`;

export const CLOSE_EXPRESSION = `(function () {
  var guard = globalThis[${KEY}];
  if (guard === undefined) return false;
  try {
    guard.deadline = 0;
    var t = guard.timers.setTimeout(guard.close, 50);
    if (t && t.unref) t.unref();
  } catch (e) { return false; }
  return true;
})()`;

/** Is hog's guard installed in the target (a hog before this one opened its inspector)? */
export const GUARD_PRESENT_EXPRESSION = `globalThis[${KEY}] !== undefined`;
