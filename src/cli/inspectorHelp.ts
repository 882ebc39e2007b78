/**
 * What `hog watch --heap` and `hog heap snapshot` say in --help about the inspector they open: who can
 * use it while it is open, for how long hog keeps it open, and when hog refuses to open it.
 */
import { LEASE_SECONDS } from '../inspector/closeGuard.js';

export const INSPECTOR_EXPOSURE_HELP = `An open inspector lets any local user of the same network namespace connect to it and run code in
the process, with its rights. hog keeps one open only for its request (a heap reading: one round trip;
a snapshot: while V8 writes it) and closes it on every way hog ends (normal end, error, Ctrl-C,
SIGTERM, SIGHUP). Should hog be killed with SIGKILL, a guard it arms inside the process closes it
${LEASE_SECONDS} s after hog's last request or the end of a snapshot (checked every second: ${LEASE_SECONDS + 1} s at most); in
the 20-40 ms between the signal and the guard, a detached watchdog shell started with the signal closes
it instead. An inspector that was open before hog came stays open, unless another hog opened it.

Opening it: hog sends SIGUSR1, Node.js's signal to open the inspector on 127.0.0.1:9229 (or its
--inspect-port). From /proc, Node's own SIGUSR1 handler and an application's process.on('SIGUSR1')
(log rotation...) look the same, and the application's handler would fire instead, so hog sends it only
when told (watch: --force; heap snapshot: --sigusr1 or --force). It refuses, with the reason, a process
that does not catch SIGUSR1 at all (the signal would terminate it) and a port another process holds
(named). A process started with --inspect=127.0.0.1:0 needs no signal.`;
