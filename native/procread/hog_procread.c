/*
 * hog_procread: read many small procfs files in one call, for hog ps and hog top.
 *
 *   readFiles(dir: string, pids: number[], names: string[]) -> { data: Buffer, spans: Int32Array }
 *
 * For each pid, for each name, reads "<dir>/<pid>/<name>" whole and appends its bytes to `data`.
 * spans holds two numbers per file, in pid-major order: the start offset in `data` and the length,
 * or (-errno, -1) when the file could not be opened or read (ENOENT/ESRCH: the process is gone).
 *
 * Why: the same reads from JavaScript cost ~35 ms for 460 processes (three files each) against ~17 ms
 * here — Node's per-call overhead on open/read/close and a string per file. Parsing stays in
 * TypeScript (src/proc), on the bytes returned; without this addon hog reads the files itself.
 *
 *   pidfdOpen(pid: number) -> fd or -errno;  pidfdSendSignal(fd: number, signal: number) -> 0 or -errno
 *
 * pidfd_open(2) and pidfd_send_signal(2) (Linux 5.3), which Node.js does not offer: a descriptor that
 * names one process for good, so hog top's k signals the process it checked and never one that got its
 * PID after it exited (src/proc/pidfd.ts). The caller closes the fd (fs.closeSync).
 *
 *   keptOpen, keptRead, keptSweep, keptClose, keptOpenCount: the same reads on descriptors kept open
 * between refreshes (kept.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kept.h"
#include "procread.h"

/* The same numbers on every architecture since Linux 5.1's syscall table unification. */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* Appends the whole file; returns its length, or -errno. */
static long append_file(growable *g, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  long length = growable_append_fd(g, fd);
  close(fd);
  return length;
}

static void free_bytes(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static napi_value read_files(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  growable g = {.first = 1 << 20};
  int32_t *spans = NULL;
  char **names = NULL;
  uint32_t pid_count = 0, name_count = 0;
  char dir[4096];
  size_t dir_length = 0;
  napi_value result = NULL;

  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "readFiles(dir, pids, names)");
    return NULL;
  }
  CHECK(napi_get_value_string_utf8(env, argv[0], dir, sizeof dir, &dir_length));
  CHECK(napi_get_array_length(env, argv[1], &pid_count));
  CHECK(napi_get_array_length(env, argv[2], &name_count));

  names = calloc(name_count ? name_count : 1, sizeof(char *));
  if (!names) goto oom;
  for (uint32_t i = 0; i < name_count; i++) {
    napi_value item;
    size_t length;
    CHECK(napi_get_element(env, argv[2], i, &item));
    CHECK(napi_get_value_string_utf8(env, item, NULL, 0, &length));
    names[i] = malloc(length + 1);
    if (!names[i]) goto oom;
    CHECK(napi_get_value_string_utf8(env, item, names[i], length + 1, &length));
  }

  size_t file_count = (size_t)pid_count * name_count;
  napi_value spans_buffer;
  void *spans_data;
  CHECK(napi_create_arraybuffer(env, file_count * 2 * sizeof(int32_t) + 1, &spans_data, &spans_buffer));
  spans = spans_data;

  char path[4096 + 64];
  for (uint32_t p = 0; p < pid_count; p++) {
    napi_value item;
    int32_t pid;
    CHECK(napi_get_element(env, argv[1], p, &item));
    CHECK(napi_get_value_int32(env, item, &pid));
    for (uint32_t n = 0; n < name_count; n++) {
      size_t k = ((size_t)p * name_count + n) * 2;
      snprintf(path, sizeof path, "%s/%d/%s", dir, pid, names[n]);
      size_t start = g.length;
      long length = append_file(&g, path);
      if (length < 0) {
        spans[k] = (int32_t)length;
        spans[k + 1] = -1;
      } else {
        spans[k] = (int32_t)start;
        spans[k + 1] = (int32_t)length;
      }
    }
  }

  napi_value data, spans_array;
  if (g.length == 0) {
    void *unused;
    CHECK(napi_create_buffer(env, 0, &unused, &data));
    free(g.bytes);
  } else {
    CHECK(napi_create_external_buffer(env, g.length, g.bytes, free_bytes, NULL, &data));
  }
  g.bytes = NULL;
  CHECK(napi_create_typedarray(env, napi_int32_array, file_count * 2, spans_buffer, 0, &spans_array));
  CHECK(napi_create_object(env, &result));
  CHECK(napi_set_named_property(env, result, "data", data));
  CHECK(napi_set_named_property(env, result, "spans", spans_array));
  goto done;

oom:
  napi_throw_error(env, NULL, "hog_procread: out of memory");
fail:
  result = NULL;
done:
  free(g.bytes);
  if (names) {
    for (uint32_t i = 0; i < name_count; i++) free(names[i]);
    free(names);
  }
  return result;
}

/* The integer arguments of a call, or -1 with an exception pending. */
static int int_args(napi_env env, napi_callback_info info, size_t count, int32_t *out) {
  napi_value argv[2];
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < count) {
    napi_throw_type_error(env, NULL, "hog_procread: missing arguments");
    return -1;
  }
  for (size_t i = 0; i < count; i++) {
    if (napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "hog_procread: arguments must be integers");
      return -1;
    }
  }
  return 0;
}

static napi_value pidfd_open_js(napi_env env, napi_callback_info info) {
  int32_t args[1];
  if (int_args(env, info, 1, args) != 0) return NULL;
  long fd = syscall(SYS_pidfd_open, (pid_t)args[0], 0);
  napi_value result;
  napi_create_int32(env, fd < 0 ? -errno : (int32_t)fd, &result);
  return result;
}

static napi_value pidfd_send_signal_js(napi_env env, napi_callback_info info) {
  int32_t args[2];
  if (int_args(env, info, 2, args) != 0) return NULL;
  long r = syscall(SYS_pidfd_send_signal, args[0], args[1], NULL, 0);
  napi_value result;
  napi_create_int32(env, r < 0 ? -errno : 0, &result);
  return result;
}

static int export_function(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) != napi_ok) return -1;
  return napi_set_named_property(env, exports, name, fn) == napi_ok ? 0 : -1;
}

static napi_value init(napi_env env, napi_value exports) {
  if (export_function(env, exports, "readFiles", read_files) != 0 ||
      export_function(env, exports, "pidfdOpen", pidfd_open_js) != 0 ||
      export_function(env, exports, "pidfdSendSignal", pidfd_send_signal_js) != 0 ||
      export_function(env, exports, "keptOpen", kept_open) != 0 ||
      export_function(env, exports, "keptRead", kept_read) != 0 ||
      export_function(env, exports, "keptSweep", kept_sweep) != 0 ||
      export_function(env, exports, "keptClose", kept_close) != 0 ||
      export_function(env, exports, "keptOpenCount", kept_open_count) != 0)
    return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
