import { describe, expect, it } from 'vitest';
import { rankSites } from '../../src/profiler/allocationSites.js';
import { flameGraphHtml, toFlameTree } from '../../src/profiler/flameGraph.js';
import type { SampleNode } from '../../src/profiler/sampling.js';
import { renderSites } from '../../src/profiler/siteTable.js';

const node = (
  name: string,
  file: string,
  line: number,
  self: number,
  children: SampleNode[] = [],
): SampleNode => ({
  name,
  file,
  line,
  self,
  children,
});

const TREE = node('(root)', '', 0, 0, [
  node('main', '/app/main.ts', 1, 100, [
    node('load', '/app/load.ts', 10, 1000, [
      node('push', '', 0, 3000), // a builtin: counted at load
      node('readFileSync', 'node:fs', 400, 500), // Node's own code: counted at load
    ]),
    node('parse', '/app/node_modules/lib/index.js', 5, 400),
  ]),
  node('bootstrap', 'node:internal/bootstrap', 1, 200), // no program frame above: its own site
]);

describe('allocation sites', () => {
  it('ranks sites by bytes, counting builtins and Node.js internals at the calling program function', () => {
    const ranking = rankSites(TREE, { top: 10 });
    expect(ranking.totalBytes).toBe(5200);
    expect(ranking.sites.map((s) => [s.function, s.file, s.line, s.bytes])).toEqual([
      ['load', '/app/load.ts', 10, 4500],
      ['parse', '/app/node_modules/lib/index.js', 5, 400],
      ['bootstrap', 'node:internal/bootstrap', 1, 200],
      ['main', '/app/main.ts', 1, 100],
    ]);
    expect(ranking.sites[0]?.share).toBeCloseTo((100 * 4500) / 5200);
  });

  it('cuts at --top and says how much is left out', () => {
    const ranking = rankSites(TREE, { top: 2 });
    expect(ranking.sites).toHaveLength(2);
    expect(ranking).toMatchObject({ otherSites: 2, otherBytes: 300 });
    const text = renderSites(ranking, { churn: false, intervalBytes: 32768 }).join('\n');
    expect(text).toContain('4.4 KiB 86.5% load     /app/load.ts:10');
    expect(text).toContain('... and 2 more sites with 300 B');
    expect(text).toContain('still alive when the program ended');
  });

  it('says when nothing was sampled', () => {
    const text = renderSites(rankSites(null, { top: 5 }), { churn: true, intervalBytes: 1024 }).join('\n');
    expect(text).toContain('no allocation was sampled');
  });

  it('flame graph: totals per frame, and one self-contained HTML file', () => {
    const tree = toFlameTree(TREE);
    expect(tree.t).toBe(5200);
    expect(tree.c[0]).toMatchObject({ n: 'main', t: 5000 });
    const html = flameGraphHtml(node('(root)', '', 0, 0, [node('</script><b>', '/x.js', 1, 10)]), {
      title: 'a <title>\x1b[2J',
      churn: true,
    });
    expect(html).toContain('<title>a &lt;title&gt;\\x1b[2J</title>');
    expect(html).not.toContain('</script><b>'); // data cannot close the script element
    expect(html).toContain('\\u003c/script>\\u003cb>');
    expect(html).not.toMatch(/https?:\/\//);
  });
});

describe('flame graph page', () => {
  /** Run the page's scripts against a minimal DOM: frames drawn, zoom, search. */
  it('draws frames, zooms on click and highlights a search', () => {
    const html = flameGraphHtml(TREE, { title: 't', churn: false });
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
    interface Element {
      children: Element[];
      style: Record<string, string>;
      textContent: string;
      value: string;
      className: string;
      clientWidth: number;
      onclick?: () => void;
      oninput?: () => void;
      innerHTML: string;
      appendChild(child: Element): void;
    }
    const make = (): Element => ({
      children: [],
      style: {},
      textContent: '',
      value: '',
      className: '',
      clientWidth: 1000,
      set innerHTML(_: string) {
        this.children = [];
      },
      get innerHTML() {
        return '';
      },
      appendChild(child) {
        this.children.push(child);
      },
    });
    const elements = new Map<string, Element>();
    const document = {
      getElementById: (id: string) => elements.get(id) ?? elements.set(id, make()).get(id),
      createElement: make,
    };
    new Function('document', 'window', scripts)(document, { innerWidth: 1000 });
    const chart = document.getElementById('chart') as Element;
    expect(document.getElementById('total')?.textContent).toBe('5.1 KiB');
    const load = chart.children.find((c) => c.textContent.startsWith('load load.ts:10'));
    expect(load?.style.width).toBe(`${(1000 * 4500) / 5200}px`);
    load?.onclick?.();
    expect(document.getElementById('crumbs')?.textContent).toContain('zoomed: load');
    const search = document.getElementById('search') as Element;
    search.value = 'node_modules';
    search.oninput?.();
    expect(document.getElementById('match')?.textContent).toBe('matched: 400 B (7.7%)');
  });
});
