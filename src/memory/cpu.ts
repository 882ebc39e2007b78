/**
 * CPU usage of a process, as top and ps compute it.
 *
 * Times in /proc/[pid]/stat are in clock ticks of USER_HZ, which is 100 on every Linux architecture
 * hog supports (x86, arm, riscv, ppc, s390; only alpha differed).
 */
export const USER_HZ = 100;

/**
 * top's %CPU: CPU time used between two samples over the wall time between them, in percent of one
 * CPU (so a process using two cores shows 200%, top's default "Irix mode").
 */
export function cpuPercentBetween(prevTicks: number, curTicks: number, elapsedSeconds: number): number {
  if (elapsedSeconds <= 0 || curTicks < prevTicks) return 0;
  return ((curTicks - prevTicks) / USER_HZ / elapsedSeconds) * 100;
}

/**
 * ps's %CPU: CPU time used over the whole life of the process (procps ps/output.c pr_pcpu):
 * total ticks / (uptime - start time).
 */
export function lifetimeCpuPercent(cpuTicks: number, startTimeTicks: number, uptimeSeconds: number): number {
  const lifetime = uptimeSeconds - startTimeTicks / USER_HZ;
  return lifetime > 0 ? (cpuTicks / USER_HZ / lifetime) * 100 : 0;
}
