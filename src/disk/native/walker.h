// The native disk walker's data: options, the entries it collects, and what it merges after the walk.
// walker.cc fills a Scan; addon.cc hands it to JavaScript. See walker.cc for the rules.
#ifndef HOG_DISK_WALKER_H
#define HOG_DISK_WALKER_H

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace hog {


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
  // stay on each root's mount, told by mount ID: a bind mount of the same filesystem is not entered
  bool one_mount = false;
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
  uint64_t mnt;  // the mount ID of that root (with one_mount)
};

struct Aggregate {
  int32_t entry;
  double apparent = 0, allocated = 0, count = 0, mtime = 0;
};

struct TopFile {
  double key;    // the size ranked: allocated, or apparent with by_apparent
  double other;  // the other size, to break ties
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
  // per directory, summed bottom-up after the walk (the same sums as DiskTree in src/disk/tree.ts)
  std::vector<int32_t> dir_entry;
  std::vector<double> dir_apparent, dir_allocated, dir_files, dir_dirs, dir_newest, dir_own_apparent,
      dir_own_allocated, dir_own_files;
  // progress, read by the main thread while the walk runs
  std::atomic<uint64_t> seen_files{0}, seen_dirs{0};
  std::atomic<double> seen_allocated{0}, seen_apparent{0};
  std::atomic<int32_t> current{-1};  // the directory being read, for progress
};

// The order of the largest files (see walker.cc); TopLess(a, b) is true when a ranks above b.
bool Above(double key, double other, double mtime, const char* name, const TopFile& b);
bool TopLess(const TopFile& a, const TopFile& b);

// The path of an entry; the caller holds scan.mutex while the walk runs.
std::string PathOf(const Scan& scan, int32_t index);

// The heap of the largest folded files (see walker.cc).
bool EntersTop(const Options& options, const std::vector<TopFile>& heap, double key, double other, double mtime,
               const char* name);
void PushTop(const Options& options, std::vector<TopFile>& heap, TopFile file);

// After the walk (totals.cc): one counted copy per hard-linked inode; per-directory totals.
void ResolveLinks(Scan& scan, std::vector<LinkRecord>& links);
void SumDirectories(Scan& scan);

// Walk every root of scan.options on scan.options.threads threads, then resolve hard links.
void Walk(Scan& scan);

}  // namespace hog

#endif
