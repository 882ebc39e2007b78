/**
 * Tick choices for the charts' axes. uPlot picks the smallest increment from a list that leaves room
 * between labels; its default list is decimal, which puts byte axes at "953.7 MiB". These lists are
 * binary for bytes (1, 2, 4 ... 512 of each IEC unit), so ticks fall on round IEC values.
 */

const KiB = 1024;

/** 1 B, 2 B, 4 B ... 512 B, 1 KiB ... up to 512 PiB. */
export function byteIncrements(): number[] {
  const out: number[] = [];
  for (let unit = 0; unit <= 5; unit++) {
    for (let m = 1; m <= 512; m *= 2) out.push(m * KiB ** unit);
  }
  return out;
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/**
 * Steps of a time axis in ms, from 1 s up: hog records at most once a second, so sub-second ticks
 * would only repeat the same label.
 */
export function timeIncrements(): number[] {
  return [
    S,
    2 * S,
    5 * S,
    10 * S,
    15 * S,
    30 * S,
    M,
    2 * M,
    5 * M,
    10 * M,
    15 * M,
    30 * M,
    H,
    2 * H,
    3 * H,
    6 * H,
    12 * H,
    D,
    2 * D,
    7 * D,
    14 * D,
    30 * D,
  ];
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * A time axis label in local 24-hour time: "14:05:30" when ticks are less than a minute apart,
 * "14:05" below a day, "12-06" (month-day) from a day up. `stepMs` is the distance between ticks.
 */
export function timeTick(t: number, stepMs: number): string {
  const d = new Date(t);
  if (stepMs >= 86_400_000) return `${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}`;
  return stepMs < 60_000 ? `${hm}:${two(d.getSeconds())}` : hm;
}
