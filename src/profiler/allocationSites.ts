/**
 * Top allocation sites from a sampled call tree (`hog profile --sample`): bytes per function, at its
 * file:line in the original source, and its share of all sampled bytes — Chrome DevTools' "Allocation
 * sampling" bottom-up view. What V8 builtins, native code and Node.js's own modules allocate on behalf
 * of a function (Array.prototype.push growing an array, fs reading a file) is counted at the nearest
 * caller in the program's own files, which is where the user can change something.
 */
import type { SampleNode } from './sampling.js';

export interface AllocationSite {
  function: string;
  file: string;
  line: number;
  bytes: number;
  /** Percent of all sampled bytes. */
  share: number;
}

export interface SiteRanking {
  totalBytes: number;
  sites: AllocationSite[];
  /** Sites beyond --top, and their bytes. */
  otherSites: number;
  otherBytes: number;
}

/** Code the user did not write: V8 builtins and native code (no file), Node.js internals. */
function isProgramFile(file: string): boolean {
  return file !== '' && !file.startsWith('node:') && !file.startsWith('internal/');
}

export function rankSites(root: SampleNode | null, options: { top: number }): SiteRanking {
  const bySite = new Map<string, AllocationSite>();
  let total = 0;
  const visit = (node: SampleNode, owner: SampleNode | undefined): void => {
    const here = isProgramFile(node.file) ? node : (owner ?? (node.file !== '' ? node : undefined));
    if (node.self > 0) {
      total += node.self;
      const site = here ?? node;
      const id = `${site.file}\0${site.line}\0${site.name}`;
      const entry = bySite.get(id) ?? {
        function: site.name,
        file: site.file,
        line: site.line,
        bytes: 0,
        share: 0,
      };
      entry.bytes += node.self;
      bySite.set(id, entry);
    }
    const nextOwner = isProgramFile(node.file) ? node : owner;
    for (const child of node.children) visit(child, nextOwner);
  };
  if (root) visit(root, undefined);
  const all = [...bySite.values()].sort((a, b) => b.bytes - a.bytes);
  for (const site of all) site.share = total > 0 ? (100 * site.bytes) / total : 0;
  const sites = all.slice(0, options.top);
  const rest = all.slice(options.top);
  return {
    totalBytes: total,
    sites,
    otherSites: rest.length,
    otherBytes: rest.reduce((sum, s) => sum + s.bytes, 0),
  };
}
