// Race-free deletion below a chosen root (remove.cc): every directory is opened by descriptor from the
// root with O_NOFOLLOW|O_DIRECTORY, the entry is checked with statx right before unlinkat relative to
// its parent's descriptor, and mounts are told apart by mount ID (not st_dev: a bind mount of the same
// filesystem has the same st_dev). addon.cc hands these to JavaScript.
#ifndef HOG_DISK_REMOVE_H
#define HOG_DISK_REMOVE_H

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace hog {

struct Identity {
  uint64_t dev = 0, ino = 0, mnt_id = 0, blocks = 0, nlink = 0;
  double size = 0;
  double mtime_ms = 0;  // computed as Node.js computes Stats.mtimeMs, so both compare exactly
  mode_t mode = 0;
};

// What the caller expects to find; zero/negative fields are not checked.
struct Expect {
  uint64_t dev = 0, ino = 0;
  bool check_mtime = false, check_size = false;
  double mtime_ms = 0, size = 0;
  char type = 'a';  // 'f' regular file, 'd' directory, 'a' anything but a symlink
};

struct Bounds {
  uint64_t mnt_id = 0;  // the root's mount
  bool cross_mounts = false;
};

struct RemoveResult {
  bool removed = false;
  std::string reason;  // why nothing (or not everything) was removed
  int code = 0;        // errno behind the reason, 0 when it was a check
  double files = 0, directories = 0, bytes = 0, kept = 0;
};

// statx of dirfd/name (name "" = dirfd itself) without following a symlink, with the mount ID.
bool StatAt(int dirfd, const char* name, Identity& out);

// Open an absolute path from "/" one component at a time, never following a symlink. -1 and errno.
int OpenDirectoryNoFollow(const std::string& path);

// Open the directory that holds `rel` (below root_fd), component by component; `name` gets the last
// component. Returns the fd, or -1 with result.reason/code set.
int OpenParent(int root_fd, const std::string& rel, const Bounds& bounds, std::string& name, RemoveResult& result);

// Check dirfd/name against `expect` and `bounds`; an empty string when it matches, else why not.
std::string Mismatch(const Identity& id, const Expect& expect, const Bounds& bounds);

// Re-check dirfd/name, then unlink it (recursive: a directory with all it holds, rm_rf_children-style).
RemoveResult RemoveAt(int dirfd, const std::string& name, const Expect& expect, const Bounds& bounds, bool recursive);

// Open dirfd/name read-only (O_NOFOLLOW) and check the opened file is what `expect` says.
int OpenFileChecked(int dirfd, const std::string& name, const Expect& expect, const Bounds& bounds,
                    RemoveResult& result);

}  // namespace hog

#endif
