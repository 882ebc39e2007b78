import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type ChartInput,
  intersects,
  layoutChart,
  niceTicks,
  type SceneItem,
  textBox,
  thin,
} from '../../src/render/chartScene.js';
import { crc32, encodePng } from '../../src/render/pngEncode.js';
import { rasterize } from '../../src/render/raster.js';
import { sparkline } from '../../src/render/sparkline.js';
import { sceneToSvg } from '../../src/render/svg.js';

const MiB = 1024 * 1024;

/**
 * CRC-32 as the PNG specification defines it (ISO 3309, reflected polynomial 0xEDB88320), bit by bit:
 * independent of the module's table-driven crc32, so a PNG is checked against the standard, not
 * against the code that wrote it.
 */
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('sparkline', () => {
  it('maps the range onto eight block heights and averages into the width', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([0, 0, 7, 7], 2)).toBe('▁█');
    expect(sparkline([5, 5, 5], 3)).toBe('▁▁▁');
    expect(sparkline([0, 10], 2, { min: 0, max: 20 })).toBe('▁▅');
    expect(sparkline([], 5)).toBe('');
    expect(sparkline([1, Number.NaN, 3], 3)).toBe('▁ █');
  });
});

describe('chart layout', () => {
  it('picks round ticks that cover the range', () => {
    expect(niceTicks(95)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(3, 6)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('thins a line to the extremes of each pixel column, keeping spikes', () => {
    const points: [number, number][] = [
      [0.1, 10],
      [0.2, 50],
      [0.3, 5],
      [0.4, 12],
      [1.1, 20],
    ];
    // M4: first, lowest, highest and last of column 0, in time order; column 1 alone
    expect(thin(points)).toEqual([
      [0.1, 10],
      [0.2, 50],
      [0.3, 5],
      [0.4, 12],
      [1.1, 20],
    ]);
    const column: [number, number][] = Array.from({ length: 10 }, (_, i) => [0.01 * i, 100 + i]);
    column[6] = [0.06, 3];
    expect(thin(column)).toEqual([
      [0, 100],
      [0.06, 3],
      [0.09, 109],
    ]);
  });

  const input = {
    title: 'node app.js',
    subtitle: 'run 1',
    lines: [
      {
        label: 'RSS',
        color: '#1f77b4',
        points: Array.from({ length: 100 }, (_, i) => ({ t: i * 1000, bytes: (100 + i) * MiB })),
      },
    ],
    trend: {
      from: { t: 0, bytes: 100 * MiB },
      to: { t: 99_000, bytes: 199 * MiB },
      label: 'slope +60.0 MiB/min',
      color: '#c62828',
    },
    annotation: { text: 'leaking <fast> & "sure"', color: '#c62828' },
    spans: [{ name: 'load', start: 10_000, end: 20_000 }],
  };

  it('writes an SVG with the line, trend, verdict and markers, escaping text', () => {
    const svg = sceneToSvg(layoutChart(input, 800, 400));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400"')).toBe(true);
    expect(svg).toContain('leaking &lt;fast&gt; &amp; &quot;sure&quot;');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('>load</text>');
    expect(svg).toContain('>slope +60.0 MiB/min</text>');
    expect((svg.match(/<polyline/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });

  it('rasterizes the same scene into a valid PNG whose pixels show the chart', () => {
    const canvas = rasterize(layoutChart(input, 800, 400));
    const png = encodePng(canvas.pixels, canvas.width, canvas.height);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // walk the chunks: every CRC must be right, IHDR first, IEND last
    const types: string[] = [];
    const idat: Buffer[] = [];
    for (let at = 8; at < png.length; ) {
      const length = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      const body = png.subarray(at + 8, at + 8 + length);
      expect(png.readUInt32BE(at + 8 + length)).toBe(referenceCrc32(png.subarray(at + 4, at + 8 + length)));
      types.push(type);
      if (type === 'IDAT') idat.push(body);
      at += 12 + length;
    }
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(png.readUInt32BE(16)).toBe(800);
    expect(png.readUInt32BE(20)).toBe(400);
    const raw = inflateSync(Buffer.concat(idat));
    expect(raw.length).toBe((800 * 3 + 1) * 400);
    // undo the Sub filter of one row through the plot and find the blue of the RSS line in it
    const colours = new Set<string>();
    for (let y = 60; y < 340; y += 7) {
      const row = raw.subarray(y * 2401 + 1, (y + 1) * 2401);
      const pixels = Buffer.alloc(2400);
      for (let i = 0; i < 2400; i++)
        pixels[i] = ((row[i] as number) + (i >= 3 ? (pixels[i - 3] as number) : 0)) & 0xff;
      for (let x = 0; x < 800; x++) colours.add(pixels.subarray(x * 3, x * 3 + 3).toString('hex'));
    }
    expect(colours).toContain('ffffff');
    expect(colours).toContain('1f77b4');
  });

  it('computes the PNG CRC-32 of the specification', () => {
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
    // the check value of CRC-32/ISO-HDLC (the catalogue of parametrised CRC algorithms)
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(referenceCrc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff));
    expect(crc32(data)).toBe(referenceCrc32(data));
  });
});

describe('charts of long recordings', () => {
  // a 9-hour recording at 10 Hz (a normal overnight `hog watch`): 324k samples, one of them a spike
  const SAMPLES = 324_000;
  const SPIKE_AT = 200_000;
  const long: ChartInput = {
    title: 'python3 overnight.py',
    subtitle: 'run 1',
    lines: [
      {
        label: 'RSS',
        color: '#1f77b4',
        points: Array.from({ length: SAMPLES }, (_, i) => ({
          t: 1_700_000_000_000 + i * 100,
          bytes: (i === SPIKE_AT ? 500 : 100 + (i % 50) / 100) * MiB,
        })),
      },
    ],
    spans: [],
  };

  it('lays out 324k samples as at most four points a pixel column, keeping the spike', () => {
    const scene = layoutChart(long, 960, 540);
    const line = scene.items.find((i) => i.kind === 'line' && i.color === '#1f77b4');
    if (line?.kind !== 'line') throw new Error('no RSS line');
    // plot from x 64 to 944: 881 pixel columns
    expect(line.points.length).toBeLessThanOrEqual(4 * 881);
    expect(line.points.length).toBeGreaterThan(2 * 881);
    // y axis to 600 MiB (ticks of 100 over 525); plot from y 60 to 540 - 40 - 13 = 487
    const peakY = 487 - (500 / 600) * (487 - 60);
    const highest = line.points.reduce((m, p) => Math.min(m, p[1]), Number.POSITIVE_INFINITY);
    expect(highest).toBeCloseTo(peakY, 6);
    expect(scene.items).toContainEqual(expect.objectContaining({ kind: 'text', text: '600' }));
  });

  it('writes it as SVG and PNG', () => {
    const scene = layoutChart(long, 960, 540);
    expect(sceneToSvg(scene)).toContain('<polyline');
    const canvas = rasterize(scene);
    expect(encodePng(canvas.pixels, canvas.width, canvas.height).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('chart labels', () => {
  const texts = (items: SceneItem[]) =>
    items.filter((i): i is Extract<SceneItem, { kind: 'text' }> => i.kind === 'text');

  it('keeps the slope label off the verdict when the line ends high', () => {
    // a leak that ends at the top of the plot: the label would sit on the verdict in the top-left
    for (const endsAtSecond of [20, 60, 99]) {
      const input: ChartInput = {
        title: 'node leak.js',
        subtitle: 'run 7',
        lines: [
          {
            label: 'RSS',
            color: '#1f77b4',
            points: Array.from({ length: 100 }, (_, i) => ({ t: i * 1000, bytes: (10 + 5 * i) * MiB })),
          },
        ],
        trend: {
          from: { t: 0, bytes: 10 * MiB },
          to: { t: endsAtSecond * 1000, bytes: 540 * MiB },
          label: 'slope +300.0 MiB/min',
          color: '#c62828',
        },
        annotation: {
          text: 'leaking: +300.0 MiB/min over 1m39s, steady (R² 1.00); reaches the 2.0 GiB limit in 5m',
          color: '#c62828',
        },
        spans: [],
      };
      const scene = layoutChart(input, 960, 540);
      const slope = texts(scene.items).find((t) => t.text === 'slope +300.0 MiB/min');
      const verdict = texts(scene.items).find((t) => t.text.startsWith('leaking:'));
      if (!slope || !verdict) throw new Error('label missing');
      const rect = scene.items.find((i) => i.kind === 'rect' && i.fill === '#ffffff');
      if (rect?.kind !== 'rect') throw new Error('no verdict box');
      expect(intersects(textBox(slope), textBox(verdict)), `trend ends at ${endsAtSecond}s`).toBe(false);
      expect(intersects(textBox(slope), rect), `trend ends at ${endsAtSecond}s`).toBe(false);
      // still inside the plot
      expect(slope.y).toBeGreaterThan(60);
      expect(slope.y).toBeLessThan(487);
    }
  });
});
