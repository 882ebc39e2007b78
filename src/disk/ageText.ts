/**
 * Ages as the cleanup plan words them, in its reasons ("last written 3d ago (over 2d)") and in its
 * groups' age spans: one wording, so a group's span reads in the same units as its limit.
 */

/** Whole days from two days up, whole hours below: "3d", "20h". */
export function ageText(seconds: number): string {
  const days = seconds / 86400;
  return days >= 2 ? `${Math.floor(days)}d` : `${Math.floor(seconds / 3600)}h`;
}

/**
 * The span of a group's ages, "3d old" or "20h to 5d old"; an age below zero (a time in the future,
 * a skewed clock) reads as 0.
 */
export function ageSpanText(minSeconds: number, maxSeconds: number, files: number): string {
  const text = (s: number) => ageText(Math.max(0, s));
  return minSeconds === maxSeconds || files === 1
    ? `${text(maxSeconds)} old`
    : `${text(minSeconds)} to ${text(maxSeconds)} old`;
}
