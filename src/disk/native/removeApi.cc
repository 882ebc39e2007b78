// Node-API glue of remove.cc. Descriptors cross into JavaScript as numbers (the caller closes them with
// fs.closeSync); names and paths as Buffers (bytes: they need not be UTF-8). A refusal is a value
// ({ reason, errno }), not an exception: the caller logs it and goes on with the next action.
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "remove.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

namespace hog {

namespace {

napi_value Num(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

napi_value Str(napi_env env, const std::string& text) {
  napi_value result;
  napi_create_string_utf8(env, text.data(), text.size(), &result);
  return result;
}

void Put(napi_env env, napi_value object, const char* key, napi_value value) {
  napi_set_named_property(env, object, key, value);
}

napi_value Get(napi_env env, napi_value object, const char* key) {
  napi_value value = nullptr;
  napi_get_named_property(env, object, key, &value);
  return value;
}

double GetNumber(napi_env env, napi_value object, const char* key, double fallback) {
  napi_value value = Get(env, object, key);
  napi_valuetype type;
  if (value == nullptr || napi_typeof(env, value, &type) != napi_ok || type != napi_number) return fallback;
  double number = fallback;
  napi_get_value_double(env, value, &number);
  return number;
}

bool GetBool(napi_env env, napi_value object, const char* key) {
  bool flag = false;
  napi_get_value_bool(env, Get(env, object, key), &flag);
  return flag;
}

// Bytes of a Buffer (or the UTF-8 of a string).
bool GetBytes(napi_env env, napi_value value, std::string& out) {
  bool is_buffer = false;
  napi_is_buffer(env, value, &is_buffer);
  if (is_buffer) {
    void* data = nullptr;
    size_t length = 0;
    if (napi_get_buffer_info(env, value, &data, &length) != napi_ok) return false;
    out.assign(static_cast<const char*>(data), length);
  } else {
    size_t length = 0;
    if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) return false;
    out.resize(length + 1);
    napi_get_value_string_utf8(env, value, out.data(), length + 1, &length);
    out.resize(length);
  }
  return out.find('\0') == std::string::npos;
}

bool Args(napi_env env, napi_callback_info info, size_t want, napi_value* argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < want) {
    napi_throw_type_error(env, nullptr, "missing arguments");
    return false;
  }
  return true;
}

int GetFd(napi_env env, napi_value value) {
  int32_t fd = -1;
  napi_get_value_int32(env, value, &fd);
  return fd;
}

Bounds GetBounds(napi_env env, napi_value object) {
  Bounds bounds;
  bounds.mnt_id = static_cast<uint64_t>(GetNumber(env, object, "mountId", 0));
  bounds.cross_mounts = GetBool(env, object, "crossMounts");
  return bounds;
}

Expect GetExpect(napi_env env, napi_value object) {
  Expect expect;
  expect.dev = static_cast<uint64_t>(GetNumber(env, object, "dev", 0));
  expect.ino = static_cast<uint64_t>(GetNumber(env, object, "ino", 0));
  double mtime = GetNumber(env, object, "mtimeMs", -1);
  expect.check_mtime = mtime >= 0;
  expect.mtime_ms = mtime;
  double size = GetNumber(env, object, "size", -1);
  expect.check_size = size >= 0;
  expect.size = size;
  std::string type;
  napi_value t = Get(env, object, "type");
  if (t != nullptr && GetBytes(env, t, type) && !type.empty()) expect.type = type[0];
  return expect;
}

napi_value Throw(napi_env env, int code, const std::string& what) {
  napi_value message, error;
  napi_create_string_utf8(env, what.c_str(), what.size(), &message);
  napi_create_error(env, nullptr, message, &error);
  Put(env, error, "errno", Num(env, code));
  napi_throw(env, error);
  return nullptr;
}

napi_value Refusal(napi_env env, const RemoveResult& r) {
  napi_value result;
  napi_create_object(env, &result);
  Put(env, result, "reason", Str(env, r.reason));
  Put(env, result, "errno", Num(env, r.code));
  return result;
}

napi_value IdentityValue(napi_env env, const Identity& id) {
  napi_value result;
  napi_create_object(env, &result);
  Put(env, result, "dev", Num(env, static_cast<double>(id.dev)));
  Put(env, result, "ino", Num(env, static_cast<double>(id.ino)));
  Put(env, result, "mountId", Num(env, static_cast<double>(id.mnt_id)));
  Put(env, result, "mode", Num(env, id.mode));
  Put(env, result, "nlink", Num(env, static_cast<double>(id.nlink)));
  Put(env, result, "size", Num(env, id.size));
  Put(env, result, "blocks", Num(env, static_cast<double>(id.blocks)));
  Put(env, result, "mtimeMs", Num(env, id.mtime_ms));
  return result;
}

// openRoot(path) -> { fd, ...identity }: an absolute path opened from "/" without following symlinks
napi_value OpenRoot(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv)) return nullptr;
  std::string path;
  if (!GetBytes(env, argv[0], path)) return Throw(env, EINVAL, "bad path");
  int fd = OpenDirectoryNoFollow(path);
  if (fd < 0) return Throw(env, errno, "cannot open " + path);
  Identity id;
  if (!StatAt(fd, "", id)) {
    int code = errno;
    close(fd);
    return Throw(env, code, "cannot stat " + path);
  }
  napi_value result = IdentityValue(env, id);
  Put(env, result, "fd", Num(env, fd));
  return result;
}

// openParent(rootFd, rel, bounds) -> { fd, name } | { reason, errno }
napi_value OpenParentApi(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!Args(env, info, 3, argv)) return nullptr;
  std::string rel, name;
  if (!GetBytes(env, argv[1], rel)) return Throw(env, EINVAL, "bad path");
  RemoveResult refusal;
  int fd = OpenParent(GetFd(env, argv[0]), rel, GetBounds(env, argv[2]), name, refusal);
  if (fd < 0) return Refusal(env, refusal);
  napi_value result, bytes;
  napi_create_object(env, &result);
  Put(env, result, "fd", Num(env, fd));
  napi_create_buffer_copy(env, name.size(), name.data(), nullptr, &bytes);
  Put(env, result, "name", bytes);
  return result;
}

// statAt(dirFd, name) -> identity | { reason, errno }
napi_value StatAtApi(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!Args(env, info, 2, argv)) return nullptr;
  std::string name;
  if (!GetBytes(env, argv[1], name)) return Throw(env, EINVAL, "bad name");
  Identity id;
  if (!StatAt(GetFd(env, argv[0]), name.c_str(), id)) {
    RemoveResult r;
    r.code = errno;
    r.reason = errno == ENOENT ? "gone" : "cannot stat it";
    return Refusal(env, r);
  }
  return IdentityValue(env, id);
}

// removeAt(dirFd, name, expect, bounds, recursive) -> { removed, reason, errno, files, directories, bytes, kept }
napi_value RemoveAtApi(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!Args(env, info, 5, argv)) return nullptr;
  std::string name;
  if (!GetBytes(env, argv[1], name) || name.empty() || name.find('/') != std::string::npos)
    return Throw(env, EINVAL, "bad name");
  bool recursive = false;
  napi_get_value_bool(env, argv[4], &recursive);
  RemoveResult r = RemoveAt(GetFd(env, argv[0]), name, GetExpect(env, argv[2]), GetBounds(env, argv[3]), recursive);
  napi_value result, removed;
  napi_create_object(env, &result);
  napi_get_boolean(env, r.removed, &removed);
  Put(env, result, "removed", removed);
  Put(env, result, "reason", Str(env, r.reason));
  Put(env, result, "errno", Num(env, r.code));
  Put(env, result, "files", Num(env, r.files));
  Put(env, result, "directories", Num(env, r.directories));
  Put(env, result, "bytes", Num(env, r.bytes));
  Put(env, result, "kept", Num(env, r.kept));
  return result;
}

// openFileAt(dirFd, name, expect, bounds) -> { fd } | { reason, errno }
napi_value OpenFileAtApi(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!Args(env, info, 4, argv)) return nullptr;
  std::string name;
  if (!GetBytes(env, argv[1], name)) return Throw(env, EINVAL, "bad name");
  RemoveResult refusal;
  int fd = OpenFileChecked(GetFd(env, argv[0]), name, GetExpect(env, argv[2]), GetBounds(env, argv[3]), refusal);
  if (fd < 0) return Refusal(env, refusal);
  napi_value result;
  napi_create_object(env, &result);
  Put(env, result, "fd", Num(env, fd));
  return result;
}

// createAt(dirFd, name, mode) -> fd: a new file (O_EXCL, never through a symlink)
napi_value CreateAtApi(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!Args(env, info, 3, argv)) return nullptr;
  std::string name;
  if (!GetBytes(env, argv[1], name)) return Throw(env, EINVAL, "bad name");
  int32_t mode = 0600;
  napi_get_value_int32(env, argv[2], &mode);
  int fd = openat(GetFd(env, argv[0]), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  static_cast<mode_t>(mode & 07777));
  if (fd < 0) return Throw(env, errno, "cannot create " + name);
  return Num(env, fd);
}

// renameAt(dirFd, from, to): within one directory, never replacing an existing `to`
napi_value RenameAtApi(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!Args(env, info, 3, argv)) return nullptr;
  std::string from, to;
  if (!GetBytes(env, argv[1], from) || !GetBytes(env, argv[2], to)) return Throw(env, EINVAL, "bad name");
  int fd = GetFd(env, argv[0]);
  if (syscall(SYS_renameat2, fd, from.c_str(), fd, to.c_str(), RENAME_NOREPLACE) != 0)
    return Throw(env, errno, "cannot rename " + from + " to " + to);
  return nullptr;
}

}  // namespace

void RegisterRemove(napi_env env, napi_value exports) {
  const struct {
    const char* name;
    napi_callback callback;
  } functions[] = {{"openRoot", OpenRoot},     {"openParent", OpenParentApi}, {"statAt", StatAtApi},
                   {"removeAt", RemoveAtApi},  {"openFileAt", OpenFileAtApi}, {"createAt", CreateAtApi},
                   {"renameAt", RenameAtApi}};
  for (const auto& f : functions) {
    napi_value fn;
    if (napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.callback, nullptr, &fn) == napi_ok)
      napi_set_named_property(env, exports, f.name, fn);
  }
}

}  // namespace hog
