/**
 * `hog profile --sample -o flame.html`: one self-contained HTML file — the sampled call tree as JSON and
 * a small renderer in plain JavaScript, no network, no external files — that opens offline in any
 * browser. Frames are drawn root on top (as Chrome DevTools draws them), width proportional to the
 * bytes allocated in the frame and below it. Hover for the numbers, click a frame to zoom into it,
 * click the top bar to zoom out, type in the search box to highlight functions or files.
 */
import { escapeXml } from '../render/svg.js';
import type { SampleNode } from './sampling.js';

/** Compact node for the page: name, file, line, self bytes, total bytes, children. */
export interface FlameNode {
  n: string;
  f: string;
  l: number;
  s: number;
  t: number;
  c: FlameNode[];
}

export function toFlameTree(node: SampleNode): FlameNode {
  const children = node.children.map(toFlameTree).filter((c) => c.t > 0);
  children.sort((a, b) => b.t - a.t);
  const total = node.self + children.reduce((sum, c) => sum + c.t, 0);
  return { n: node.name, f: node.file, l: node.line, s: node.self, t: total, c: children };
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function flameGraphHtml(root: SampleNode, options: { title: string; churn: boolean }): string {
  const tree = toFlameTree(root);
  const subtitle = options.churn
    ? 'bytes allocated, including objects already collected (churn)'
    : 'bytes allocated in objects still alive at the end';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(options.title)}</title>
<style>
body { font: 12px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fff; }
header { padding: 8px 12px; border-bottom: 1px solid #ddd; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 14px; margin: 0; }
#search { width: 220px; padding: 2px 6px; }
#chart { position: relative; margin: 8px 12px; }
.frame { position: absolute; height: 17px; overflow: hidden; white-space: nowrap; box-sizing: border-box;
  border: 1px solid rgba(255,255,255,.7); padding: 0 3px; cursor: pointer; font: 11px/15px ui-monospace, monospace; }
.frame.dim { opacity: .35; }
.frame.hit { outline: 2px solid #7b1fa2; outline-offset: -2px; }
#tip { position: fixed; pointer-events: none; background: #222; color: #fff; padding: 6px 8px; border-radius: 4px;
  font: 11px/1.4 ui-monospace, monospace; display: none; max-width: 60ch; z-index: 2; }
#crumbs { color: #555; }
</style>
</head>
<body>
<header>
  <h1>${escapeXml(options.title)}</h1>
  <span>${escapeXml(subtitle)}: <b id="total"></b></span>
  <input id="search" placeholder="search function or file">
  <span id="match"></span>
  <span id="crumbs"></span>
</header>
<div id="chart"></div>
<div id="tip"></div>
<script>const DATA = ${scriptJson(tree)};</script>
<script>
${CLIENT}
</script>
</body>
</html>
`;
}

// The page's renderer, plain browser JavaScript (it runs in the browser, not in Node.js).
const CLIENT = String.raw`
(function () {
  var ROW = 18;
  var chart = document.getElementById('chart');
  var tip = document.getElementById('tip');
  var search = document.getElementById('search');
  var focus = DATA;
  var parents = new Map();
  (function link(node) { node.c.forEach(function (c) { parents.set(c, node); link(c); }); })(DATA);

  function bytes(n) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? Math.round(n) : n.toFixed(1)) + ' ' + units[i];
  }
  function base(file) { return file.indexOf('node:') === 0 ? file : file.split('/').pop(); }
  function where(node) { return node.f ? base(node.f) + (node.l ? ':' + node.l : '') : '(native)'; }
  function color(node) {
    if (!node.f) return '#cfd8dc';
    if (node.f.indexOf('node:') === 0) return '#b0bec5';
    var h = 0;
    for (var i = 0; i < node.f.length; i++) h = (h * 31 + node.f.charCodeAt(i)) >>> 0;
    return 'hsl(' + (10 + (h % 40)) + ', 85%, ' + (58 + (h % 17)) + '%)';
  }
  function depthOf(node) { var d = 0; while (parents.has(node)) { node = parents.get(node); d++; } return d; }
  function matches(node, q) {
    return q !== '' && (node.n.toLowerCase().indexOf(q) >= 0 || node.f.toLowerCase().indexOf(q) >= 0);
  }

  function render() {
    chart.innerHTML = '';
    var width = chart.clientWidth || 1000;
    var q = search.value.trim().toLowerCase();
    var matched = 0;
    var maxDepth = 0;
    // ancestors of the focused frame: full width bars on top
    var chain = [];
    for (var a = focus; a; a = parents.get(a)) chain.unshift(a);
    chain.forEach(function (node, i) { draw(node, 0, width, i, q, true); });
    var top = chain.length - 1;
    (function count(node) {
      if (matches(node, q)) matched += node.t;
      else node.c.forEach(count);
    })(DATA);
    (function layout(node, x, w, depth) {
      if (depth > top) draw(node, x, w, depth, q, false);
      maxDepth = Math.max(maxDepth, depth);
      var offset = x + (w * node.s) / Math.max(node.t, 1);
      node.c.forEach(function (c) {
        var cw = (w * c.t) / Math.max(node.t, 1);
        if (cw >= 0.5) layout(c, offset, cw, depth + 1);
        offset += cw;
      });
    })(focus, 0, width, top);
    chart.style.height = (maxDepth + 2) * ROW + 'px';
    document.getElementById('total').textContent = bytes(DATA.t);
    document.getElementById('match').textContent = q ? 'matched: ' + bytes(matched) + ' (' + (100 * matched / Math.max(DATA.t, 1)).toFixed(1) + '%)' : '';
    document.getElementById('crumbs').textContent = focus === DATA ? '' : 'zoomed: ' + focus.n + ' (click the top bar to zoom out)';
  }
  function draw(node, x, w, depth, q, ancestor) {
    var el = document.createElement('div');
    el.className = 'frame' + (ancestor && node !== focus ? ' dim' : '') + (matches(node, q) ? ' hit' : '');
    el.style.left = x + 'px';
    el.style.width = Math.max(w, 1) + 'px';
    el.style.top = depth * ROW + 'px';
    el.style.background = color(node);
    el.textContent = w > 40 ? node.n + ' ' + where(node) : '';
    el.onclick = function () { focus = ancestor ? (parents.get(focus) && node === focus ? parents.get(focus) : node) : node; render(); };
    el.onmousemove = function (e) {
      tip.style.display = 'block';
      tip.style.left = Math.min(e.clientX + 12, window.innerWidth - 320) + 'px';
      tip.style.top = e.clientY + 14 + 'px';
      tip.textContent = node.n + '\n' + (node.f || '(native code)') + (node.l ? ':' + node.l : '') +
        '\ntotal ' + bytes(node.t) + ' (' + (100 * node.t / Math.max(DATA.t, 1)).toFixed(1) + '%)' +
        '\nself  ' + bytes(node.s) + '\ndepth ' + depthOf(node);
      tip.style.whiteSpace = 'pre';
    };
    el.onmouseleave = function () { tip.style.display = 'none'; };
    chart.appendChild(el);
  }
  search.oninput = render;
  window.onresize = render;
  render();
})();
`;
