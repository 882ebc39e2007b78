// Race-free deletion below a root, for hog disk clean --apply and hog disk -i's d.
//
// A path is never resolved twice. The root is opened once; every directory under it is opened with
// openat(parent_fd, component, O_NOFOLLOW|O_DIRECTORY), so swapping a directory on the way for a
// symlink (renameat2 RENAME_EXCHANGE in a loop) makes the open fail instead of leading elsewhere. The
// entry itself is checked with statx(parent_fd, name, AT_SYMLINK_NOFOLLOW) — same device, inode and
// mtime as planned, same mount as the root — and then unlinked with unlinkat(parent_fd, name).
//
// Mounts are told apart by mount ID (statx STATX_MNT_ID, Linux 5.8; before that the mnt_id line of
// /proc/self/fdinfo, the same ID /proc/self/mountinfo lists), not by st_dev: a bind mount of the same
// filesystem inside the root has the root's st_dev, yet what is below it belongs elsewhere.
//
// Directories are emptied as systemd's rm_rf_children does: list by descriptor, statx each entry
// without following it, skip anything on another mount, open subdirectories O_NOFOLLOW and check the
// opened one is the one stat'ed, recurse on the descriptor, unlinkat relative to the parent.

#include "remove.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmath>
#include <string>

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

namespace hog {

namespace {

// HOG_DISK_MOUNT_ID=fdinfo makes hog use the fallback of kernels older than 5.8 (its tests use it).
bool ForceFdinfo() {
  static const bool force = [] {
    const char* value = getenv("HOG_DISK_MOUNT_ID");
    return value != nullptr && strcmp(value, "fdinfo") == 0;
  }();
  return force;
}

// The "mnt_id:" line of /proc/self/fdinfo/FD (Linux 3.15), 0 when it cannot be read.
uint64_t FdinfoMountId(int fd) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  int info = open(path, O_RDONLY | O_CLOEXEC);
  if (info < 0) return 0;
  char text[1024];
  ssize_t n = read(info, text, sizeof text - 1);
  close(info);
  if (n <= 0) return 0;
  text[n] = 0;
  const char* line = strstr(text, "mnt_id:");
  return line == nullptr ? 0 : strtoull(line + 7, nullptr, 10);
}

void CloseKeepingErrno(int fd) {
  int saved = errno;
  close(fd);
  errno = saved;
}

bool IsPlainName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

std::string Describe(int code) { return strerror(code); }

}  // namespace

bool StatAt(int dirfd, const char* name, Identity& out) {
  struct statx sx;
  int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | (name[0] == 0 ? AT_EMPTY_PATH : 0);
  if (statx(dirfd, name, flags, STATX_BASIC_STATS | STATX_MNT_ID, &sx) != 0) return false;
  out.dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
  out.ino = sx.stx_ino;
  out.mode = sx.stx_mode;
  out.nlink = sx.stx_nlink;
  out.blocks = sx.stx_blocks;
  out.size = static_cast<double>(sx.stx_size);
  // Node.js: mtimeMs = sec * 1e3 + nsec / 1e6 (lib/internal/fs/utils.js msFromTimeSpec)
  out.mtime_ms = static_cast<double>(sx.stx_mtime.tv_sec) * 1e3 + static_cast<double>(sx.stx_mtime.tv_nsec) / 1e6;
  if ((sx.stx_mask & STATX_MNT_ID) && !ForceFdinfo()) {
    out.mnt_id = sx.stx_mnt_id;
    return true;
  }
  if (name[0] == 0) {
    out.mnt_id = FdinfoMountId(dirfd);
  } else {
    int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return false;
    out.mnt_id = FdinfoMountId(fd);
    close(fd);
  }
  return true;
}

// Directories on the way are opened O_PATH: enough to resolve names relative to them, to statx and to
// unlinkat, and it needs only search permission (a 0711 home directory), not read permission.
const int kPathFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

int OpenDirectoryNoFollow(const std::string& path) {
  const int flags = kPathFlags;
  if (path.empty() || path[0] != '/') {
    errno = EINVAL;
    return -1;
  }
  int fd = open("/", flags);
  size_t start = 1;
  while (fd >= 0 && start < path.size()) {
    size_t slash = path.find('/', start);
    size_t end = slash == std::string::npos ? path.size() : slash;
    std::string part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      CloseKeepingErrno(fd);
      errno = EINVAL;
      return -1;
    }
    int next = openat(fd, part.c_str(), flags);
    CloseKeepingErrno(fd);
    fd = next;
  }
  return fd;
}

int OpenParent(int root_fd, const std::string& rel, const Bounds& bounds, std::string& name, RemoveResult& result) {
  const int flags = kPathFlags;
  int fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    result.code = errno;
    result.reason = "cannot duplicate the root's descriptor: " + Describe(errno);
    return -1;
  }
  size_t start = 0;
  for (;;) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) break;
    std::string part = rel.substr(start, slash - start);
    std::string upto = rel.substr(0, slash);
    start = slash + 1;
    if (!IsPlainName(part)) {
      close(fd);
      result.reason = "not a plain path below the root: " + rel;
      return -1;
    }
    int next = openat(fd, part.c_str(), flags);
    if (next < 0) {
      int code = errno;
      close(fd);
      result.code = code;
      if (code == ELOOP || code == ENOTDIR)
        result.reason = upto + " is no longer a directory (replaced by a symlink or a file): not followed";
      else if (code == ENOENT)
        result.reason = "gone (" + upto + " no longer exists)";
      else
        result.reason = "cannot open " + upto + ": " + Describe(code);
      return -1;
    }
    close(fd);
    fd = next;
    if (!bounds.cross_mounts) {
      Identity id;
      if (!StatAt(fd, "", id) || id.mnt_id != bounds.mnt_id) {
        close(fd);
        result.reason = upto + " is on another mount (a mount point inside the root): not crossed";
        return -1;
      }
    }
  }
  name = rel.substr(start);
  if (!IsPlainName(name)) {
    close(fd);
    result.reason = "not a plain path below the root: " + rel;
    return -1;
  }
  return fd;
}

std::string Mismatch(const Identity& id, const Expect& expect, const Bounds& bounds) {
  if (S_ISLNK(id.mode)) return "now a symlink: not followed";
  if (expect.type == 'f' && !S_ISREG(id.mode)) return "no longer a regular file";
  if (expect.type == 'd' && !S_ISDIR(id.mode)) return "no longer a directory";
  if (!bounds.cross_mounts && id.mnt_id != bounds.mnt_id) return "on another mount (a mount point inside the root): not crossed";
  if ((expect.dev != 0 || expect.ino != 0) && (id.dev != expect.dev || id.ino != expect.ino))
    return "replaced by another file since it was checked";
  if (expect.check_size && id.size != expect.size) return "changed since the plan (its size differs)";
  if (expect.check_mtime && std::floor(id.mtime_ms) != std::floor(expect.mtime_ms))
    return "changed since the plan (modified since)";
  return "";
}

namespace {

void Note(RemoveResult& result, int code, const std::string& what) {
  if (result.reason.empty()) {
    result.code = code;
    result.reason = what;
  }
}

// Remove everything in the directory `fd` (which the caller keeps open); rm_rf_children.
void RemoveChildren(int fd, const Identity& self, const Bounds& bounds, const std::string& where, RemoveResult& result) {
  int listing = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  DIR* dir = listing < 0 ? nullptr : fdopendir(listing);
  if (dir == nullptr) {
    if (listing >= 0) close(listing);
    Note(result, errno, "cannot list " + where + ": " + Describe(errno));
    return;
  }
  for (;;) {
    errno = 0;
    struct dirent* entry = readdir(dir);
    if (entry == nullptr) {
      if (errno != 0) Note(result, errno, "cannot list " + where + ": " + Describe(errno));
      break;
    }
    const char* name = entry->d_name;
    if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
    std::string path = where + "/" + name;
    Identity id;
    if (!StatAt(fd, name, id)) {
      if (errno != ENOENT) Note(result, errno, "cannot stat " + path + ": " + Describe(errno));
      continue;
    }
    // another mount below (a bind mount of the same filesystem included): left alone, as systemd does
    if (!bounds.cross_mounts && (id.mnt_id != bounds.mnt_id || id.dev != self.dev)) {
      result.kept++;
      Note(result, 0, path + " is on another mount: not crossed");
      continue;
    }
    if (S_ISDIR(id.mode)) {
      int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
      if (sub < 0) {
        if (errno != ENOENT) Note(result, errno, "cannot open " + path + ": " + Describe(errno));
        continue;
      }
      Identity opened;
      if (!StatAt(sub, "", opened) || opened.dev != id.dev || opened.ino != id.ino ||
          (!bounds.cross_mounts && opened.mnt_id != bounds.mnt_id)) {
        close(sub);
        Note(result, 0, path + " changed while it was removed: left alone");
        result.kept++;
        continue;
      }
      RemoveChildren(sub, opened, bounds, path, result);
      close(sub);
      if (unlinkat(fd, name, AT_REMOVEDIR) == 0) {
        result.directories++;
        result.bytes += static_cast<double>(id.blocks) * 512.0;
      } else if (errno != ENOENT && errno != ENOTEMPTY) {
        Note(result, errno, "cannot remove " + path + ": " + Describe(errno));
      }
    } else if (unlinkat(fd, name, 0) == 0) {
      result.files++;
      // a name whose inode has other links frees nothing
      if (id.nlink <= 1) result.bytes += static_cast<double>(id.blocks) * 512.0;
    } else if (errno != ENOENT) {
      Note(result, errno, "cannot remove " + path + ": " + Describe(errno));
    }
  }
  closedir(dir);
}

}  // namespace

RemoveResult RemoveAt(int dirfd, const std::string& name, const Expect& expect, const Bounds& bounds, bool recursive) {
  RemoveResult result;
  Identity id;
  if (!StatAt(dirfd, name.c_str(), id)) {
    result.code = errno;
    result.reason = errno == ENOENT ? "gone" : "cannot stat it: " + Describe(errno);
    return result;
  }
  std::string mismatch = Mismatch(id, expect, bounds);
  if (!mismatch.empty()) {
    result.reason = mismatch;
    return result;
  }
  if (!S_ISDIR(id.mode)) {
    if (unlinkat(dirfd, name.c_str(), 0) != 0) {
      result.code = errno;
      result.reason = errno == EBUSY ? "a mount point: not removed" : Describe(errno);
      return result;
    }
    result.removed = true;
    result.files = 1;
    result.bytes = id.nlink <= 1 ? static_cast<double>(id.blocks) * 512.0 : 0;
    return result;
  }
  if (!recursive) {
    result.reason = "a directory";
    return result;
  }
  int fd = openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    result.code = errno;
    result.reason = errno == ELOOP || errno == ENOTDIR ? "replaced by a symlink or a file: not followed"
                                                       : "cannot open it: " + Describe(errno);
    return result;
  }
  Identity opened;
  if (!StatAt(fd, "", opened) || opened.dev != id.dev || opened.ino != id.ino || opened.mnt_id != id.mnt_id) {
    close(fd);
    result.reason = "replaced by another directory while it was opened";
    return result;
  }
  RemoveChildren(fd, opened, bounds, name, result);
  close(fd);
  // the name must still be the directory just emptied
  Identity again;
  if (!StatAt(dirfd, name.c_str(), again) || again.dev != id.dev || again.ino != id.ino) {
    Note(result, 0, "replaced by another entry while its contents were removed");
    return result;
  }
  if (unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) == 0) {
    result.removed = true;
    result.directories++;
    result.bytes += static_cast<double>(id.blocks) * 512.0;
  } else if (errno == ENOTEMPTY || errno == EEXIST) {
    Note(result, errno, "not empty: what it still holds was left alone");
  } else {
    Note(result, errno, errno == EBUSY ? "a mount point: not removed" : Describe(errno));
  }
  return result;
}

int OpenFileChecked(int dirfd, const std::string& name, const Expect& expect, const Bounds& bounds,
                    RemoveResult& result) {
  int fd = openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    result.code = errno;
    result.reason = errno == ENOENT ? "gone" : errno == ELOOP ? "now a symlink: not followed" : Describe(errno);
    return -1;
  }
  Identity id;
  if (!StatAt(fd, "", id)) {
    result.code = errno;
    result.reason = Describe(errno);
    close(fd);
    return -1;
  }
  std::string mismatch = Mismatch(id, expect, bounds);
  if (!mismatch.empty()) {
    result.reason = mismatch;
    close(fd);
    return -1;
  }
  // back to blocking reads (O_NONBLOCK only kept the open from hanging on a FIFO put in its place)
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

}  // namespace hog
