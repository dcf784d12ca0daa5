/*
 * proto.h - wire encoding of the control socket protocol (version 1,
 * docs/linux-helper-protocol.md section 5): little-endian integers, length-prefixed
 * strings and string lists, frames "u32 length | u16 type | payload", and the typed
 * messages.
 *
 * Never: does I/O or keeps connection state; it only turns bytes into structs and back.
 */
#ifndef CV_PROTO_H
#define CV_PROTO_H

#include <stddef.h>
#include <stdint.h>

enum cv_frame_type {
    CV_T_HELLO = 1,
    CV_T_ERROR = 2,
    CV_T_PING = 3,
    CV_T_PONG = 4,
    CV_T_SPAWN = 5,
    CV_T_SPAWNED = 6,
    CV_T_EXITED = 7,
    CV_T_KILL = 8,
    CV_T_OK = 9,
    CV_T_WAIT = 10,
    CV_T_SHUTDOWN = 11,
};

enum { CV_ROLE_CONTROL = 1, CV_ROLE_STREAM = 2 };

#define CV_MAX_FRAME (4u * 1024u * 1024u)  /* max value of the length field */
#define CV_MAX_STRING (1u * 1024u * 1024u)
#define CV_MAX_LIST 65536u
#define CV_FRAME_HEADER 6u                 /* u32 length + u16 type */

enum {
    CV_SPAWN_SEARCH_PATH = 1u << 0,
    CV_SPAWN_SETSID = 1u << 1,
    CV_SPAWN_NO_NEW_PRIVS = 1u << 2,
    CV_SPAWN_HOME_FROM_PASSWD = 1u << 3,
    CV_SPAWN_KNOWN_FLAGS = 15u,
};

enum { CV_KILL_GROUP = 1u << 0 };
enum { CV_EXIT_EXITED = 1, CV_EXIT_SIGNALED = 2 };

/* Growable output buffer. */
struct cv_buf {
    uint8_t *data;
    size_t len, cap;
    int oom; /* set when an append failed; the content is then incomplete */
};

void cv_buf_free(struct cv_buf *b);
void cv_buf_bytes(struct cv_buf *b, const void *p, size_t n);
void cv_buf_u16(struct cv_buf *b, uint16_t v);
void cv_buf_u32(struct cv_buf *b, uint32_t v);
void cv_buf_u64(struct cv_buf *b, uint64_t v);
void cv_buf_str(struct cv_buf *b, const char *s);
/* Start a frame (returns its offset), then finish it to patch the length field. */
size_t cv_frame_begin(struct cv_buf *b, uint16_t type);
void cv_frame_end(struct cv_buf *b, size_t start);

/* Bounds-checked reader over one payload. Any failure sets bad and yields zeros. */
struct cv_rd {
    const uint8_t *p;
    size_t len, off;
    int bad;
};

uint16_t cv_rd_u16(struct cv_rd *r);
uint32_t cv_rd_u32(struct cv_rd *r);
uint64_t cv_rd_u64(struct cv_rd *r);
/* Returns a malloc'd NUL-terminated copy, or NULL (bad set) on error or embedded NUL. */
char *cv_rd_str(struct cv_rd *r);
/* Returns a malloc'd NULL-terminated array of malloc'd strings, or NULL (bad set). */
char **cv_rd_strlist(struct cv_rd *r, uint32_t *count);
/* 0 when the reader is fine and fully consumed. */
int cv_rd_done(const struct cv_rd *r);

void cv_strv_free(char **v);

/* Decode the CV_FRAME_HEADER bytes at buf: the length field (type + payload) and the type.
 * Returns 0, or -1 when the length is outside 2..CV_MAX_FRAME (both are still set). */
int cv_frame_header(const uint8_t *buf, uint32_t *length, uint16_t *type);

/* Peek a frame header in buf; returns 1 when a whole frame is present (and sets type,
 * payload, payload_len, total), 0 when more bytes are needed, -1 when the length field is
 * invalid. */
int cv_frame_peek(const uint8_t *buf, size_t len, uint16_t *type, const uint8_t **payload,
                  size_t *payload_len, size_t *total);

/* ---- typed messages ---- */

struct cv_hello {
    uint32_t version;
    uint16_t role;
    uint16_t fd;
    uint64_t token;
};
int cv_decode_hello(const uint8_t *p, size_t n, struct cv_hello *h);
void cv_encode_hello_client(struct cv_buf *b, const struct cv_hello *h);
void cv_encode_hello_server(struct cv_buf *b, uint32_t version, const char *helper_version);

struct cv_rlimit_req {
    uint32_t resource;
    uint64_t soft, hard;
};

struct cv_spawn_req {
    uint32_t req_id;
    uint32_t flags;
    uint64_t tokens[3];
    char *exec_path;
    char **argv;
    uint32_t argc;
    char **envp;
    uint32_t envc;
    char *cwd;
    char *user;
    struct cv_rlimit_req *rlimits;
    uint32_t nrlimits;
};
/* Returns 0, or -1 (then *req_id holds the request id when it could be read, else 0). */
int cv_decode_spawn(const uint8_t *p, size_t n, struct cv_spawn_req *s);
void cv_spawn_req_free(struct cv_spawn_req *s);
void cv_encode_spawn(struct cv_buf *b, const struct cv_spawn_req *s);

struct cv_error_msg {
    uint32_t req_id;
    const char *step, *syscall, *errno_name;
    int32_t errno_number;
    const char *path, *detail;
};
void cv_encode_error(struct cv_buf *b, const struct cv_error_msg *e);

void cv_encode_spawned(struct cv_buf *b, uint32_t req_id, uint32_t pid, uint32_t host_pid);
void cv_encode_exited(struct cv_buf *b, uint32_t req_id, uint32_t pid, int raw_status);
void cv_encode_ok(struct cv_buf *b, uint32_t req_id);
void cv_encode_pong(struct cv_buf *b, uint32_t req_id, uint32_t version, uint32_t live,
                    const char *helper_version);

#endif
