/**
 * `hog disk`: what fills the disk. The scan is the default subcommand (`hog disk [PATH...]`); `deleted`,
 * `df` and `clean` are the others. They load together (one chunk is faster to load than a dozen small
 * ones); only the browser (-i) loads on demand.
 */
import { type Command, Option } from 'commander';
import type { CliContext } from './context.js';
import { runClean } from './diskClean.js';
import { runDeleted } from './diskDeleted.js';
import { runDf } from './diskDf.js';
import { runScan } from './diskScan.js';
import { collect, durationValue, nonNegativeInt, positiveInt, sizeValue } from './optionValues.js';

export function register(program: Command, context: CliContext): void {
  const disk = program
    .command('disk')
    .description('disk usage: scan (default), deleted-but-open files, df reconciliation, cleanup')
    .addHelpText(
      'after',
      `
The scan is the default: hog disk [PATH...] takes the options of hog disk scan --help
(--apparent, -x, --exclude, --depth, --top, --by category, -i, -o, -f, --json).

Examples:
  hog disk /var                    what fills /var: largest entries, files and directories
  hog disk -i /                    browse interactively (like ncdu); d deletes after confirmation
  hog disk --by category /         binaries, application data, caches, logs, temp, backups, other
  hog disk deleted                 files deleted but still held open by a process
  hog disk df                      why df and du disagree, per filesystem
  hog disk clean /var/log          what can safely go, with the bytes it frees (--apply to do it)`,
    );

  registerScan(disk, context);
  registerDeleted(disk, context);
  registerDf(disk, context);
  registerClean(disk, context);
}

/** `hog disk scan [PATH...]`, the default subcommand: usage like du, largest entries, categories. */
function registerScan(disk: Command, context: CliContext): void {
  disk
    .command('scan [paths...]', { isDefault: true })
    .description('disk usage of PATHs (default .): totals like du, largest entries, files and directories')
    .option('--apparent', 'sizes in bytes (du --apparent-size) instead of blocks on disk')
    .option('-x, --one-file-system', 'stay on the filesystem of each PATH (du -x)')
    .option('--exclude <glob>', 'skip entries matching GLOB, like du --exclude (repeatable)', collect)
    .option('-d, --depth <N>', 'show the tree N levels deep (0: totals only)', nonNegativeInt('--depth'), 1)
    .option('-n, --top <N>', 'list the N largest children, files and directories', positiveInt('--top'), 10)
    .addOption(new Option('--by <what>', 'split usage by category (and age)').choices(['category']))
    .option('-i, --interactive', 'browse the result in the terminal, like ncdu')
    .option('-o, --export <file>', "save the whole scan as JSON in ncdu's export format (- for stdout)")
    .option(
      '-f, --import <file>',
      'read a saved scan (hog disk --json or -o, ncdu -o, gdu -o) instead of scanning',
    )
    .option('--json', 'print the report as JSON (sizes in bytes)')
    .option(
      '--threads <N>',
      'threads of the native walker (default: 16, 2 per core above 8 cores)',
      positiveInt('--threads'),
    )
    .option('--no-progress', 'no progress line while scanning')
    .addOption(
      new Option('--log-size <size>', 'with --by category: logs at least this big are cleanup candidates')
        .argParser(sizeValue('--log-size'))
        .default(100 * 1024 * 1024, '100M'),
    )
    .addOption(
      new Option('--log-age <duration>', 'with --by category: logs older than this are cleanup candidates')
        .argParser(durationValue('--log-age'))
        .default(30 * 86400, '30d'),
    )
    .addHelpText(
      'after',
      `
Sizes are blocks allocated on disk, like du; --apparent shows byte sizes like du -b. Hard links are
counted once, sparse files by what they really occupy. Pseudo filesystems (/proc, /sys...) are not
entered below a PATH. Totals equal du -sB1 (and du -sb with --apparent).`,
    )
    .action(async (paths: string[], opts, command: Command) => {
      await runScan(paths, opts, command, context);
    });
}

/** `hog disk deleted`: files deleted but still open, and --reclaim of one of them. */
function registerDeleted(disk: Command, context: CliContext): void {
  disk
    .command('deleted')
    .description('files deleted but still open: the space df counts and du cannot see')
    .option('--json', 'print JSON (sizes in bytes)')
    .option('--min-size <size>', 'list only files at least this big on disk', sizeValue('--min-size'), 0)
    .option('--reclaim <PID:FD>', 'free one file by truncating it through /proc/PID/fd/FD (asks first)')
    .option('-y, --yes', 'with --reclaim: do not ask for confirmation')
    .option('--force', 'with --reclaim: truncate even when a writer does not append (the file turns sparse)')
    .addHelpText(
      'after',
      `
A file that is deleted while a process holds it open keeps its blocks until the last descriptor
closes. Restarting the process frees them; --reclaim truncates the file to 0 bytes through the
process's descriptor instead, without a restart. If the writer does not append (no O_APPEND), its
next write lands at its old offset and the file becomes sparse: it takes little space but reads as
a large file of zeros; hog asks for --force then. It refuses, whatever the flags, a file that any
process maps into memory (truncating it would kill that process with SIGBUS) and shared memory
(memfd, System V, /dev/shm).`,
    )
    .action(async (opts, command: Command) => {
      await runDeleted(opts, command, context);
    });
}

/** `hog disk df [PATH...]`: why df and du disagree, per filesystem. */
function registerDf(disk: Command, context: CliContext): void {
  disk
    .command('df [paths...]')
    .description('per filesystem: used = visible files + deleted-but-open + unexplained; reserved; inodes')
    .option('--json', 'print JSON (sizes in bytes)')
    .option('--no-scan', 'do not scan the files (faster): visible and unexplained are then unknown')
    .option('--threads <N>', 'threads of the native walker', positiveInt('--threads'))
    .action(async (paths: string[], opts, command: Command) => {
      await runDf(paths, opts, command, context);
    });
}

/** `hog disk clean [PATH...]`: a plan of what can safely go, carried out with --apply. */
function registerClean(disk: Command, context: CliContext): void {
  disk
    .command('clean [paths...]')
    .description('plan a safe cleanup (old rotated logs, big logs to compress, caches, temp, core dumps)')
    .option('--apply', 'carry out the plan (without it, nothing changes)')
    .option('-y, --yes', 'with --apply: do not ask for confirmation')
    .addOption(
      new Option(
        '--older-than <duration>',
        'age from which temp files, caches, rotated logs and core dumps go',
      )
        .argParser(durationValue('--older-than'))
        .default(7 * 86400, '7d'),
    )
    .addOption(
      new Option('--compress-over <size>', 'compress closed logs at least this big')
        .argParser(sizeValue('--compress-over'))
        .default(50 * 1024 * 1024, '50M'),
    )
    .option('--force', 'allow a system directory (/, /usr, /etc...) as PATH')
    .option('--cross-mounts', 'also clean below mount points inside a PATH (bind mounts included)')
    .option('--log <file>', 'where to record what was done (default ~/.local/state/hog/clean.log)')
    .option('--all', 'list every file of the plan, not the sums per directory')
    .option('--json', 'print the plan (and results) as JSON, every action included')
    .addHelpText(
      'after',
      `
Without PATH, hog looks in the usual places: /var/log, /var/cache, /var/tmp, /tmp, /var/crash,
/var/lib/systemd/coredump and ~/.cache. Only what is known to be disposable is planned: in /tmp,
/var/tmp and the directories tmpfiles.d ages, what systemd-tmpfiles would remove (access, change and
modification time all older than the age; tmpfiles.d x/X lines, locked files and .git work trees are
kept); in caches, only the caches hog knows to be regenerable (apt's becomes one apt-get clean), others
are reported; old rotated logs, big logs to compress, old core dumps. The plan is summed per directory
(--all lists every file). hog never leaves a PATH, never follows a symlink, stays on the mount of each PATH (told by mount ID,
so a bind mount inside is left alone; --cross-mounts enters them), skips files a process has open or
locked, and checks each file again just before unlinking it by descriptor.`,
    )
    .action(async (paths: string[], opts, command: Command) => {
      await runClean(paths, opts, command, context);
    });
}
