/*
 * hog_sockdiag: the kernel's socket statistics (NETLINK_SOCK_DIAG, inet_diag; the interface ss uses)
 * read in-process, so `hog net` needs no ss process per tick. One call dumps the TCP or UDP sockets of
 * one address family in hog's network namespace, with tcp_info for TCP. No privilege needed.
 *
 * dump(family 4|6, protocol 6|17, states bitmask) -> [{ family, state, src, sport, dst, dport, inode,
 *   uid, rqueue, wqueue, cong?, info? }], info holding the tcp_info fields hog uses.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void set_number(napi_env env, napi_value object, const char *name, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, object, name, v);
}

/* A tcp_info field, or 0 when the running kernel's struct is shorter than this build's. */
#define FIELD(info, len, name) \
  ((len) >= offsetof(struct tcp_info, name) + sizeof((info)->name) ? (double)(info)->name : 0.0)

static napi_value tcp_info_object(napi_env env, const struct tcp_info *info, size_t len) {
  napi_value o;
  napi_create_object(env, &o);
  set_number(env, o, "bytesSent", FIELD(info, len, tcpi_bytes_sent));
  set_number(env, o, "bytesAcked", FIELD(info, len, tcpi_bytes_acked));
  set_number(env, o, "bytesReceived", FIELD(info, len, tcpi_bytes_received));
  set_number(env, o, "bytesRetrans", FIELD(info, len, tcpi_bytes_retrans));
  set_number(env, o, "dataSegsOut", FIELD(info, len, tcpi_data_segs_out));
  set_number(env, o, "dataSegsIn", FIELD(info, len, tcpi_data_segs_in));
  set_number(env, o, "totalRetrans", FIELD(info, len, tcpi_total_retrans));
  set_number(env, o, "rttUs", FIELD(info, len, tcpi_rtt));
  set_number(env, o, "rttVarUs", FIELD(info, len, tcpi_rttvar));
  set_number(env, o, "minRttUs", FIELD(info, len, tcpi_min_rtt));
  set_number(env, o, "cwnd", FIELD(info, len, tcpi_snd_cwnd));
  set_number(env, o, "mss", FIELD(info, len, tcpi_snd_mss));
  set_number(env, o, "busyUs", FIELD(info, len, tcpi_busy_time));
  set_number(env, o, "rwndLimitedUs", FIELD(info, len, tcpi_rwnd_limited));
  set_number(env, o, "sndbufLimitedUs", FIELD(info, len, tcpi_sndbuf_limited));
  set_number(env, o, "unacked", FIELD(info, len, tcpi_unacked));
  set_number(env, o, "notsentBytes", FIELD(info, len, tcpi_notsent_bytes));
  set_number(env, o, "deliveryRate", FIELD(info, len, tcpi_delivery_rate));
  set_number(env, o, "lastSendMs", FIELD(info, len, tcpi_last_data_sent));
  set_number(env, o, "lastReceiveMs", FIELD(info, len, tcpi_last_data_recv));
  /* tcpi_delivery_rate_app_limited is a bit-field: read it from the byte that holds it */
  int app_limited = 0;
  if (len > offsetof(struct tcp_info, tcpi_rcv_mss)) {
    struct tcp_info copy;
    memset(&copy, 0, sizeof copy);
    memcpy(&copy, info, len < sizeof copy ? len : sizeof copy);
    app_limited = copy.tcpi_delivery_rate_app_limited;
  }
  napi_value flag;
  napi_get_boolean(env, app_limited, &flag);
  napi_set_named_property(env, o, "appLimited", flag);
  return o;
}

typedef struct {
  struct nlmsghdr nlh;
  struct inet_diag_req_v2 r;
} diag_request_t;

/* A sock_diag request with tcp_info and the congestion algorithm asked for (TCP). */
static void init_request(diag_request_t *req, int family, int protocol, uint16_t flags, uint32_t states) {
  memset(req, 0, sizeof *req);
  req->nlh.nlmsg_len = sizeof *req;
  req->nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req->nlh.nlmsg_flags = flags;
  req->r.sdiag_family = family == 6 ? AF_INET6 : AF_INET;
  req->r.sdiag_protocol = (uint8_t)protocol;
  req->r.idiag_states = states;
  if (protocol == IPPROTO_TCP) req->r.idiag_ext = (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_CONG - 1));
}

/* Open a sock_diag socket and send the request; -1 (errno set) on failure. */
static int send_request(diag_request_t *req) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return -1;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, req, sizeof *req, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

/* One inet_diag_msg (and its attributes) as a JS object. */
static napi_value socket_object(napi_env env, struct nlmsghdr *h, int protocol) {
  struct inet_diag_msg *m = NLMSG_DATA(h);
  napi_value o, src, dst;
  napi_create_object(env, &o);
  size_t alen = m->idiag_family == AF_INET6 ? 16 : 4;
  napi_create_buffer_copy(env, alen, m->id.idiag_src, NULL, &src);
  napi_create_buffer_copy(env, alen, m->id.idiag_dst, NULL, &dst);
  set_number(env, o, "family", m->idiag_family == AF_INET6 ? 6 : 4);
  set_number(env, o, "state", m->idiag_state);
  napi_set_named_property(env, o, "src", src);
  napi_set_named_property(env, o, "dst", dst);
  set_number(env, o, "sport", ntohs(m->id.idiag_sport));
  set_number(env, o, "dport", ntohs(m->id.idiag_dport));
  set_number(env, o, "inode", m->idiag_inode);
  set_number(env, o, "uid", m->idiag_uid);
  set_number(env, o, "rqueue", m->idiag_rqueue);
  set_number(env, o, "wqueue", m->idiag_wqueue);
  int rest = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *m));
  for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, rest); a = RTA_NEXT(a, rest)) {
    if (a->rta_type == INET_DIAG_INFO && protocol == IPPROTO_TCP) {
      napi_set_named_property(env, o, "info", tcp_info_object(env, RTA_DATA(a), RTA_PAYLOAD(a)));
    } else if (a->rta_type == INET_DIAG_CONG) {
      napi_value cong;
      napi_create_string_utf8(env, RTA_DATA(a), strnlen(RTA_DATA(a), RTA_PAYLOAD(a)), &cong);
      napi_set_named_property(env, o, "cong", cong);
    }
  }
  return o;
}

/*
 * lookup(family, src Buffer, sport, dst Buffer, dport) -> one TCP socket or undefined. An exact
 * lookup is a hash probe in the kernel, where a dump walks the whole established table (which is
 * sized by RAM, not by the sockets in use): cheaper when only a few known connections are wanted.
 */
static napi_value js_lookup(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, cbinfo, &argc, argv, NULL, NULL);
  int32_t family = 4, sport = 0, dport = 0;
  void *src = NULL, *dst = NULL;
  size_t src_len = 0, dst_len = 0;
  if (argc < 5 || napi_get_value_int32(env, argv[0], &family) != napi_ok ||
      napi_get_buffer_info(env, argv[1], &src, &src_len) != napi_ok ||
      napi_get_value_int32(env, argv[2], &sport) != napi_ok ||
      napi_get_buffer_info(env, argv[3], &dst, &dst_len) != napi_ok ||
      napi_get_value_int32(env, argv[4], &dport) != napi_ok) {
    napi_throw_error(env, "EINVAL", "lookup(family, src, sport, dst, dport)");
    return NULL;
  }
  diag_request_t req;
  init_request(&req, family, IPPROTO_TCP, NLM_F_REQUEST, 0xffffffff);
  req.r.id.idiag_sport = htons((uint16_t)sport);
  req.r.id.idiag_dport = htons((uint16_t)dport);
  memcpy(req.r.id.idiag_src, src, src_len > 16 ? 16 : src_len);
  memcpy(req.r.id.idiag_dst, dst, dst_len > 16 ? 16 : dst_len);
  req.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  req.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  napi_value result;
  napi_get_undefined(env, &result);
  int fd = send_request(&req);
  if (fd < 0) {
    napi_throw_error(env, "ESOCKDIAG", strerror(errno));
    return NULL;
  }
  static char buffer[16 * 1024] __attribute__((aligned(NLMSG_ALIGNTO)));
  ssize_t n = recv(fd, buffer, sizeof buffer, 0);
  struct nlmsghdr *h = (struct nlmsghdr *)buffer;
  if (n > 0 && NLMSG_OK(h, (size_t)n) && h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
    result = socket_object(env, h, IPPROTO_TCP);
  }
  close(fd);
  return result;
}

static napi_value js_dump(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, cbinfo, &argc, argv, NULL, NULL);
  int32_t family = 4, protocol = IPPROTO_TCP;
  uint32_t states = 0xffffffff;
  if (argc > 0) napi_get_value_int32(env, argv[0], &family);
  if (argc > 1) napi_get_value_int32(env, argv[1], &protocol);
  if (argc > 2) napi_get_value_uint32(env, argv[2], &states);

  diag_request_t req;
  init_request(&req, family, protocol, NLM_F_REQUEST | NLM_F_DUMP, states);
  int fd = send_request(&req);
  if (fd < 0) {
    napi_throw_error(env, "ESOCKDIAG", strerror(errno));
    return NULL;
  }

  napi_value list;
  napi_create_array(env, &list);
  uint32_t count = 0;
  static char buffer[64 * 1024] __attribute__((aligned(NLMSG_ALIGNTO)));
  int done = 0;
  while (!done) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      napi_throw_error(env, "ESOCKDIAG", strerror(errno));
      return NULL;
    }
    if (n == 0) break;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        done = 1;
        break;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        close(fd);
        /* no inet_diag for this family/protocol (e.g. IPv6 disabled): an empty list */
        if (e->error == -ENOENT || e->error == -EAFNOSUPPORT) return list;
        napi_throw_error(env, "ESOCKDIAG", strerror(-e->error));
        return NULL;
      }
      napi_value o = socket_object(env, h, protocol);
      napi_set_element(env, list, count++, o);
    }
  }
  close(fd);
  return list;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"dump", NULL, js_dump, NULL, NULL, NULL, napi_default, NULL},
      {"lookup", NULL, js_lookup, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
