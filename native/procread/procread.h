/*
 * What the two files of hog_procread share: the N-API call check, and the growing byte buffer the
 * files are read into (readFiles: one per call; the kept reader, kept.c: one per reader, reused).
 */
#ifndef HOG_PROCREAD_H
#define HOG_PROCREAD_H
#include <errno.h>
#include <node_api.h>
#include <stdlib.h>
#include <unistd.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    if ((call) != napi_ok) {                                                   \
      napi_throw_error(env, NULL, "hog_procread: " #call " failed");          \
      goto fail;                                                               \
    }                                                                          \
  } while (0)

typedef struct {
  char *bytes;
  size_t length;
  size_t capacity;
  size_t first; /* the capacity of the first allocation */
} growable;

static inline int growable_reserve(growable *g, size_t more) {
  if (g->length + more <= g->capacity) return 0;
  size_t capacity = g->capacity ? g->capacity : g->first;
  while (capacity < g->length + more) capacity *= 2;
  char *bigger = realloc(g->bytes, capacity);
  if (!bigger) return -1;
  g->bytes = bigger;
  g->capacity = capacity;
  return 0;
}

/*
 * The whole file from offset 0 appended to the buffer, read until read returns 0 (a seq_file hands
 * out a page at a time): its length, or -errno with nothing appended. pread, so a descriptor kept
 * open makes the kernel format the file afresh.
 */
static inline long growable_append_fd(growable *g, int fd) {
  size_t start = g->length;
  for (;;) {
    if (growable_reserve(g, 16384) != 0) {
      g->length = start;
      return -ENOMEM;
    }
    ssize_t n = pread(fd, g->bytes + g->length, g->capacity - g->length, (off_t)(g->length - start));
    if (n < 0) {
      int error = errno;
      if (error == EINTR) continue;
      g->length = start;
      return -error;
    }
    if (n == 0) return (long)(g->length - start);
    g->length += (size_t)n;
  }
}

#endif
