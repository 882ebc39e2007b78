/// <reference lib="dom" />
/** What every page of the dashboard is: built once into its root, refreshed on each sample. */
import type { Chart } from '../chart.js';

export interface Page {
  /** Fetch what the page shows and update it; rejects with the API's error. */
  refresh(signal: AbortSignal): Promise<void>;
  destroy(): void;
}

/**
 * Charts kept across refreshes by a key (a PID, a mount point): a chart is updated in place rather
 * than rebuilt, and the ones whose key did not come back are destroyed.
 */
export class ChartSet {
  private charts = new Map<string, Chart>();
  private seen = new Set<string>();

  /** The chart for `key`, updated with `columns`, or made by `make` the first time. */
  use(key: string, make: () => Chart, update: (chart: Chart) => void): Chart {
    this.seen.add(key);
    const existing = this.charts.get(key);
    if (existing) {
      update(existing);
      return existing;
    }
    const chart = make();
    this.charts.set(key, chart);
    return chart;
  }

  /** Destroy the charts not used since the last sweep. */
  sweep(): void {
    for (const [key, chart] of this.charts) {
      if (!this.seen.has(key)) {
        chart.destroy();
        this.charts.delete(key);
      }
    }
    this.seen.clear();
  }

  destroy(): void {
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
    this.seen.clear();
  }
}
