/*
 * A reader that keeps each process's /proc files open between reads, for hog top (issue 16).
 *
 *   keptOpen(dir: string, names: string[]) -> handle
 *   keptRead(handle, pids: number[]) -> { data: Buffer, spans: Int32Array }   (as readFiles)
 *   keptSweep(handle) -> number of processes whose files it closed
 *   keptClose(handle)
 *
 * Why: opening "/proc/PID/stat" walks the path (the /proc/PID dentry, the file's) and sets up a
 * seq_file, and closing tears it down; a pread at offset 0 of a file kept open makes the kernel
 * format it afresh without either. For 102 processes x (stat, statm): 1.17 ms of CPU per refresh
 * with open/read/close against 0.37-0.43 ms with pread on kept descriptors (measured 2026-12-06,
 * 20 refreshes x 5, C, this machine). top pays the open/read/close; hog top no longer does.
 *
 * A kept descriptor names one process for good: procfs binds it to the process, not to the PID, so
 * once that process is gone it reads ESRCH, also when another process has been given its PID. Then
 * the files are opened again by path, and read the process that has the PID now, if any. When the
 * first file of a process reads from kept descriptors and a later one finds the process gone, the
 * whole process is reported gone for this read (ESRCH for each file): its files are never mixed
 * from two processes on one PID. A process no read asked for between two sweeps has its files closed
 * at the second sweep (the caller sweeps once per refresh). Descriptors are kept up to a budget,
 * a quarter of RLIMIT_NOFILE's soft limit; beyond it files are opened, read and closed as readFiles
 * does.
 */
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kept.h"
#include "procread.h"

#define MAX_NAMES 8

typedef struct {
  int32_t pid; /* 0: empty slot */
  uint32_t used; /* the sweep generation of its last read */
  int fds[MAX_NAMES];
} kept_entry;

typedef struct {
  char dir[4096];
  char *names[MAX_NAMES];
  uint32_t name_count;
  kept_entry *slots;
  uint32_t capacity; /* a power of two */
  uint32_t count;
  uint32_t generation;
  long open_fds;
  long budget;
  growable buffer; /* reused between reads: only ever grows */
  int closed;
} kept_reader;

static uint32_t slot_of(const kept_reader *r, int32_t pid) {
  uint32_t h = (uint32_t)pid * 2654435761u;
  uint32_t mask = r->capacity - 1;
  uint32_t i = h & mask;
  while (r->slots[i].pid != 0 && r->slots[i].pid != pid) i = (i + 1) & mask;
  return i;
}

static void close_entry(kept_reader *r, kept_entry *e) {
  for (uint32_t n = 0; n < r->name_count; n++) {
    if (e->fds[n] >= 0) {
      close(e->fds[n]);
      e->fds[n] = -1;
      r->open_fds--;
    }
  }
}

/* Rebuild the table at `capacity`, keeping the entries `keep` accepts and closing the others. */
static int rehash(kept_reader *r, uint32_t capacity, int sweep, long *dropped) {
  kept_entry *old = r->slots;
  uint32_t old_capacity = r->capacity;
  kept_entry *slots = calloc(capacity, sizeof(kept_entry));
  if (!slots) return -1;
  r->slots = slots;
  r->capacity = capacity;
  r->count = 0;
  for (uint32_t i = 0; i < old_capacity; i++) {
    kept_entry *e = &old[i];
    if (e->pid == 0) continue;
    if (sweep && e->used != r->generation) {
      close_entry(r, e);
      if (dropped) (*dropped)++;
      continue;
    }
    r->slots[slot_of(r, e->pid)] = *e;
    r->count++;
  }
  free(old);
  return 0;
}

static kept_entry *entry_for(kept_reader *r, int32_t pid) {
  if ((r->count + 1) * 2 > r->capacity && rehash(r, r->capacity * 2, 0, NULL) != 0) return NULL;
  kept_entry *e = &r->slots[slot_of(r, pid)];
  if (e->pid == 0) {
    e->pid = pid;
    for (uint32_t n = 0; n < MAX_NAMES; n++) e->fds[n] = -1;
    r->count++;
  }
  e->used = r->generation;
  return e;
}

/* Open the file by path and read it; keep the descriptor while the budget allows. */
static long open_and_read(kept_reader *r, kept_entry *e, uint32_t n) {
  char path[4096 + 64];
  snprintf(path, sizeof path, "%s/%d/%s", r->dir, e->pid, r->names[n]);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  long length = growable_append_fd(&r->buffer, fd);
  if (length < 0 || r->open_fds >= r->budget) {
    close(fd);
  } else {
    e->fds[n] = fd;
    r->open_fds++;
  }
  return length;
}

static void read_process(kept_reader *r, kept_entry *e, int32_t *spans) {
  size_t begin = r->buffer.length;
  int from_kept = 0; /* an earlier file of this process came from a kept descriptor */
  for (uint32_t n = 0; n < r->name_count; n++) {
    long start = (long)r->buffer.length;
    long length;
    if (e->fds[n] >= 0) {
      length = growable_append_fd(&r->buffer, e->fds[n]);
      if (length >= 0) {
        from_kept = 1;
      } else {
        /* the process is gone (ESRCH), or the descriptor failed otherwise: none of it is kept */
        close_entry(r, e);
        if (from_kept) {
          r->buffer.length = begin; /* drop what this process's earlier files appended */
          for (uint32_t k = 0; k < r->name_count; k++) {
            spans[2 * k] = -ESRCH;
            spans[2 * k + 1] = -1;
          }
          return;
        }
        length = open_and_read(r, e, n);
      }
    } else {
      length = open_and_read(r, e, n);
    }
    if (length < 0) {
      spans[2 * n] = (int32_t)length;
      spans[2 * n + 1] = -1;
    } else {
      spans[2 * n] = (int32_t)start;
      spans[2 * n + 1] = (int32_t)length;
    }
  }
}

static void close_all(kept_reader *r) {
  for (uint32_t i = 0; i < r->capacity; i++)
    if (r->slots[i].pid != 0) close_entry(r, &r->slots[i]);
}

static void finalize_reader(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  kept_reader *r = data;
  if (!r->closed) close_all(r);
  for (uint32_t n = 0; n < r->name_count; n++) free(r->names[n]);
  free(r->slots);
  free(r->buffer.bytes);
  free(r);
}

static kept_reader *reader_of(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "hog_procread: not a kept reader");
    return NULL;
  }
  kept_reader *r = data;
  if (r->closed) {
    napi_throw_error(env, NULL, "hog_procread: kept reader used after keptClose");
    return NULL;
  }
  return r;
}

/* The reader of a call whose one argument is a reader (keptSweep, keptClose, keptOpenCount). */
static kept_reader *reader_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "hog_procread: a kept reader is needed");
    return NULL;
  }
  return reader_of(env, argv[0]);
}

napi_value kept_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_value result = NULL;
  kept_reader *r = calloc(1, sizeof(kept_reader));
  if (!r) {
    napi_throw_error(env, NULL, "hog_procread: out of memory");
    return NULL;
  }
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "keptOpen(dir, names)");
    goto fail;
  }
  size_t dir_length;
  CHECK(napi_get_value_string_utf8(env, argv[0], r->dir, sizeof r->dir, &dir_length));
  uint32_t count;
  CHECK(napi_get_array_length(env, argv[1], &count));
  if (count == 0 || count > MAX_NAMES) {
    napi_throw_range_error(env, NULL, "keptOpen: 1 to 8 file names");
    goto fail;
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    size_t length;
    CHECK(napi_get_element(env, argv[1], i, &item));
    CHECK(napi_get_value_string_utf8(env, item, NULL, 0, &length));
    r->names[i] = malloc(length + 1);
    if (!r->names[i]) goto fail;
    r->name_count = i + 1;
    CHECK(napi_get_value_string_utf8(env, item, r->names[i], length + 1, &length));
  }
  r->capacity = 1024;
  r->buffer.first = 1 << 18;
  r->slots = calloc(r->capacity, sizeof(kept_entry));
  if (!r->slots) goto fail;
  struct rlimit limit;
  r->budget = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
                  ? (long)(limit.rlim_cur / 4)
                  : 256;
  if (r->budget > (1L << 16)) r->budget = 1L << 16;
  CHECK(napi_create_external(env, r, finalize_reader, NULL, &result));
  return result;
fail:
  for (uint32_t n = 0; n < r->name_count; n++) free(r->names[n]);
  free(r->slots);
  free(r);
  return NULL;
}

napi_value kept_read(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_value result = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "keptRead(handle, pids)");
    return NULL;
  }
  kept_reader *r = reader_of(env, argv[0]);
  if (!r) return NULL;
  uint32_t pid_count;
  CHECK(napi_get_array_length(env, argv[1], &pid_count));
  size_t file_count = (size_t)pid_count * r->name_count;
  napi_value spans_buffer;
  void *spans_data;
  CHECK(napi_create_arraybuffer(env, file_count * 2 * sizeof(int32_t) + 1, &spans_data, &spans_buffer));
  int32_t *spans = spans_data;
  r->buffer.length = 0;
  for (uint32_t p = 0; p < pid_count; p++) {
    napi_value item;
    int32_t pid;
    CHECK(napi_get_element(env, argv[1], p, &item));
    CHECK(napi_get_value_int32(env, item, &pid));
    int32_t *own = spans + (size_t)p * r->name_count * 2;
    kept_entry *e = pid > 0 ? entry_for(r, pid) : NULL;
    if (!e) {
      for (uint32_t n = 0; n < r->name_count; n++) {
        own[2 * n] = pid > 0 ? -ENOMEM : -ENOENT;
        own[2 * n + 1] = -1;
      }
      continue;
    }
    read_process(r, e, own);
  }
  napi_value data, spans_array;
  void *copy;
  CHECK(napi_create_buffer_copy(env, r->buffer.length, r->buffer.length ? r->buffer.bytes : "", &copy, &data));
  CHECK(napi_create_typedarray(env, napi_int32_array, file_count * 2, spans_buffer, 0, &spans_array));
  CHECK(napi_create_object(env, &result));
  CHECK(napi_set_named_property(env, result, "data", data));
  CHECK(napi_set_named_property(env, result, "spans", spans_array));
  return result;
fail:
  return NULL;
}

napi_value kept_sweep(napi_env env, napi_callback_info info) {
  napi_value result = NULL;
  kept_reader *r = reader_arg(env, info);
  if (!r) return NULL;
  long dropped = 0;
  uint32_t capacity = r->capacity;
  while (capacity > 1024 && r->count * 8 < capacity) capacity /= 2;
  if (rehash(r, capacity, 1, &dropped) != 0) {
    napi_throw_error(env, NULL, "hog_procread: out of memory");
    return NULL;
  }
  r->generation++;
  CHECK(napi_create_int32(env, (int32_t)dropped, &result));
  return result;
fail:
  return NULL;
}

napi_value kept_close(napi_env env, napi_callback_info info) {
  kept_reader *r = reader_arg(env, info);
  if (!r) return NULL;
  close_all(r);
  r->closed = 1;
  return NULL;
}

napi_value kept_open_count(napi_env env, napi_callback_info info) {
  napi_value result = NULL;
  kept_reader *r = reader_arg(env, info);
  if (!r) return NULL;
  CHECK(napi_create_int32(env, (int32_t)r->open_fds, &result));
  return result;
fail:
  return NULL;
}
