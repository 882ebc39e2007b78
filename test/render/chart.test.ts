import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { layoutChart, niceTicks, thin } from '../../src/render/chartScene.js';
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
    const out = thin(points);
    expect(out.length).toBeLessThan(points.length);
    expect(out.map((p) => p[1])).toContain(50);
    expect(out.map((p) => p[1])).toContain(5);
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
