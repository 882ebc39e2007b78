// hog's native disk walker: the scan behind `hog disk`, as a Node-API addon.
//
// Why native: a scan is one stat per entry, and the kernel does most of the work. A Node.js walk adds
// ~2 us of JavaScript per entry and runs on one thread; here each directory is read with getdents64
// and its entries stat'ed with fstatat relative to the open directory (no path lookups), on several
// threads sharing a stack of directories to visit. The result has the same shape as the pure
// JavaScript walker's (src/disk/jsWalker.ts), which is used when this addon was not built.
//
// Sizes follow du (GNU coreutils): apparent = st_size, allocated = st_blocks * 512; a file with
// several hard links is counted once (the copy with the smallest path owns it); with one_file_system
// an entry on another device is not counted at all (du -x).
//
// What is kept: every directory, and files up to keep_depth (all files when keep_depth < 0). Files
// deeper than that are folded into their directory's aggregate, and the largest of them are kept in a
// top-K heap, so a plain scan's memory grows with directories, not files.

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "walker.h"
#include "remove.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace hog {

// The order of the largest files: by size (the basis), then the other size, then newer first, then by
// name (bytes) — the same order as jsWalker.ts and scanReport.ts, so both walkers list the same files.
bool Above(double key, double other, double mtime, const char* name, const TopFile& b) {
  if (key != b.key) return key > b.key;
  if (other != b.other) return other > b.other;
  if (mtime != b.mtime) return mtime > b.mtime;
  return strcmp(name, b.name.c_str()) < 0;
}

// the heap's comparator: the front is the file every other ranks above
bool TopLess(const TopFile& a, const TopFile& b) { return Above(a.key, a.other, a.mtime, a.name.c_str(), b); }

// Would this file enter the heap? (Checked first, so most files never copy their name.)
bool EntersTop(const Options& options, const std::vector<TopFile>& heap, double key, double other, double mtime,
               const char* name) {
  if (options.top_files <= 0) return false;
  return static_cast<int>(heap.size()) < options.top_files || Above(key, other, mtime, name, heap.front());
}

void PushTop(const Options& options, std::vector<TopFile>& heap, TopFile file) {
  if (!EntersTop(options, heap, file.key, file.other, file.mtime, file.name.c_str())) return;
  if (static_cast<int>(heap.size()) < options.top_files) {
    heap.push_back(std::move(file));
    std::push_heap(heap.begin(), heap.end(), TopLess);
  } else {
    std::pop_heap(heap.begin(), heap.end(), TopLess);
    heap.back() = std::move(file);
    std::push_heap(heap.begin(), heap.end(), TopLess);
  }
}


namespace {


void AddAtomic(std::atomic<double>& target, double value) {
  double old = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(old, old + value, std::memory_order_relaxed)) {
  }
}

uint8_t KindOf(mode_t mode) {
  if (S_ISREG(mode)) return KIND_FILE;
  if (S_ISDIR(mode)) return KIND_DIR;
  if (S_ISLNK(mode)) return KIND_SYMLINK;
  return KIND_OTHER;
}

double MtimeOf(const struct stat& st) { return static_cast<double>(st.st_mtim.tv_sec); }

// Append one entry; the caller holds scan.mutex.
int32_t Append(Scan& scan, int32_t parent, const std::string& name, uint8_t kind, double apparent,
               double allocated, double mtime) {
  int32_t index = static_cast<int32_t>(scan.parent.size());
  scan.parent.push_back(parent);
  scan.kind.push_back(kind);
  scan.apparent.push_back(apparent);
  scan.allocated.push_back(allocated);
  scan.mtime.push_back(mtime);
  scan.name_start.push_back(static_cast<uint32_t>(scan.names.size()));
  scan.names.insert(scan.names.end(), name.begin(), name.end());
  return index;
}

// du's --exclude: the pattern is matched (fnmatch, no flags) against the name, and when it holds a
// slash, against the path and every part of it that follows a slash.
bool Excluded(const Options& options, const std::string& dir, const char* name) {
  for (const std::string& pattern : options.excludes) {
    if (fnmatch(pattern.c_str(), name, 0) == 0) return true;
  }
  if (!options.exclude_needs_path) return false;
  std::string path = dir + "/" + name;
  for (const std::string& pattern : options.excludes) {
    if (pattern.find('/') == std::string::npos) continue;
    if (fnmatch(pattern.c_str(), path.c_str(), 0) == 0) return true;
    for (size_t i = path.find('/'); i != std::string::npos; i = path.find('/', i + 1)) {
      if (fnmatch(pattern.c_str(), path.c_str() + i + 1, 0) == 0) return true;
    }
  }
  return false;
}

bool Skipped(const Options& options, uint64_t root_dev, uint64_t dev) {
  if (dev == root_dev) return false;
  if (options.one_file_system) return true;
  return std::find(options.skip_devs.begin(), options.skip_devs.end(), dev) != options.skip_devs.end();
}

// With one_mount: is this subdirectory the root of another mount (a bind mount of the same filesystem
// has the same st_dev, so only the mount ID tells)? One statx per directory (remove.cc's StatAt).
bool OtherMount(const Job& job, int dirfd, const char* name) {
  Identity id;
  return StatAt(dirfd, name, id) && id.mnt_id != job.mnt;
}

// Open a directory by its path; a path longer than PATH_MAX (a very deep tree) is opened one component
// at a time, each relative to the one before, as du does with its directory descriptors.
int OpenDirectory(const std::string& path) {
  const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd = open(path.c_str(), flags);
  if (fd >= 0 || errno != ENAMETOOLONG) return fd;
  fd = open(path[0] == '/' ? "/" : ".", flags);
  size_t start = path[0] == '/' ? 1 : 0;
  // components themselves are short (NAME_MAX); opened in runs that fit in PATH_MAX
  while (fd >= 0 && start < path.size()) {
    size_t stop = start;
    while (stop < path.size() && stop - start < 2048) {
      size_t slash = path.find('/', stop);
      size_t next = slash == std::string::npos ? path.size() : slash;
      if (next - start >= 2048 && stop > start) break;
      stop = next + 1;
    }
    if (stop > path.size()) stop = path.size();
    std::string run = path.substr(start, stop - start);
    while (!run.empty() && run.back() == '/') run.pop_back();
    int next = openat(fd, run.c_str(), flags);
    int saved = errno;
    close(fd);
    errno = saved;
    fd = next;
    start = stop;
  }
  return fd;
}

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// What listing one directory found, applied to the shared store by Work under one lock.
struct Listing {
  std::vector<Child> children;
  bool unreadable = false;
};

// A thread's buffers, reused from one directory to the next: getdents64's, and the names it returned
// with their inode numbers, to stat in inode order.
struct Scratch {
  std::vector<char> buffer = std::vector<char>(256 * 1024);
  std::vector<char> names;
  std::vector<std::pair<uint64_t, uint32_t>> entries;  // d_ino, offset of the name in `names`
};

// Read a directory's names (without . and .., nor what --exclude skips) into scratch.entries, sorted by
// inode number. Why sorted: with a cold cache each stat reads its inode from the inode table, and in
// inode order those reads go forward through the table, so the filesystem's readahead (ext4 reads 32
// blocks of it at once) serves most of them, and a disk with heads seeks less; GNU du's fts does the
// same for directories of more than 10,000 entries. (On the virtio disk of the benchmark machine,
// which the host caches, the difference was within the noise.) 0, or the errno of a failed read
// (what was read before it is kept).
int ListNames(const Options& options, const std::string& path, int fd, Scratch& scratch) {
  scratch.names.clear();
  scratch.entries.clear();
  int error = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, scratch.buffer.data(), scratch.buffer.size());
    if (n < 0) {
      error = errno;
      break;
    }
    if (n == 0) break;
    for (long offset = 0; offset < n;) {
      auto* entry = reinterpret_cast<linux_dirent64*>(scratch.buffer.data() + offset);
      offset += entry->d_reclen;
      const char* name = entry->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (!options.excludes.empty() && Excluded(options, path, name)) continue;
      scratch.entries.push_back({entry->d_ino, static_cast<uint32_t>(scratch.names.size())});
      scratch.names.insert(scratch.names.end(), name, name + strlen(name) + 1);
    }
  }
  std::sort(scratch.entries.begin(), scratch.entries.end());
  return error;
}

// List one directory: stat every entry, keep or fold files, append the kept children, queue subdirectories.
void VisitDirectory(Scan& scan, ThreadState& state, const Job& job, Scratch& scratch, Listing& out) {
  const Options& options = scan.options;
  scan.current.store(job.index, std::memory_order_relaxed);
  int fd = OpenDirectory(job.path);
  if (fd < 0) {
    // gone since its parent was listed (or replaced by a non-directory): nothing to count
    if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) {
      state.vanished++;
      return;
    }
    state.errors.push_back({job.index, errno, "open", ""});
    out.unreadable = true;
    return;
  }
  std::vector<Child>& children = out.children;
  Aggregate folded;
  folded.entry = job.index;
  bool keep_files = options.keep_depth < 0 || job.depth + 1 <= options.keep_depth;
  uint64_t files = 0, dirs = 0;
  double seen_alloc = 0, seen_app = 0;
  int stat_error = 0;
  int read_error = ListNames(options, job.path, fd, scratch);
  if (read_error != 0) state.errors.push_back({job.index, read_error, "read", ""});
  for (const auto& listed : scratch.entries) {
    const char* name = scratch.names.data() + listed.second;
    struct stat st;
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) state.vanished++;  // deleted while we listed the directory
      else stat_error = errno;
      continue;
    }
    uint8_t kind = KindOf(st.st_mode);
    double apparent = static_cast<double>(st.st_size);
    double allocated = static_cast<double>(st.st_blocks) * 512.0;
    double mtime = MtimeOf(st);
    uint64_t dev = st.st_dev;
    if (Skipped(options, job.dev, dev) || (options.one_mount && kind == KIND_DIR && OtherMount(job, fd, name))) {
      children.push_back({name, static_cast<uint8_t>(kind | FLAG_OTHER_FS), 0, 0, mtime, dev, st.st_ino, false});
      continue;
    }
    bool link = kind != KIND_DIR && st.st_nlink > 1;
    if (kind == KIND_DIR) dirs++;
    else files++;
    seen_alloc += allocated;
    seen_app += apparent;
    if (kind == KIND_DIR || keep_files) {
      children.push_back({name, kind, apparent, allocated, mtime, dev, st.st_ino, link});
    } else if (link) {
      state.links.push_back({dev, st.st_ino, -1, job.index, name, apparent, allocated, mtime});
    } else {
      folded.apparent += apparent;
      folded.allocated += allocated;
      folded.count += 1;
      folded.mtime = std::max(folded.mtime, mtime);
      double key = options.by_apparent ? apparent : allocated;
      double other = options.by_apparent ? allocated : apparent;
      if (EntersTop(options, state.top, key, other, mtime, name))
        PushTop(options, state.top, {key, other, job.index, name, apparent, allocated, mtime});
    }
  }
  close(fd);
  if (stat_error != 0) state.errors.push_back({job.index, stat_error, "stat", ""});
  if (folded.count > 0) state.aggregates.push_back(folded);
  scan.seen_files.fetch_add(files, std::memory_order_relaxed);
  scan.seen_dirs.fetch_add(dirs, std::memory_order_relaxed);
  AddAtomic(scan.seen_allocated, seen_alloc);
  AddAtomic(scan.seen_apparent, seen_app);
}

// Add what a listing found to the store and queue its subdirectories; the caller holds scan.mutex.
void Apply(Scan& scan, ThreadState& state, const Job& job, Listing& listing) {
  if (listing.unreadable) scan.kind[job.index] |= FLAG_UNREADABLE;
  for (const Child& child : listing.children) {
    uint8_t kind = child.kind;
    if (child.link) kind |= FLAG_HARDLINK;
    int32_t index = Append(scan, job.index, child.name, kind, child.apparent, child.allocated, child.mtime);
    if (child.link) state.links.push_back({child.dev, child.ino, index, job.index, "", child.apparent, child.allocated, child.mtime});
    if ((child.kind & 0x0f) == KIND_DIR && !(child.kind & FLAG_OTHER_FS)) {
      scan.stack.push_back({job.path == "/" ? "/" + child.name : job.path + "/" + child.name, index, job.depth + 1, job.dev, job.mnt});
    }
  }
}

// A worker: one lock per directory, to hand in what it found and take the next directory (the most
// recently queued: depth first, close to the one just read).
void Work(Scan& scan, ThreadState& state) {
  Scratch scratch;
  Listing listing;
  Job done;
  bool holding = false;
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(scan.mutex);
      if (holding) {
        Apply(scan, state, done, listing);
        scan.busy--;
        if (!scan.stack.empty() || scan.busy == 0) scan.wake.notify_all();
        holding = false;
      }
      scan.wake.wait(lock, [&] { return !scan.stack.empty() || scan.busy == 0; });
      if (scan.stack.empty()) return;
      job = std::move(scan.stack.back());
      scan.stack.pop_back();
      scan.busy++;
    }
    listing.children.clear();
    listing.unreadable = false;
    VisitDirectory(scan, state, job, scratch, listing);
    // a huge directory's names are not kept for the rest of the walk (16 threads could each hold one)
    if (scratch.names.capacity() > (4u << 20)) {
      std::vector<char>().swap(scratch.names);
      std::vector<std::pair<uint64_t, uint32_t>>().swap(scratch.entries);
    }
    done = std::move(job);
    holding = true;
  }
}

}  // namespace

// The mount ID of a root (followed when it is a symlink, as stat does), 0 when it cannot be read.
static uint64_t RootMount(const std::string& root) {
  int fd = open(root.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return 0;
  Identity id;
  bool ok = StatAt(fd, "", id);
  close(fd);
  return ok ? id.mnt_id : 0;
}

// Errors in the order of their paths, not in the order the threads met them: the same scan reports
// them the same way on 1 thread or 16 (a directory's read and stat errors stay in that order).
static void SortErrors(Scan& scan) {
  std::vector<std::pair<std::string, ErrorRecord>> keyed;
  keyed.reserve(scan.errors.size());
  for (ErrorRecord& e : scan.errors) keyed.emplace_back(e.entry >= 0 ? PathOf(scan, e.entry) : e.path, std::move(e));
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  scan.errors.clear();
  for (auto& k : keyed) scan.errors.push_back(std::move(k.second));
}

void Walk(Scan& scan) {
  const Options& options = scan.options;
  std::vector<LinkRecord> root_links;
  for (const std::string& root : options.roots) {
    struct stat st;
    if (stat(root.c_str(), &st) != 0) {
      scan.errors.push_back({-1, errno, "stat", root});
      continue;
    }
    uint8_t kind = KindOf(st.st_mode);
    bool link = kind != KIND_DIR && st.st_nlink > 1;
    int32_t index = Append(scan, -1, root, static_cast<uint8_t>(kind | (link ? FLAG_HARDLINK : 0)),
                           static_cast<double>(st.st_size), static_cast<double>(st.st_blocks) * 512.0, MtimeOf(st));
    if (link) root_links.push_back({st.st_dev, st.st_ino, index, -1, "", 0, 0, 0});
    if (kind == KIND_DIR) scan.stack.push_back({root, index, 0, static_cast<uint64_t>(st.st_dev), RootMount(root)});
  }
  int count = std::max(1, options.threads);
  scan.states.resize(count);
  std::vector<std::thread> threads;
  for (int i = 1; i < count; i++) {
    try {
      threads.emplace_back(Work, std::ref(scan), std::ref(scan.states[i]));
    } catch (const std::system_error&) {
      break;  // no more threads to be had (a ulimit, a cgroup's pids.max): walk with those started
    }
  }
  scan.options.threads = 1 + static_cast<int>(threads.size());
  Work(scan, scan.states[0]);
  for (std::thread& t : threads) t.join();

  std::vector<LinkRecord> links = std::move(root_links);
  for (ThreadState& state : scan.states) {
    for (TopFile& file : state.top) PushTop(options, scan.top, std::move(file));
    scan.aggregates.insert(scan.aggregates.end(), state.aggregates.begin(), state.aggregates.end());
    scan.errors.insert(scan.errors.end(), state.errors.begin(), state.errors.end());
    for (LinkRecord& r : state.links) links.push_back(std::move(r));
    scan.vanished += state.vanished;
  }
  scan.states.clear();
  SortErrors(scan);
  ResolveLinks(scan, links);
  SumDirectories(scan);
}


}  // namespace hog
