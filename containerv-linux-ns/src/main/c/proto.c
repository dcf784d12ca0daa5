/*
 * proto.c - encoders and bounds-checked decoders of the control protocol's frames.
 *
 * Never: trusts a length from the wire without checking it against the bytes present and
 * the documented maxima; never does I/O.
 */
#include "proto.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void cv_buf_free(struct cv_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void cv_buf_bytes(struct cv_buf *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->oom = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void cv_buf_u16(struct cv_buf *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    cv_buf_bytes(b, x, 2);
}

void cv_buf_u32(struct cv_buf *b, uint32_t v)
{
    uint8_t x[4];
    for (int i = 0; i < 4; i++)
        x[i] = (uint8_t)(v >> (8 * i));
    cv_buf_bytes(b, x, 4);
}

void cv_buf_u64(struct cv_buf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (uint8_t)(v >> (8 * i));
    cv_buf_bytes(b, x, 8);
}

void cv_buf_str(struct cv_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    cv_buf_u32(b, (uint32_t)n);
    cv_buf_bytes(b, s, n);
}

size_t cv_frame_begin(struct cv_buf *b, uint16_t type)
{
    size_t start = b->len;
    cv_buf_u32(b, 0);
    cv_buf_u16(b, type);
    return start;
}

void cv_frame_end(struct cv_buf *b, size_t start)
{
    if (b->oom)
        return;
    uint32_t v = (uint32_t)(b->len - start - 4);
    for (int i = 0; i < 4; i++)
        b->data[start + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static const uint8_t *take(struct cv_rd *r, size_t n)
{
    if (r->bad || r->len - r->off < n) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *p = r->p + r->off;
    r->off += n;
    return p;
}

uint16_t cv_rd_u16(struct cv_rd *r)
{
    const uint8_t *p = take(r, 2);
    return p ? (uint16_t)(p[0] | (p[1] << 8)) : 0;
}

uint32_t cv_rd_u32(struct cv_rd *r)
{
    const uint8_t *p = take(r, 4);
    if (!p)
        return 0;
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint64_t cv_rd_u64(struct cv_rd *r)
{
    const uint8_t *p = take(r, 8);
    uint64_t v = 0;
    if (!p)
        return 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

char *cv_rd_str(struct cv_rd *r)
{
    uint32_t n = cv_rd_u32(r);
    if (r->bad || n > CV_MAX_STRING) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *p = take(r, n);
    if (!p)
        return NULL;
    if (memchr(p, '\0', n)) {
        r->bad = 1;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) {
        r->bad = 1;
        return NULL;
    }
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

void cv_strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

char **cv_rd_strlist(struct cv_rd *r, uint32_t *count)
{
    uint32_t n = cv_rd_u32(r);
    if (r->bad || n > CV_MAX_LIST || (size_t)n * 4 > r->len - r->off) {
        r->bad = 1;
        return NULL;
    }
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (!v) {
        r->bad = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        v[i] = cv_rd_str(r);
        if (!v[i]) {
            cv_strv_free(v);
            return NULL;
        }
    }
    if (count)
        *count = n;
    return v;
}

int cv_rd_done(const struct cv_rd *r)
{
    return (r->bad || r->off != r->len) ? -1 : 0;
}

int cv_frame_header(const uint8_t *buf, uint32_t *length, uint16_t *type)
{
    *length = (uint32_t)buf[0] | ((uint32_t)buf[1] << 8) | ((uint32_t)buf[2] << 16) | ((uint32_t)buf[3] << 24);
    *type = (uint16_t)(buf[4] | (buf[5] << 8));
    return (*length < 2 || *length > CV_MAX_FRAME) ? -1 : 0;
}

int cv_frame_peek(const uint8_t *buf, size_t len, uint16_t *type, const uint8_t **payload,
                  size_t *payload_len, size_t *total)
{
    if (len < CV_FRAME_HEADER)
        return 0;
    uint32_t flen;
    if (cv_frame_header(buf, &flen, type) != 0)
        return -1;
    if (len < 4 + (size_t)flen)
        return 0;
    *payload = buf + CV_FRAME_HEADER;
    *payload_len = flen - 2;
    *total = 4 + (size_t)flen;
    return 1;
}

int cv_decode_hello(const uint8_t *p, size_t n, struct cv_hello *h)
{
    struct cv_rd r = { p, n, 0, 0 };
    h->version = cv_rd_u32(&r);
    h->role = cv_rd_u16(&r);
    h->fd = cv_rd_u16(&r);
    h->token = cv_rd_u64(&r);
    return cv_rd_done(&r);
}

void cv_encode_hello_client(struct cv_buf *b, const struct cv_hello *h)
{
    size_t s = cv_frame_begin(b, CV_T_HELLO);
    cv_buf_u32(b, h->version);
    cv_buf_u16(b, h->role);
    cv_buf_u16(b, h->fd);
    cv_buf_u64(b, h->token);
    cv_frame_end(b, s);
}

void cv_encode_hello_server(struct cv_buf *b, uint32_t version, const char *helper_version)
{
    size_t s = cv_frame_begin(b, CV_T_HELLO);
    cv_buf_u32(b, version);
    cv_buf_str(b, helper_version);
    cv_frame_end(b, s);
}

void cv_spawn_req_free(struct cv_spawn_req *s)
{
    free(s->exec_path);
    cv_strv_free(s->argv);
    cv_strv_free(s->envp);
    free(s->cwd);
    free(s->user);
    free(s->rlimits);
    memset(s, 0, sizeof *s);
}

int cv_decode_spawn(const uint8_t *p, size_t n, struct cv_spawn_req *s)
{
    struct cv_rd r = { p, n, 0, 0 };
    memset(s, 0, sizeof *s);
    s->req_id = cv_rd_u32(&r);
    s->flags = cv_rd_u32(&r);
    for (int i = 0; i < 3; i++)
        s->tokens[i] = cv_rd_u64(&r);
    s->exec_path = cv_rd_str(&r);
    s->argv = cv_rd_strlist(&r, &s->argc);
    s->envp = cv_rd_strlist(&r, &s->envc);
    s->cwd = cv_rd_str(&r);
    s->user = cv_rd_str(&r);
    uint32_t nr = cv_rd_u32(&r);
    if (!r.bad && (size_t)nr * 20 <= r.len - r.off) {
        s->rlimits = calloc(nr ? nr : 1, sizeof *s->rlimits);
        if (!s->rlimits)
            r.bad = 1;
        for (uint32_t i = 0; i < nr && !r.bad; i++) {
            s->rlimits[i].resource = cv_rd_u32(&r);
            s->rlimits[i].soft = cv_rd_u64(&r);
            s->rlimits[i].hard = cv_rd_u64(&r);
        }
        s->nrlimits = nr;
    } else {
        r.bad = 1;
    }
    if (cv_rd_done(&r) != 0) {
        uint32_t id = n >= 4 ? s->req_id : 0;
        cv_spawn_req_free(s);
        s->req_id = id;
        return -1;
    }
    return 0;
}

void cv_encode_spawn(struct cv_buf *b, const struct cv_spawn_req *s)
{
    size_t st = cv_frame_begin(b, CV_T_SPAWN);
    cv_buf_u32(b, s->req_id);
    cv_buf_u32(b, s->flags);
    for (int i = 0; i < 3; i++)
        cv_buf_u64(b, s->tokens[i]);
    cv_buf_str(b, s->exec_path);
    cv_buf_u32(b, s->argc);
    for (uint32_t i = 0; i < s->argc; i++)
        cv_buf_str(b, s->argv[i]);
    cv_buf_u32(b, s->envc);
    for (uint32_t i = 0; i < s->envc; i++)
        cv_buf_str(b, s->envp[i]);
    cv_buf_str(b, s->cwd);
    cv_buf_str(b, s->user);
    cv_buf_u32(b, s->nrlimits);
    for (uint32_t i = 0; i < s->nrlimits; i++) {
        cv_buf_u32(b, s->rlimits[i].resource);
        cv_buf_u64(b, s->rlimits[i].soft);
        cv_buf_u64(b, s->rlimits[i].hard);
    }
    cv_frame_end(b, st);
}

void cv_encode_error(struct cv_buf *b, const struct cv_error_msg *e)
{
    size_t s = cv_frame_begin(b, CV_T_ERROR);
    cv_buf_u32(b, e->req_id);
    cv_buf_str(b, e->step);
    cv_buf_str(b, e->syscall);
    cv_buf_str(b, e->errno_name);
    cv_buf_u32(b, (uint32_t)e->errno_number);
    cv_buf_str(b, e->path);
    cv_buf_str(b, e->detail);
    cv_frame_end(b, s);
}

void cv_encode_spawned(struct cv_buf *b, uint32_t req_id, uint32_t pid, uint32_t host_pid)
{
    size_t s = cv_frame_begin(b, CV_T_SPAWNED);
    cv_buf_u32(b, req_id);
    cv_buf_u32(b, pid);
    cv_buf_u32(b, host_pid);
    cv_frame_end(b, s);
}

void cv_encode_exited(struct cv_buf *b, uint32_t req_id, uint32_t pid, int raw_status)
{
    uint32_t kind;
    int32_t value;
    if (WIFSIGNALED(raw_status)) {
        kind = CV_EXIT_SIGNALED;
        value = WTERMSIG(raw_status);
    } else {
        kind = CV_EXIT_EXITED;
        value = WEXITSTATUS(raw_status);
    }
    size_t s = cv_frame_begin(b, CV_T_EXITED);
    cv_buf_u32(b, req_id);
    cv_buf_u32(b, pid);
    cv_buf_u32(b, kind);
    cv_buf_u32(b, (uint32_t)value);
    cv_buf_u32(b, (uint32_t)raw_status);
    cv_frame_end(b, s);
}

void cv_encode_ok(struct cv_buf *b, uint32_t req_id)
{
    size_t s = cv_frame_begin(b, CV_T_OK);
    cv_buf_u32(b, req_id);
    cv_frame_end(b, s);
}

void cv_encode_pong(struct cv_buf *b, uint32_t req_id, uint32_t version, uint32_t live,
                    const char *helper_version)
{
    size_t s = cv_frame_begin(b, CV_T_PONG);
    cv_buf_u32(b, req_id);
    cv_buf_u32(b, version);
    cv_buf_u32(b, live);
    cv_buf_str(b, helper_version);
    cv_frame_end(b, s);
}
