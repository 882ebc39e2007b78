/**
 * What every command receives: its output, a terminal, a clock, and the roots to read the system from
 * (real /proc and /sys, or a fixture tree in tests via the hidden --proc-root/--sys-root options).
 */
import type { Command } from 'commander';
import type { Clock } from '../clock.js';
import type { Terminal } from '../render/terminal.js';
import type { Output } from './output.js';

export interface CliContext {
  output: Output;
  /** Keys, size and resizes for the live views (hog top, hog net, hog disk -i) and y/N questions. */
  terminal: Terminal;
  clock: Clock;
  /** Set by a command that exits with something other than 0 without an error (hog doctor). */
  exitCode: number;
}

export interface Roots {
  procRoot: string;
  sysRoot: string;
  etcRoot: string;
}

export function rootsOf(command: Command): Roots {
  const opts = command.optsWithGlobals<{ procRoot?: string; sysRoot?: string; etcRoot?: string }>();
  return {
    procRoot: opts.procRoot ?? '/proc',
    sysRoot: opts.sysRoot ?? '/sys',
    etcRoot: opts.etcRoot ?? '/etc',
  };
}

/** A command module: registers its flags and action on the program. */
export interface CommandModule {
  register(program: Command, context: CliContext): void;
}
