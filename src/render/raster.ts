/**
 * Drawing a chart scene (chartScene.ts) into pixels for a PNG: anti-aliased lines of any width (each
 * pixel near a segment is blended by its coverage, from its distance to the segment), translucent
 * rectangles, and text in the embedded bitmap fonts (bitmapFont.ts). No system fonts, nothing loaded.
 */
import { type BitmapFont, FONT_6X13, FONT_7X13_BOLD } from './bitmapFont.js';
import type { Scene } from './chartScene.js';

export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: string,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    const [r, g, b] = parseColor(background);
    for (let i = 0; i < width * height; i++) {
      this.pixels[i * 3] = r;
      this.pixels[i * 3 + 1] = g;
      this.pixels[i * 3 + 2] = b;
    }
  }

  /** Blend `color` into one pixel with opacity `alpha` (0..1). */
  blend(x: number, y: number, color: readonly [number, number, number], alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const a = Math.min(1, alpha);
    const i = (y * this.width + x) * 3;
    for (let c = 0; c < 3; c++) {
      const old = this.pixels[i + c] as number;
      this.pixels[i + c] = Math.round(old + ((color[c] as number) - old) * a);
    }
  }

  fillRect(x: number, y: number, w: number, h: number, color: string, opacity = 1): void {
    const rgb = parseColor(color);
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.blend(px, py, rgb, opacity);
  }

  /** A segment `width` pixels wide; coverage falls off over the last half pixel of each side. */
  segment(ax: number, ay: number, bx: number, by: number, color: string, width: number): void {
    const rgb = parseColor(color);
    const half = width / 2;
    const minX = Math.max(0, Math.floor(Math.min(ax, bx) - half - 1));
    const maxX = Math.min(this.width - 1, Math.ceil(Math.max(ax, bx) + half + 1));
    const minY = Math.max(0, Math.floor(Math.min(ay, by) - half - 1));
    const maxY = Math.min(this.height - 1, Math.ceil(Math.max(ay, by) + half + 1));
    const dx = bx - ax;
    const dy = by - ay;
    const length2 = dx * dx + dy * dy;
    for (let py = minY; py <= maxY; py++) {
      for (let px = minX; px <= maxX; px++) {
        const cx = px + 0.5;
        const cy = py + 0.5;
        const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((cx - ax) * dx + (cy - ay) * dy) / length2));
        const distance = Math.hypot(cx - (ax + t * dx), cy - (ay + t * dy));
        const coverage = half + 0.5 - distance;
        if (coverage > 0) this.blendMax(px, py, rgb, Math.min(1, coverage));
      }
    }
  }

  /**
   * Joined segments share pixels; blending each segment on its own would darken the joints. So a
   * polyline remembers the coverage it already gave each pixel and only adds what is missing.
   */
  private drawn: Map<number, number> | undefined;

  private blendMax(x: number, y: number, rgb: readonly [number, number, number], coverage: number): void {
    if (!this.drawn) {
      this.blend(x, y, rgb, coverage);
      return;
    }
    const key = y * this.width + x;
    const before = this.drawn.get(key) ?? 0;
    if (coverage <= before) return;
    this.drawn.set(key, coverage);
    // blend only the extra coverage, as a share of what is still uncovered
    this.blend(x, y, rgb, (coverage - before) / (1 - before));
  }

  polyline(points: readonly [number, number][], color: string, width: number, dashed = false): void {
    this.drawn = new Map();
    try {
      const pattern = dashed ? [6, 4] : undefined;
      let phase = 0;
      for (let i = 1; i < points.length; i++) {
        const [ax, ay] = points[i - 1] as [number, number];
        const [bx, by] = points[i] as [number, number];
        if (!pattern) {
          this.segment(ax, ay, bx, by, color, width);
          continue;
        }
        const length = Math.hypot(bx - ax, by - ay);
        let at = 0;
        while (at < length) {
          const inDash = phase % 10 < 6;
          const left = inDash ? 6 - (phase % 10) : 10 - (phase % 10);
          const step = Math.min(left, length - at);
          if (inDash) {
            const f0 = at / length;
            const f1 = (at + step) / length;
            this.segment(
              ax + (bx - ax) * f0,
              ay + (by - ay) * f0,
              ax + (bx - ax) * f1,
              ay + (by - ay) * f1,
              color,
              width,
            );
          }
          at += step;
          phase += step;
        }
      }
    } finally {
      this.drawn = undefined;
    }
  }

  /** Text with its baseline at y; anchor as in SVG. Characters outside ASCII print as '?'. */
  text(
    x: number,
    y: number,
    text: string,
    color: string,
    anchor: 'start' | 'middle' | 'end',
    bold = false,
  ): void {
    const font: BitmapFont = bold ? FONT_7X13_BOLD : FONT_6X13;
    const rgb = parseColor(color);
    const width = text.length * font.width;
    let left = Math.round(anchor === 'start' ? x : anchor === 'middle' ? x - width / 2 : x - width);
    const top = Math.round(y) - 10; // the fonts' ascent is 11 rows: baseline at row 10
    for (const ch of text) {
      const code = ch.codePointAt(0) ?? 63;
      const glyph = font.glyphs[code >= 32 && code <= 126 ? code - 32 : 31] as string;
      for (let row = 0; row < font.height; row++) {
        const bits = Number.parseInt(glyph.slice(row * 2, row * 2 + 2), 16);
        for (let col = 0; col < font.width; col++) {
          if ((bits >> (font.width - 1 - col)) & 1) this.blend(left + col, top + row, rgb, 1);
        }
      }
      left += font.width;
    }
  }
}

export function parseColor(color: string): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return [0, 0, 0];
  const n = Number.parseInt(hex, 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

export function rasterize(scene: Scene): Canvas {
  const canvas = new Canvas(scene.width, scene.height, scene.background);
  for (const item of scene.items) {
    if (item.kind === 'rect') canvas.fillRect(item.x, item.y, item.w, item.h, item.fill, item.opacity);
    else if (item.kind === 'line') canvas.polyline(item.points, item.color, item.width, item.dashed);
    else canvas.text(item.x, item.y, item.text, item.color, item.anchor, item.bold);
  }
  return canvas;
}
