// The serve store as the recorder opens it, from the build (dist/): Store.open creates the file with
// hog's schema and migrations, ServeWriter writes ticks exactly as `hog serve` does. `npm run build` first.
import { applyRetention, DEFAULT_RETENTION } from '../../dist/store/serveRetention.js';
import { ServeWriter } from '../../dist/store/serveWriter.js';
import { Store } from '../../dist/store/store.js';

export { ServeWriter };

/** What the recorder does once a minute: average the completed minutes, apply the retention. */
export function retention(db, now) {
  return applyRetention(db, now, DEFAULT_RETENTION);
}

/** serve's defaults that the history follows (src/cli/serve.ts: --interval 5s, --top). */
export const HISTORY_DEFAULTS = { intervalMs: 5000, top: 20 };

/** A new serve database at `path`, open for writing: its connection and a close. */
export function openServeDb(path) {
  const store = Store.open(path, { create: true });
  return { connection: store.connection(), close: () => store.close() };
}
