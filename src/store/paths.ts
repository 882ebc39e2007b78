/**
 * Where the store lives: $XDG_DATA_HOME/hog/hog.db, else ~/.local/share/hog/hog.db (the XDG Base
 * Directory default for user data). $HOG_DB, then --db, override it.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.HOG_DB) return env.HOG_DB;
  // the XDG spec says to ignore a relative $XDG_DATA_HOME
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg?.startsWith('/') ? xdg : join(home, '.local/share');
  return join(dataHome, 'hog', 'hog.db');
}
