/**
 * A doctor check: a small object with an id and a run() that returns findings. Checks are listed
 * explicitly in registry.ts (no directory scanning), one per file under checks/.
 */
import type { Clock } from '../clock.js';
import type { DoctorContext } from './context.js';
import type { Finding, Resource } from './finding.js';

export interface Check {
  /** "resource.name", e.g. "memory.available". */
  id: string;
  resource: Resource;
  /** What the check looks at, for `hog doctor --list`. */
  description: string;
  /**
   * Start what run() will wait for (the network checks' 2 s window) and resolve once it is under way.
   * runChecks calls every selected check's prepare() before running any check, so the other checks
   * run during the wait; a failure here surfaces when run() awaits the same work.
   */
  prepare?(context: DoctorContext): Promise<void>;
  run(context: DoctorContext): Promise<Finding[]> | Finding[];
}

export type { Clock };
