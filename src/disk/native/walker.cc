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

#define NAPI_VERSION 8
#include <node_api.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

// kind: the type in the low bits, flags above (mirrored in src/disk/scanTypes.ts)
enum : uint8_t {
  KIND_FILE = 0,
  KIND_DIR = 1,
  KIND_SYMLINK = 2,
  KIND_OTHER = 3,
  FLAG_UNREADABLE = 0x10,  // a directory whose contents could not be listed
  FLAG_LINK_DUP = 0x20,    // another hard link to the same inode is counted instead
  FLAG_OTHER_FS = 0x40,    // on another filesystem (one_file_system, or a pseudo filesystem): not counted
  FLAG_HARDLINK = 0x80,    // st_nlink > 1, counted here
};

struct Options {
  std::vector<std::string> roots;
  bool one_file_system = false;
  std::vector<std::string> excludes;
  bool exclude_needs_path = false;
  std::vector<uint64_t> skip_devs;  // pseudo filesystems (proc, sysfs...) never entered below a root
  int keep_depth = -1;
  int top_files = 0;
  bool by_apparent = false;
  int threads = 2;
};

struct Child {
  std::string name;
  uint8_t kind;
  double apparent, allocated, mtime;
  uint64_t dev, ino;
  bool link;  // st_nlink > 1 (not a directory)
};

struct Job {
  std::string path;
  int32_t index;
  int depth;
  uint64_t dev;  // the device of the root this job descends from
};

struct Aggregate {
  int32_t entry;
  double apparent = 0, allocated = 0, count = 0, mtime = 0;
};

struct TopFile {
  double key;
  int32_t parent;
  std::string name;
  double apparent, allocated, mtime;
};

struct LinkRecord {
  uint64_t dev, ino;
  int32_t entry;   // the kept entry, or -1 when the file was folded into its directory
  int32_t parent;  // for folded files
  std::string name;
  double apparent, allocated, mtime;
};

struct ErrorRecord {
  int32_t entry;
  int code;
  const char* op;
  std::string path;  // only when entry < 0 (a root that could not be read)
};

bool TopLess(const TopFile& a, const TopFile& b) { return a.key > b.key; }  // min-heap on key

struct ThreadState {
  std::vector<TopFile> top;  // a heap of at most top_files entries
  std::vector<LinkRecord> links;
  std::vector<Aggregate> aggregates;
  std::vector<ErrorRecord> errors;
  uint64_t vanished = 0;
};

struct Scan {
  Options options;
  // the entries, appended under `mutex`; a parent always precedes its children
  std::vector<int32_t> parent;
  std::vector<uint8_t> kind;
  std::vector<double> apparent, allocated, mtime;
  std::vector<uint32_t> name_start;
  std::vector<char> names;
  std::vector<Job> stack;
  int busy = 0;
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<ThreadState> states;
  // merged after the walk
  std::vector<TopFile> top;
  std::vector<Aggregate> aggregates;
  std::vector<ErrorRecord> errors;
  std::vector<int32_t> link_entry, link_group;
  uint64_t vanished = 0, hardlinks = 0;
  // progress, read by the main thread while the walk runs
  std::atomic<uint64_t> seen_files{0}, seen_dirs{0};
  std::atomic<double> seen_allocated{0}, seen_apparent{0};
  std::mutex current_mutex;
  std::string current;
  // the Node-API side
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  std::string failure;
};

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

// Would a file of this size enter the heap? (Checked first, so most files never copy their name.)
bool EntersTop(const Options& options, const std::vector<TopFile>& heap, double key) {
  if (options.top_files <= 0) return false;
  return static_cast<int>(heap.size()) < options.top_files || key > heap.front().key;
}

void PushTop(const Options& options, std::vector<TopFile>& heap, TopFile file) {
  if (!EntersTop(options, heap, file.key)) return;
  if (static_cast<int>(heap.size()) < options.top_files) {
    heap.push_back(std::move(file));
    std::push_heap(heap.begin(), heap.end(), TopLess);
  } else if (file.key > heap.front().key) {
    std::pop_heap(heap.begin(), heap.end(), TopLess);
    heap.back() = std::move(file);
    std::push_heap(heap.begin(), heap.end(), TopLess);
  }
}

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// List one directory: stat every entry, keep or fold files, append the kept children, queue subdirectories.
void VisitDirectory(Scan& scan, ThreadState& state, const Job& job, std::vector<char>& buffer) {
  const Options& options = scan.options;
  {
    std::lock_guard<std::mutex> lock(scan.current_mutex);
    scan.current = job.path;
  }
  int fd = open(job.path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    // gone since its parent was listed (or replaced by a non-directory): nothing to count
    if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) {
      state.vanished++;
      return;
    }
    state.errors.push_back({job.index, errno, "open", ""});
    std::lock_guard<std::mutex> lock(scan.mutex);
    scan.kind[job.index] |= FLAG_UNREADABLE;
    return;
  }
  std::vector<Child> children;
  Aggregate folded;
  folded.entry = job.index;
  bool keep_files = options.keep_depth < 0 || job.depth + 1 <= options.keep_depth;
  uint64_t files = 0, dirs = 0;
  double seen_alloc = 0, seen_app = 0;
  int stat_error = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buffer.data(), buffer.size());
    if (n < 0) {
      state.errors.push_back({job.index, errno, "read", ""});
      break;
    }
    if (n == 0) break;
    for (long offset = 0; offset < n;) {
      auto* entry = reinterpret_cast<linux_dirent64*>(buffer.data() + offset);
      offset += entry->d_reclen;
      const char* name = entry->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (!options.excludes.empty() && Excluded(options, job.path, name)) continue;
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
      if (Skipped(options, job.dev, dev)) {
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
        if (EntersTop(options, state.top, key))
          PushTop(options, state.top, {key, job.index, name, apparent, allocated, mtime});
      }
    }
  }
  close(fd);
  if (stat_error != 0) state.errors.push_back({job.index, stat_error, "stat", ""});
  if (folded.count > 0) state.aggregates.push_back(folded);
  scan.seen_files.fetch_add(files, std::memory_order_relaxed);
  scan.seen_dirs.fetch_add(dirs, std::memory_order_relaxed);
  AddAtomic(scan.seen_allocated, seen_alloc);
  AddAtomic(scan.seen_apparent, seen_app);

  std::lock_guard<std::mutex> lock(scan.mutex);
  for (const Child& child : children) {
    uint8_t kind = child.kind;
    if (child.link) kind |= FLAG_HARDLINK;
    int32_t index = Append(scan, job.index, child.name, kind, child.apparent, child.allocated, child.mtime);
    if (child.link) state.links.push_back({child.dev, child.ino, index, job.index, "", child.apparent, child.allocated, child.mtime});
    if ((child.kind & 0x0f) == KIND_DIR && !(child.kind & FLAG_OTHER_FS)) {
      scan.stack.push_back({job.path == "/" ? "/" + child.name : job.path + "/" + child.name, index, job.depth + 1, job.dev});
    }
  }
  if (!children.empty()) scan.wake.notify_all();
}

void Work(Scan& scan, ThreadState& state) {
  std::vector<char> buffer(256 * 1024);
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(scan.mutex);
      scan.wake.wait(lock, [&] { return !scan.stack.empty() || scan.busy == 0; });
      if (scan.stack.empty()) {
        scan.wake.notify_all();
        return;
      }
      job = std::move(scan.stack.back());
      scan.stack.pop_back();
      scan.busy++;
    }
    VisitDirectory(scan, state, job, buffer);
    {
      std::lock_guard<std::mutex> lock(scan.mutex);
      scan.busy--;
      if (scan.busy == 0 && scan.stack.empty()) scan.wake.notify_all();
    }
  }
}

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
                {scan.options.by_apparent ? r.apparent : r.allocated, r.parent, r.name, r.apparent, r.allocated, r.mtime});
      }
    }
    group++;
    i = j;
  }
}

void Execute(napi_env, void* data) {
  Scan& scan = *static_cast<Scan*>(data);
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
    if (kind == KIND_DIR) scan.stack.push_back({root, index, 0, static_cast<uint64_t>(st.st_dev)});
  }
  int count = std::max(1, options.threads);
  scan.states.resize(count);
  std::vector<std::thread> threads;
  for (int i = 1; i < count; i++) threads.emplace_back(Work, std::ref(scan), std::ref(scan.states[i]));
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
  ResolveLinks(scan, links);
}

// ---- Node-API glue ----

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, "HOG_NATIVE", "Node-API call failed: " #call); \
      return nullptr;                                                 \
    }                                                                 \
  } while (0)

template <typename T>
void FreeVector(napi_env, void*, void* hint) {
  delete static_cast<std::vector<T>*>(hint);
}

// Hand a vector to JavaScript as a typed array without copying it (the array owns the vector), or
// with one copy where external buffers are refused (V8's sandbox).
template <typename T>
napi_value TypedArray(napi_env env, std::vector<T>& values, napi_typedarray_type type) {
  size_t length = values.size();
  napi_value buffer, array;
  auto* owned = new std::vector<T>(std::move(values));
  if (length == 0 || napi_create_external_arraybuffer(env, owned->data(), length * sizeof(T), FreeVector<T>,
                                                      owned, &buffer) != napi_ok) {
    void* data = nullptr;
    if (napi_create_arraybuffer(env, length * sizeof(T), &data, &buffer) != napi_ok) {
      delete owned;
      return nullptr;
    }
    if (length > 0) memcpy(data, owned->data(), length * sizeof(T));
    delete owned;
  }
  if (napi_create_typedarray(env, type, length, buffer, 0, &array) != napi_ok) return nullptr;
  return array;
}

// A Node.js Buffer holding the bytes of `values` (names are bytes: they need not be valid UTF-8).
napi_value Bytes(napi_env env, std::vector<char>& values) {
  size_t length = values.size();
  napi_value result;
  auto* owned = new std::vector<char>(std::move(values));
  if (length == 0 || napi_create_external_buffer(env, length, owned->data(), FreeVector<char>, owned,
                                                 &result) != napi_ok) {
    napi_create_buffer_copy(env, length, owned->data(), nullptr, &result);
    delete owned;
  }
  return result;
}

napi_value Number(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

napi_value BufferOf(napi_env env, const std::string& text) {
  napi_value result;
  napi_create_buffer_copy(env, text.size(), text.data(), nullptr, &result);
  return result;
}

void Set(napi_env env, napi_value object, const char* key, napi_value value) {
  napi_set_named_property(env, object, key, value);
}

napi_value BuildResult(napi_env env, Scan& scan) {
  napi_value result;
  napi_create_object(env, &result);
  Set(env, result, "count", Number(env, static_cast<double>(scan.parent.size())));
  scan.name_start.push_back(static_cast<uint32_t>(scan.names.size()));
  Set(env, result, "parent", TypedArray(env, scan.parent, napi_int32_array));
  Set(env, result, "kind", TypedArray(env, scan.kind, napi_uint8_array));
  Set(env, result, "apparent", TypedArray(env, scan.apparent, napi_float64_array));
  Set(env, result, "allocated", TypedArray(env, scan.allocated, napi_float64_array));
  Set(env, result, "mtime", TypedArray(env, scan.mtime, napi_float64_array));
  Set(env, result, "nameStart", TypedArray(env, scan.name_start, napi_uint32_array));
  Set(env, result, "names", Bytes(env, scan.names));

  std::vector<int32_t> agg_entry;
  std::vector<double> agg_apparent, agg_allocated, agg_count, agg_mtime;
  for (const Aggregate& a : scan.aggregates) {
    agg_entry.push_back(a.entry);
    agg_apparent.push_back(a.apparent);
    agg_allocated.push_back(a.allocated);
    agg_count.push_back(a.count);
    agg_mtime.push_back(a.mtime);
  }
  napi_value aggregates;
  napi_create_object(env, &aggregates);
  Set(env, aggregates, "entry", TypedArray(env, agg_entry, napi_int32_array));
  Set(env, aggregates, "apparent", TypedArray(env, agg_apparent, napi_float64_array));
  Set(env, aggregates, "allocated", TypedArray(env, agg_allocated, napi_float64_array));
  Set(env, aggregates, "count", TypedArray(env, agg_count, napi_float64_array));
  Set(env, aggregates, "mtime", TypedArray(env, agg_mtime, napi_float64_array));
  Set(env, result, "aggregates", aggregates);

  napi_value links;
  napi_create_object(env, &links);
  Set(env, links, "entry", TypedArray(env, scan.link_entry, napi_int32_array));
  Set(env, links, "group", TypedArray(env, scan.link_group, napi_int32_array));
  Set(env, result, "links", links);

  napi_value top;
  napi_create_array_with_length(env, scan.top.size(), &top);
  std::sort(scan.top.begin(), scan.top.end(), [](const TopFile& a, const TopFile& b) { return a.key > b.key; });
  for (size_t i = 0; i < scan.top.size(); i++) {
    const TopFile& file = scan.top[i];
    napi_value item;
    napi_create_object(env, &item);
    Set(env, item, "parent", Number(env, file.parent));
    Set(env, item, "name", BufferOf(env, file.name));
    Set(env, item, "apparent", Number(env, file.apparent));
    Set(env, item, "allocated", Number(env, file.allocated));
    Set(env, item, "mtime", Number(env, file.mtime));
    napi_set_element(env, top, i, item);
  }
  Set(env, result, "topFiles", top);

  napi_value errors;
  napi_create_array_with_length(env, scan.errors.size(), &errors);
  for (size_t i = 0; i < scan.errors.size(); i++) {
    const ErrorRecord& e = scan.errors[i];
    napi_value item, code, op;
    napi_create_object(env, &item);
    Set(env, item, "entry", Number(env, e.entry));
    const char* name = strerrorname_np(e.code);
    napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &code);
    Set(env, item, "code", code);
    napi_create_string_utf8(env, e.op, NAPI_AUTO_LENGTH, &op);
    Set(env, item, "op", op);
    if (e.entry < 0) Set(env, item, "path", BufferOf(env, e.path));
    napi_set_element(env, errors, i, item);
  }
  Set(env, result, "errors", errors);
  Set(env, result, "vanished", Number(env, static_cast<double>(scan.vanished)));
  Set(env, result, "hardlinks", Number(env, static_cast<double>(scan.hardlinks)));
  Set(env, result, "threads", Number(env, scan.options.threads));
  return result;
}

void Complete(napi_env env, napi_status status, void* data) {
  Scan& scan = *static_cast<Scan*>(data);
  napi_value result = status == napi_ok ? BuildResult(env, scan) : nullptr;
  if (result != nullptr) {
    napi_resolve_deferred(env, scan.deferred, result);
  } else {
    napi_value message, error;
    napi_create_string_utf8(env, "native disk scan failed", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, nullptr, message, &error);
    napi_reject_deferred(env, scan.deferred, error);
  }
  napi_delete_async_work(env, scan.work);
  scan.work = nullptr;
}

void Finalize(napi_env, void* data, void*) {
  Scan* scan = static_cast<Scan*>(data);
  if (scan->work == nullptr) delete scan;  // otherwise the scan still runs; it is freed with the process
}

bool GetString(napi_env env, napi_value value, std::string& out) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) return false;
  out.resize(length);
  size_t written = 0;
  napi_get_value_string_utf8(env, value, out.data(), length + 1, &written);
  out.resize(written);
  return true;
}

napi_value Property(napi_env env, napi_value object, const char* key) {
  napi_value value = nullptr;
  napi_get_named_property(env, object, key, &value);
  return value;
}

bool GetStrings(napi_env env, napi_value array, std::vector<std::string>& out) {
  uint32_t length = 0;
  if (napi_get_array_length(env, array, &length) != napi_ok) return false;
  for (uint32_t i = 0; i < length; i++) {
    napi_value item;
    napi_get_element(env, array, i, &item);
    std::string text;
    if (!GetString(env, item, text)) return false;
    out.push_back(std::move(text));
  }
  return true;
}

// scan(options) -> { handle, done: Promise<result> }
napi_value StartScan(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  auto* scan = new Scan();
  Options& o = scan->options;
  napi_value options = argv[0];
  if (!GetStrings(env, Property(env, options, "roots"), o.roots) ||
      !GetStrings(env, Property(env, options, "excludes"), o.excludes)) {
    delete scan;
    napi_throw_type_error(env, nullptr, "roots and excludes must be arrays of strings");
    return nullptr;
  }
  for (const std::string& p : o.excludes) o.exclude_needs_path |= p.find('/') != std::string::npos;
  bool flag = false;
  napi_get_value_bool(env, Property(env, options, "oneFileSystem"), &flag);
  o.one_file_system = flag;
  flag = false;
  napi_get_value_bool(env, Property(env, options, "byApparent"), &flag);
  o.by_apparent = flag;
  int32_t number = 0;
  napi_get_value_int32(env, Property(env, options, "keepDepth"), &number);
  o.keep_depth = number;
  number = 0;
  napi_get_value_int32(env, Property(env, options, "topFiles"), &number);
  o.top_files = number;
  number = 2;
  napi_get_value_int32(env, Property(env, options, "threads"), &number);
  o.threads = std::max(1, std::min(number, 64));
  napi_value skip = Property(env, options, "skipDevs");
  uint32_t length = 0;
  if (skip != nullptr && napi_get_array_length(env, skip, &length) == napi_ok) {
    for (uint32_t i = 0; i < length; i++) {
      napi_value item;
      double dev = 0;
      napi_get_element(env, skip, i, &item);
      napi_get_value_double(env, item, &dev);
      o.skip_devs.push_back(static_cast<uint64_t>(dev));
    }
  }

  napi_value promise, name, handle, result;
  CHECK(napi_create_promise(env, &scan->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "hog-disk-scan", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, nullptr, name, Execute, Complete, scan, &scan->work));
  CHECK(napi_create_external(env, scan, Finalize, nullptr, &handle));
  CHECK(napi_queue_async_work(env, scan->work));
  CHECK(napi_create_object(env, &result));
  Set(env, result, "handle", handle);
  Set(env, result, "done", promise);
  return result;
}

// progress(handle) -> [files, directories, allocated bytes, apparent bytes, current directory]
napi_value Progress(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  void* data = nullptr;
  CHECK(napi_get_value_external(env, argv[0], &data));
  Scan& scan = *static_cast<Scan*>(data);
  std::string current;
  {
    std::lock_guard<std::mutex> lock(scan.current_mutex);
    current = scan.current;
  }
  napi_value result;
  CHECK(napi_create_array_with_length(env, 5, &result));
  napi_set_element(env, result, 0, Number(env, static_cast<double>(scan.seen_files.load())));
  napi_set_element(env, result, 1, Number(env, static_cast<double>(scan.seen_dirs.load())));
  napi_set_element(env, result, 2, Number(env, scan.seen_allocated.load()));
  napi_set_element(env, result, 3, Number(env, scan.seen_apparent.load()));
  napi_set_element(env, result, 4, BufferOf(env, current));
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  CHECK(napi_create_function(env, "scan", NAPI_AUTO_LENGTH, StartScan, nullptr, &fn));
  Set(env, exports, "scan", fn);
  CHECK(napi_create_function(env, "progress", NAPI_AUTO_LENGTH, Progress, nullptr, &fn));
  Set(env, exports, "progress", fn);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
