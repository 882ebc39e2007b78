/**
 * A sparkline: a series squeezed into one line of block characters (▁▂▃▄▅▆▇█), for summaries in the
 * terminal. Values are averaged into `width` buckets; the scale runs from the lowest to the highest
 * bucket (or the `min`/`max` given, so several lines can share one scale). Non-finite values print as
 * a space.
 */
export const SPARK_BARS = '▁▂▃▄▅▆▇█';

export interface SparklineOptions {
  min?: number;
  max?: number;
}

/** Average `values` into at most `width` buckets (fewer values than width: one bucket per value). */
export function bucketMeans(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let b = 0; b < width; b++) {
    const from = Math.floor((b * values.length) / width);
    const to = Math.floor(((b + 1) * values.length) / width);
    let sum = 0;
    let count = 0;
    for (let i = from; i < to; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    out.push(count > 0 ? sum / count : Number.NaN);
  }
  return out;
}

export function sparkline(values: readonly number[], width: number, options: SparklineOptions = {}): string {
  if (width <= 0 || values.length === 0) return '';
  const buckets = bucketMeans(values, width);
  const finite = buckets.filter(Number.isFinite);
  const min = options.min ?? finite.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
  const max = options.max ?? finite.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
  const top = SPARK_BARS.length - 1;
  return buckets
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      if (!(max > min)) return SPARK_BARS[0];
      const level = Math.round(((v - min) / (max - min)) * top);
      return SPARK_BARS[Math.max(0, Math.min(top, level))];
    })
    .join('');
}
