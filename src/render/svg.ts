/** A chart scene (chartScene.ts) as an SVG document. */
import type { Scene, SceneItem } from './chartScene.js';
import { terminalText } from './terminalText.js';

/**
 * Text for SVG and HTML: markup characters as entities, and control characters as the same visible
 * escapes as on a terminal (terminalText.ts). XML 1.0 has no form at all for most C0 controls, not
 * even &#27;: one ESC in a process title would make the whole SVG unreadable.
 */
export function escapeXml(text: string): string {
  return terminalText(text).replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

const num = (n: number) => String(Math.round(n * 10) / 10);

function item(i: SceneItem): string {
  switch (i.kind) {
    case 'line':
      return `<polyline fill="none" stroke="${i.color}" stroke-width="${i.width}"${i.dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round" points="${i.points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ')}"/>`;
    case 'rect':
      return `<rect x="${num(i.x)}" y="${num(i.y)}" width="${num(i.w)}" height="${num(i.h)}" fill="${i.fill}" fill-opacity="${i.opacity}"/>`;
    case 'text':
      return `<text x="${num(i.x)}" y="${num(i.y)}" fill="${i.color}" text-anchor="${i.anchor}"${i.bold ? ' font-weight="bold"' : ''}>${escapeXml(i.text)}</text>`;
  }
}

export function sceneToSvg(scene: Scene): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="${scene.background}"/>`,
    ...scene.items.map(item),
    '</svg>',
    '',
  ].join('\n');
}
