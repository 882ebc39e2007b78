/**
 * Prepared statements kept per connection, by their SQL. better-sqlite3 frees a statement's native
 * memory (SQLite's compiled program) only when V8 collects the small JS object that wraps it, and a
 * heap of a few MiB goes minutes between full collections: `hog serve` preparing its queries afresh
 * for every API request and scrape grew its RSS by ~20 MiB before a collection caught up (measured
 * with 20,000 prepares of one query: 47 -> 66 MiB; the same query prepared once: 46 -> 50 MiB).
 * Statements that need pluck() or raw() must always be used that way: the mode sticks to the cached
 * statement.
 */
import type Database from 'better-sqlite3';

/** More distinct SQL texts than hog's queries have: a bound, should a caller build SQL from values. */
const MAX_PER_CONNECTION = 256;

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function prepared(db: Database.Database, sql: string): Database.Statement {
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    if (statements.size >= MAX_PER_CONNECTION) statements.clear();
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
