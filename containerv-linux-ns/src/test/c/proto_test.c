/*
 * proto_test.c - wire-encoding tests against the captured frames in
 * src/test/resources/protocol: client frames are decoded, server frames re-encoded and
 * compared byte for byte; plus malformed-input checks and the percent-encoding of
 * status-line fields.
 *
 * Never: opens sockets or starts the helper.
 */
#include "check.h"
#include "proto.h"
#include "report.h"
#include "util.h"

#include <errno.h>

static const char *RES;

static size_t load(const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", RES, name);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    size_t n = fread(buf, 1, cap, fp);
    fclose(fp);
    return n;
}

/* Returns the payload of the single frame in the file and checks its type. */
static const uint8_t *frame_of(const char *name, uint16_t want, size_t *pn)
{
    static uint8_t buf[65536];
    size_t n = load(name, buf, sizeof buf);
    uint16_t type;
    const uint8_t *pl;
    size_t total;
    CHECK(cv_frame_peek(buf, n, &type, &pl, pn, &total) == 1);
    CHECK(total == n);
    CHECK(type == want);
    return pl;
}

static void same_as(const char *name, const struct cv_buf *b)
{
    uint8_t buf[65536];
    size_t n = load(name, buf, sizeof buf);
    if (n != b->len || memcmp(buf, b->data, n) != 0) {
        fprintf(stderr, "encoding differs from %s (%zu vs %zu bytes)\n", name, b->len, n);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    RES = argc > 1 ? argv[1] : "../../test/resources/protocol";
    size_t n;
    const uint8_t *pl;

    struct cv_hello h;
    pl = frame_of("hello-control.bin", CV_T_HELLO, &n);
    CHECK(cv_decode_hello(pl, n, &h) == 0);
    CHECK(h.version == 1 && h.role == CV_ROLE_CONTROL && h.fd == 0 && h.token == 0);
    pl = frame_of("hello-stream.bin", CV_T_HELLO, &n);
    CHECK(cv_decode_hello(pl, n, &h) == 0);
    CHECK(h.role == CV_ROLE_STREAM && h.fd == 1 && h.token == 0x0123456789abcdefULL);

    struct cv_spawn_req s;
    pl = frame_of("spawn.bin", CV_T_SPAWN, &n);
    CHECK(cv_decode_spawn(pl, n, &s) == 0);
    CHECK(s.req_id == 7 && s.flags == 5);
    CHECK(s.tokens[0] == 0 && s.tokens[1] == 0x1111 && s.tokens[2] == 0x1111);
    CHECK_STR(s.exec_path, "");
    CHECK(s.argc == 3);
    CHECK_STR(s.argv[2], "echo h\xc3\xa9llo");
    CHECK(s.argv[3] == NULL);
    CHECK(s.envc == 2);
    CHECK_STR(s.envp[1], "A=b c");
    CHECK_STR(s.cwd, "/tmp");
    CHECK_STR(s.user, "bob:wheel");
    CHECK(s.nrlimits == 2 && s.rlimits[0].resource == 7 && s.rlimits[0].soft == 1024 &&
          s.rlimits[0].hard == 4096 && s.rlimits[1].hard == UINT64_MAX);
    /* Round trip. */
    struct cv_buf b = { 0 };
    cv_encode_spawn(&b, &s);
    same_as("spawn.bin", &b);
    cv_buf_free(&b);

    /* Truncated and overlong payloads are rejected, with the request id kept. */
    struct cv_spawn_req bad;
    CHECK(cv_decode_spawn(pl, n - 1, &bad) != 0);
    CHECK(bad.req_id == 7);
    uint8_t longer[65536];
    memcpy(longer, pl, n);
    longer[n] = 0;
    CHECK(cv_decode_spawn(longer, n + 1, &bad) != 0);
    cv_spawn_req_free(&s);

    cv_encode_spawned(&b, 7, 42, 4242);
    same_as("spawned.bin", &b);
    cv_buf_free(&b);
    cv_encode_exited(&b, 7, 42, 3 << 8);
    same_as("exited-code.bin", &b);
    cv_buf_free(&b);
    cv_encode_exited(&b, 8, 43, 9);
    same_as("exited-signal.bin", &b);
    cv_buf_free(&b);
    struct cv_error_msg e = { 9, "exec", "execve", "ENOENT", 2, "/bin/nope", "" };
    cv_encode_error(&b, &e);
    same_as("error-exec.bin", &b);
    cv_buf_free(&b);
    cv_encode_ok(&b, 10);
    same_as("ok.bin", &b);
    cv_buf_free(&b);
    cv_encode_pong(&b, 11, 1, 3, "1.0.0");
    same_as("pong.bin", &b);
    cv_buf_free(&b);
    cv_encode_hello_server(&b, 1, "1.0.0");
    same_as("hello-server.bin", &b);
    cv_buf_free(&b);

    /* Client request frames the Java side will send. */
    struct cv_rd r;
    pl = frame_of("kill.bin", CV_T_KILL, &n);
    r = (struct cv_rd){ pl, n, 0, 0 };
    CHECK(cv_rd_u32(&r) == 12 && cv_rd_u32(&r) == 42 && cv_rd_u32(&r) == 15 && cv_rd_u32(&r) == 1 && cv_rd_done(&r) == 0);
    pl = frame_of("wait.bin", CV_T_WAIT, &n);
    r = (struct cv_rd){ pl, n, 0, 0 };
    CHECK(cv_rd_u32(&r) == 13 && cv_rd_u32(&r) == 42 && cv_rd_done(&r) == 0);
    pl = frame_of("shutdown.bin", CV_T_SHUTDOWN, &n);
    r = (struct cv_rd){ pl, n, 0, 0 };
    CHECK(cv_rd_u32(&r) == 14 && cv_rd_u32(&r) == 5000 && cv_rd_done(&r) == 0);
    pl = frame_of("ping.bin", CV_T_PING, &n);
    CHECK(n == 4);

    /* Frame length limits. */
    uint8_t hdr[6] = { 1, 0, 0, 0, 3, 0 };
    uint16_t type;
    size_t pn, total;
    CHECK(cv_frame_peek(hdr, 6, &type, &pl, &pn, &total) == -1); /* length 1 < 2 */
    uint8_t big[6] = { 0x03, 0x00, 0x40, 0x00, 3, 0 };             /* 4 MiB + 3 */
    CHECK(cv_frame_peek(big, 6, &type, &pl, &pn, &total) == -1);
    uint8_t partial[6] = { 6, 0, 0, 0, 3, 0 };
    CHECK(cv_frame_peek(partial, 6, &type, &pl, &pn, &total) == 0);

    /* Strings with a NUL inside are rejected. */
    uint8_t nul[] = { 2, 0, 0, 0, 'a', 0 };
    r = (struct cv_rd){ nul, sizeof nul, 0, 0 };
    CHECK(cv_rd_str(&r) == NULL && r.bad);

    /* Status-line field encoding and errno names. */
    char out[256], eb[16];
    cv_pct_encode_field("a b%c\n\x7f", out, sizeof out);
    CHECK_STR(out, "a%20b%25c%0A%7F");
    cv_pct_encode_field("", out, sizeof out);
    CHECK_STR(out, "-");
    cv_pct_encode_field("-", out, sizeof out);
    CHECK_STR(out, "%2D");
    CHECK_STR(cv_errno_name(ENOENT, eb, sizeof eb), "ENOENT");
    CHECK_STR(cv_errno_name(ESHUTDOWN, eb, sizeof eb), "ESHUTDOWN");
    CHECK_STR(cv_errno_name(4095, eb, sizeof eb), "E4095");
    struct cv_fail f;
    cv_fail_set(&f, CV_STEP_BIND, "mount", EACCES, "/a b", NULL);
    char line[3 * sizeof f + 64];
    cv_fail_format_line(&f, line, sizeof line);
    CHECK_STR(line, "error bind mount EACCES 13 /a%20b -\n");
    char dec[] = "a%20b%2D";
    CHECK(cv_pct_decode(dec, NULL) == 0);
    CHECK_STR(dec, "a b-");

    puts("proto_test: ok");
    return 0;
}
