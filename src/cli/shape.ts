/**
 * `hog shape`: traffic shaping with HTB through tc: give connections priorities and cap what must not
 * take the whole link, with a preview (`plan`, `--dry-run`), verification against the kernel (`list`)
 * and an exact undo (`clear`). Each change is all or nothing (shape/transaction.ts).
 */
import { type Command, Option } from 'commander';
import { quote, UsageError } from '../errors.js';
import { parseRate } from '../shape/rate.js';
import { PRIOS, parsePorts, type ShapePrio } from '../shape/rules.js';
import type { CliContext } from './context.js';
import { parsePid, seconds } from './optionValues.js';
import type { ShapeFlags } from './shapeRun.js';

const rate = (name: string) => (text: string) => parseRate(text, name);

function prio(text: string): ShapePrio {
  if (!(PRIOS as readonly string[]).includes(text)) {
    throw new UsageError(`--prio: unknown priority ${quote(text)}`, { hint: `one of ${PRIOS.join(', ')}` });
  }
  return text as ShapePrio;
}

function createdAt(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new UsageError(`--if-created-at: not a time in ms: ${quote(text)}`);
  return n;
}

/** --for: a revert sooner than a second could fire before hog has recorded it. */
function forDuration(text: string): number {
  const value = seconds('--for', { max: 366 * 86400 })(text);
  if (value < 1)
    throw new UsageError(`--for ${quote(text)} is too short`, { hint: 'from 1s up: 30s, 10m, 2h' });
  return value;
}

const devOption = () =>
  new Option('--dev <IF>', 'the network device (ip link lists them)').makeOptionMandatory();
const dryRun = (c: Command) =>
  c.option('--dry-run', 'print the tc commands and the difference from now; change nothing');

/** The changing subcommands, under `hog shape` (applied) and under `hog shape plan` (dry run). */
function registerChanges(parent: Command, context: CliContext, planOnly: boolean): void {
  const run = async (verb: 'link' | 'add' | 'remove' | 'clear', opts: ShapeFlags, id?: string) => {
    const { runChange } = await import('./shapeRun.js');
    await runChange(verb, { ...opts, dryRun: planOnly || opts.dryRun === true }, id, context);
  };
  const link = parent
    .command('link')
    .description('set the bandwidth the priorities share (default: the link speed sysfs reports)')
    .addOption(devOption())
    .option('--rate <R>', 'egress rate, bits: 100mbit (the real bottleneck, e.g. the uplink)', rate('--rate'))
    .option('--ingress-rate <R>', 'ingress rate, shaped through an ifb device', rate('--ingress-rate'))
    .option('--force', "replace a root qdisc of the user's (saved; clear puts it back)")
    .option('--json', 'print the result as JSON')
    .action((opts: ShapeFlags) => run('link', opts));
  const add = parent
    .command('add')
    .description('add a rule: --port or --host, with --prio or --rate [--ceil]')
    .addOption(devOption())
    .option('--port <P>', 'a port at either end of the connection (several: 80,443)', parsePorts)
    .option('--host <ADDR/NET>', 'the remote address or network (IPv4 or IPv6)')
    .option(
      '--pid <PID>',
      "the process's ports now (a snapshot; hog shape watch keeps them current)",
      parsePid,
    )
    .option(
      '--for <DURATION>',
      'remove the rule by itself after this long (10m, 1h), even if hog is killed',
      forDuration,
    )
    .option('--prio <P>', `priority: ${PRIOS.join('|')}`, prio)
    .option(
      '--rate <R>',
      'a class of its own with this rate, bits: 10mbit (a cap without --ceil)',
      rate('--rate'),
    )
    .option('--ceil <R>', 'with --rate: borrow idle bandwidth up to this', rate('--ceil'))
    .option('--ingress', 'shape incoming traffic (through an ifb device) instead of outgoing')
    .option('--force', "replace a root qdisc of the user's (saved; clear puts it back)")
    .option('--json', 'print the result as JSON')
    .action((opts: ShapeFlags) => run('add', opts));
  const remove = parent
    .command('remove')
    .description('remove one rule by its id (hog shape list shows them)')
    .argument('<RULE_ID>')
    .addOption(devOption())
    .option('--if-created-at <MS>', 'only if the rule was created at this time (a timed revert)', createdAt)
    .option('--json', 'print the result as JSON')
    .action((id: string, opts: ShapeFlags) => run('remove', opts, id));
  const clear = parent
    .command('clear')
    .description('remove what hog installed and put back what was there before (all devices without --dev)')
    .option('--dev <IF>', 'only this device')
    .option('--json', 'print the result as JSON')
    .action((opts: ShapeFlags) => run('clear', opts));
  if (!planOnly) for (const c of [link, add, remove, clear]) dryRun(c);
}

export function register(program: Command, context: CliContext): void {
  const shape = program
    .command('shape')
    .description('traffic shaping (HTB via tc): priorities and caps, previewed, verified, exactly undone')
    .addHelpText(
      'after',
      `
Rates are bits per second: 500kbit, 10mbit, 1gbit (tc's "mbps" means BYTES per second; hog refuses it).
Priorities (high > normal > low, and a default class for everything unclassified) share the link rate:
set it with \`hog shape link\` where the kernel reports none (virtual devices) or where the real
bottleneck is upstream (a 1 Gb NIC behind a 100 Mbit uplink). A --rate rule gets a class of its own.
Ports and hosts are matched with u32 at fixed offsets: IPv4 without options, IPv6 without extension
headers.

Examples:
  hog shape link --dev eth0 --rate 95mbit
  hog shape add --dev eth0 --port 22 --prio high
  hog shape add --dev eth0 --host 10.0.0.0/24 --rate 10mbit --ceil 50mbit
  hog shape add --dev eth0 --port 873 --rate 5mbit --ingress
  hog shape add --dev eth0 --pid 4242 --prio low --for 30m  the process's ports, undone after 30 min
  hog shape watch                                          keep pid rules on their ports (Ctrl-C ends)
  hog shape plan add --dev eth0 --port 443 --prio high     what would change, nothing changes
  hog shape list --dev eth0                                rules with live counters
  hog shape clear --dev eth0                               back to what was there before`,
    );
  registerChanges(shape, context, false);
  const plan = shape
    .command('plan')
    .description('show the tc commands a change would run and what it changes; nothing changes');
  registerChanges(plan, context, true);
  shape
    .command('list')
    .description("hog's rules read back from the kernel, with live counters per class")
    .option('--dev <IF>', 'only this device')
    .option('--json', 'print as JSON')
    .action(async (opts: ShapeFlags) => {
      const { runList } = await import('./shapeRun.js');
      await runList(opts, context);
    });
  shape
    .command('watch')
    .description("keep pid rules on their processes' current ports until stopped (Ctrl-C)")
    .option('--dev <IF>', 'only this device')
    .option('--interval <DURATION>', 'time between looks', seconds('--interval', { max: 3600 }), 2)
    .action(async (opts: { dev?: string; interval: number }) => {
      const { runShapeWatch } = await import('./shapeWatch.js');
      await runShapeWatch(opts, context);
    });
}
