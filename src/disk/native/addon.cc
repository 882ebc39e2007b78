// Node-API glue of the native disk walker: scan(options) starts a walk on libuv's thread pool (the walk
// itself adds threads) and returns { handle, done }; progress(handle) reads its counters meanwhile.
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <string.h>

#include <algorithm>
#include <string>
#include <vector>

#include "walker.h"

namespace hog {
// removeApi.cc: openRoot, openParent, statAt, removeAt, openFileAt, createAt, renameAt
void RegisterRemove(napi_env env, napi_value exports);
}  // namespace hog

using namespace hog;

namespace {

struct Request {
  Scan scan;
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
};

void Execute(napi_env, void* data) { Walk(static_cast<Request*>(data)->scan); }

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

// errno as its name, as Node.js reports error codes (strerrorname_np needs glibc 2.32)
std::string ErrnoName(int code) {
  switch (code) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EIO: return "EIO";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EOVERFLOW: return "EOVERFLOW";
    case ESTALE: return "ESTALE";
    case ENOMEM: return "ENOMEM";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EUCLEAN: return "EUCLEAN";
    default: return "E" + std::to_string(code);
  }
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

  napi_value dirs;
  napi_create_object(env, &dirs);
  Set(env, dirs, "entry", TypedArray(env, scan.dir_entry, napi_int32_array));
  Set(env, dirs, "apparent", TypedArray(env, scan.dir_apparent, napi_float64_array));
  Set(env, dirs, "allocated", TypedArray(env, scan.dir_allocated, napi_float64_array));
  Set(env, dirs, "files", TypedArray(env, scan.dir_files, napi_float64_array));
  Set(env, dirs, "directories", TypedArray(env, scan.dir_dirs, napi_float64_array));
  Set(env, dirs, "newest", TypedArray(env, scan.dir_newest, napi_float64_array));
  Set(env, dirs, "ownApparent", TypedArray(env, scan.dir_own_apparent, napi_float64_array));
  Set(env, dirs, "ownAllocated", TypedArray(env, scan.dir_own_allocated, napi_float64_array));
  Set(env, dirs, "ownFiles", TypedArray(env, scan.dir_own_files, napi_float64_array));
  Set(env, result, "directoryTotals", dirs);

  napi_value top;
  napi_create_array_with_length(env, scan.top.size(), &top);
  std::sort(scan.top.begin(), scan.top.end(), TopLess);
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
    std::string name = ErrnoName(e.code);
    napi_create_string_utf8(env, name.c_str(), name.size(), &code);
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
  Request& request = *static_cast<Request*>(data);
  napi_value result = status == napi_ok ? BuildResult(env, request.scan) : nullptr;
  if (result != nullptr) {
    napi_resolve_deferred(env, request.deferred, result);
  } else {
    napi_value message, error;
    napi_create_string_utf8(env, "native disk scan failed", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, nullptr, message, &error);
    napi_reject_deferred(env, request.deferred, error);
  }
  napi_delete_async_work(env, request.work);
  request.work = nullptr;
}

void Finalize(napi_env, void* data, void*) {
  auto* request = static_cast<Request*>(data);
  if (request->work == nullptr) delete request;  // otherwise the walk still runs; freed with the process
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
  auto* request = new Request();
  Options& o = request->scan.options;
  napi_value options = argv[0];
  if (!GetStrings(env, Property(env, options, "roots"), o.roots) ||
      !GetStrings(env, Property(env, options, "excludes"), o.excludes)) {
    delete request;
    napi_throw_type_error(env, nullptr, "roots and excludes must be arrays of strings");
    return nullptr;
  }
  for (const std::string& p : o.excludes) o.exclude_needs_path |= p.find('/') != std::string::npos;
  bool flag = false;
  napi_get_value_bool(env, Property(env, options, "oneFileSystem"), &flag);
  o.one_file_system = flag;
  flag = false;
  napi_get_value_bool(env, Property(env, options, "oneMount"), &flag);
  o.one_mount = flag;
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
  CHECK(napi_create_promise(env, &request->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "hog-disk-scan", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, nullptr, name, Execute, Complete, request, &request->work));
  CHECK(napi_create_external(env, request, Finalize, nullptr, &handle));
  CHECK(napi_queue_async_work(env, request->work));
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
  Scan& scan = static_cast<Request*>(data)->scan;
  std::string current;
  int32_t index = scan.current.load(std::memory_order_relaxed);
  if (index >= 0) {
    std::lock_guard<std::mutex> lock(scan.mutex);  // the store may be growing
    if (static_cast<size_t>(index) < scan.parent.size()) current = PathOf(scan, index);
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
  RegisterRemove(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
