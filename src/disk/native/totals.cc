// After the walk: hard links resolved to one counted copy each, and every directory's totals summed
// bottom-up. Single-threaded, on the finished store.
#include <algorithm>
#include <string>
#include <vector>

#include "walker.h"

namespace hog {

// The path of an entry, from its root down (the caller keeps the store from growing meanwhile).
std::string PathOf(const Scan& scan, int32_t index) {
  std::vector<int32_t> chain;
  for (int32_t i = index; i >= 0; i = scan.parent[i]) chain.push_back(i);
  std::string path;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    uint32_t start = scan.name_start[*it];
    uint32_t end = static_cast<size_t>(*it + 1) < scan.name_start.size() ? scan.name_start[*it + 1]
                                                                          : static_cast<uint32_t>(scan.names.size());
    if (!path.empty() && path.back() != '/') path += '/';
    path.append(scan.names.data() + start, end - start);
  }
  return path;
}

// Hard links: each inode with several links in the scan is counted once, at the link with the smallest
// path (so the result does not depend on which thread saw which link first).
void ResolveLinks(Scan& scan, std::vector<LinkRecord>& links) {
  std::sort(links.begin(), links.end(), [](const LinkRecord& a, const LinkRecord& b) {
    return a.dev != b.dev ? a.dev < b.dev : a.ino < b.ino;
  });
  int32_t group = 0;
  for (size_t i = 0; i < links.size();) {
    size_t j = i;
    while (j < links.size() && links[j].dev == links[i].dev && links[j].ino == links[i].ino) j++;
    size_t owner = i;
    if (j - i > 1) {
      std::string best;
      for (size_t k = i; k < j; k++) {
        const LinkRecord& r = links[k];
        std::string path = r.entry >= 0 ? PathOf(scan, r.entry) : PathOf(scan, r.parent) + "/" + r.name;
        if (k == i || path < best) {
          best = path;
          owner = k;
        }
      }
    }
    scan.hardlinks++;
    for (size_t k = i; k < j; k++) {
      LinkRecord& r = links[k];
      if (r.entry >= 0) {
        scan.link_entry.push_back(r.entry);
        scan.link_group.push_back(group);
        if (k != owner) scan.kind[r.entry] = static_cast<uint8_t>((scan.kind[r.entry] & ~FLAG_HARDLINK) | FLAG_LINK_DUP);
      } else if (k == owner) {
        Aggregate a;
        a.entry = r.parent;
        a.apparent = r.apparent;
        a.allocated = r.allocated;
        a.count = 1;
        a.mtime = r.mtime;
        scan.aggregates.push_back(a);
        PushTop(scan.options, scan.top,
                {scan.options.by_apparent ? r.apparent : r.allocated, scan.options.by_apparent ? r.allocated : r.apparent,
                 r.parent, r.name, r.apparent, r.allocated, r.mtime});
      }
    }
    group++;
    i = j;
  }
}


// Totals of every directory: its own inode, the files folded into it, and everything below, in one
// backward pass (a parent always precedes its children). Mirrors DiskTree's constructor in tree.ts.
void SumDirectories(Scan& scan) {
  size_t n = scan.parent.size();
  std::vector<int32_t> slot(n, -1);
  for (size_t i = 0; i < n; i++) {
    if ((scan.kind[i] & 0x0f) != KIND_DIR) continue;
    slot[i] = static_cast<int32_t>(scan.dir_entry.size());
    scan.dir_entry.push_back(static_cast<int32_t>(i));
  }
  size_t dirs = scan.dir_entry.size();
  for (auto* v : {&scan.dir_apparent, &scan.dir_allocated, &scan.dir_files, &scan.dir_dirs, &scan.dir_newest,
                  &scan.dir_own_apparent, &scan.dir_own_allocated, &scan.dir_own_files}) {
    v->assign(dirs, 0.0);
  }
  auto counted = [&](size_t i) { return (scan.kind[i] & (FLAG_LINK_DUP | FLAG_OTHER_FS)) == 0; };
  for (size_t k = 0; k < dirs; k++) {
    size_t i = static_cast<size_t>(scan.dir_entry[k]);
    if (counted(i)) {
      scan.dir_apparent[k] = scan.apparent[i];
      scan.dir_allocated[k] = scan.allocated[i];
    }
    scan.dir_newest[k] = scan.mtime[i];
  }
  for (const Aggregate& a : scan.aggregates) {
    size_t k = static_cast<size_t>(slot[a.entry]);
    scan.dir_own_apparent[k] += a.apparent;
    scan.dir_own_allocated[k] += a.allocated;
    scan.dir_own_files[k] += a.count;
    scan.dir_apparent[k] += a.apparent;
    scan.dir_allocated[k] += a.allocated;
    scan.dir_files[k] += a.count;
    scan.dir_newest[k] = std::max(scan.dir_newest[k], a.mtime);
  }
  for (size_t i = n; i-- > 0;) {
    int32_t p = scan.parent[i];
    if (p < 0 || !counted(i)) continue;
    size_t pk = static_cast<size_t>(slot[p]);
    int32_t k = slot[i];
    if (k >= 0) {
      scan.dir_apparent[pk] += scan.dir_apparent[k];
      scan.dir_allocated[pk] += scan.dir_allocated[k];
      scan.dir_files[pk] += scan.dir_files[k];
      scan.dir_dirs[pk] += scan.dir_dirs[k] + 1;
      scan.dir_newest[pk] = std::max(scan.dir_newest[pk], scan.dir_newest[k]);
    } else {
      scan.dir_apparent[pk] += scan.apparent[i];
      scan.dir_allocated[pk] += scan.allocated[i];
      scan.dir_files[pk] += 1;
      scan.dir_own_apparent[pk] += scan.apparent[i];
      scan.dir_own_allocated[pk] += scan.allocated[i];
      scan.dir_own_files[pk] += 1;
      scan.dir_newest[pk] = std::max(scan.dir_newest[pk], scan.mtime[i]);
    }
  }
}

}  // namespace hog
