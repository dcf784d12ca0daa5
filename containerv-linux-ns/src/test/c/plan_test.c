/*
 * plan_test.c - tests of the launch-plan parser: a complete plan, percent-decoding, and
 * one precise error per kind of mistake (line number and wording of the detail).
 *
 * Never: touches the filesystem.
 */
#include "check.h"
#include "plan.h"

#include <arpa/inet.h>

static const char GOOD[] =
    "containerv-plan 2\n"
    "# comment\n"
    "id c1\n"
    "hostname my%20host\n"
    "namespaces pid net ipc cgroup\n"
    "state-dir /run/containerv/c1\n"
    "control-socket /run/containerv/c1/control\n"
    "rootfs /img/alpine\n"
    "upper /var/lib/containerv/c1/upper\n"
    "work /var/lib/containerv/c1/work\n"
    "merged /var/lib/containerv/c1/merged\n"
    "\n"
    "bind /home/me/a%25b%0Ac /src ro\n"
    "tmpfs /tmp 1048576 1777\n"
    "bind /data /data rw\n"
    "proc /proc\n"
    "sysfs /sys\n"
    "dev /dev\n"
    "device /dev/null 1 3\n"
    "symlink pts/ptmx /dev/ptmx\n"
    "devpts /dev/pts\n"
    "mqueue /dev/mqueue\n"
    "default-path /usr/bin:/bin\n"
    "persistent\n"
    "stop-grace-ms 5000\n"
    "stream-timeout-ms 250\n"
    "cgroup-procs /sys/fs/cgroup/cv/c1/cgroup.procs\n"
    "cleanup-tree /var/lib/containerv/c1\n"
    "cleanup-rmdir /sys/fs/cgroup/cv/c1\n";

static void expect_error(const char *text, const char *where, const char *detail_part)
{
    struct cv_plan p;
    struct cv_fail f;
    if (cv_plan_parse(text, strlen(text), "plan", &p, &f) == 0) {
        fprintf(stderr, "expected failure for:\n%s\n", text);
        exit(1);
    }
    CHECK(f.step == CV_STEP_PLAN);
    CHECK_STR(f.path, where);
    if (!strstr(f.detail, detail_part)) {
        fprintf(stderr, "detail '%s' lacks '%s'\n", f.detail, detail_part);
        exit(1);
    }
}

static char *with(const char *line)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s%s\n", GOOD, line);
    return buf;
}

int main(void)
{
    struct cv_plan p;
    struct cv_fail f;
    CHECK(cv_plan_parse(GOOD, strlen(GOOD), "plan", &p, &f) == 0);
    CHECK_STR(p.id, "c1");
    CHECK_STR(p.hostname, "my host");
    CHECK(p.namespaces == (CV_NS_NET | CV_NS_IPC | CV_NS_CGROUP));
    CHECK_STR(p.rootfs, "/img/alpine");
    CHECK(p.nsetup == 10);
    CHECK(p.setup[0].kind == CV_SETUP_BIND && p.setup[0].readonly == 1);
    CHECK_STR(p.setup[0].src, "/home/me/a%b\nc");
    CHECK_STR(p.setup[0].dst, "/src");
    CHECK(p.setup[1].kind == CV_SETUP_TMPFS && p.setup[1].size == 1048576 && p.setup[1].mode == 01777);
    CHECK(p.setup[2].readonly == 0);
    /* Setup operations keep plan order: Java decides what lies on top of what. */
    CHECK(p.setup[3].kind == CV_SETUP_PROC && strcmp(p.setup[3].dst, "/proc") == 0);
    CHECK(p.setup[4].kind == CV_SETUP_SYSFS && strcmp(p.setup[4].dst, "/sys") == 0);
    CHECK(p.setup[5].kind == CV_SETUP_DEV && strcmp(p.setup[5].dst, "/dev") == 0);
    CHECK(p.setup[6].kind == CV_SETUP_DEVICE && p.setup[6].major == 1 && p.setup[6].minor == 3);
    CHECK_STR(p.setup[6].dst, "/dev/null");
    CHECK(p.setup[7].kind == CV_SETUP_SYMLINK);
    CHECK_STR(p.setup[7].src, "pts/ptmx");
    CHECK_STR(p.setup[7].dst, "/dev/ptmx");
    CHECK(p.setup[8].kind == CV_SETUP_DEVPTS && p.setup[9].kind == CV_SETUP_MQUEUE);
    CHECK_STR(p.default_path, "/usr/bin:/bin");
    CHECK(p.persistent == 1 && p.stop_grace_ms == 5000 && p.stream_timeout_ms == 250);
    CHECK(p.ncgroup_procs == 1 && p.ncleanup == 2);
    CHECK(p.cleanup[0].kind == CV_CLEANUP_TREE && p.cleanup[1].kind == CV_CLEANUP_RMDIR);
    CHECK(p.nlowers == 0);
    cv_plan_free(&p);

    /* Root layers over the base keep file order (top first); a relative one is refused. */
    CHECK(cv_plan_parse(with("lower /img/top\nlower /img/middle"), strlen(with("lower /img/top\nlower /img/middle")), "plan", &p,
                        &f) == 0);
    CHECK(p.nlowers == 2);
    CHECK_STR(p.lowers[0], "/img/top");
    CHECK_STR(p.lowers[1], "/img/middle");
    cv_plan_free(&p);
    expect_error(with("lower img/top"), "plan:30", "lower");

    /* No trailing newline is fine. */
    char nonl[4096];
    snprintf(nonl, sizeof nonl, "%s", GOOD);
    nonl[strlen(nonl) - 1] = '\0';
    CHECK(cv_plan_parse(nonl, strlen(nonl), "plan", &p, &f) == 0);
    cv_plan_free(&p);

    /* veth: both optional addresses given, then both left out. */
    CHECK(cv_plan_parse(with("veth cv0123456789abc 10.1.2.1 10.1.2.2 24 10.1.2.1"), strlen(with("veth cv0123456789abc 10.1.2.1 10.1.2.2 24 10.1.2.1")),
                        "plan", &p, &f) == 0);
    CHECK_STR(p.veth.host_if, "cv0123456789abc");
    CHECK(p.veth.has_host && p.veth.has_gateway && p.veth.prefix == 24);
    CHECK(ntohl(p.veth.host.s_addr) == 0x0a010201 && ntohl(p.veth.container.s_addr) == 0x0a010202);
    CHECK(ntohl(p.veth.gateway.s_addr) == 0x0a010201);
    cv_plan_free(&p);
    CHECK(cv_plan_parse(with("veth cv1 - 10.1.2.2 30 -"), strlen(with("veth cv1 - 10.1.2.2 30 -")), "plan", &p, &f) == 0);
    CHECK(!p.veth.has_host && !p.veth.has_gateway && p.veth.prefix == 30);
    cv_plan_free(&p);
    CHECK(cv_plan_parse(GOOD, strlen(GOOD), "plan", &p, &f) == 0);
    CHECK(p.veth.host_if == NULL);
    cv_plan_free(&p);

    /* overlay-volatile: a flag, once. */
    CHECK(cv_plan_parse(GOOD, strlen(GOOD), "plan", &p, &f) == 0);
    CHECK(p.overlay_volatile == 0);
    cv_plan_free(&p);
    CHECK(cv_plan_parse(with("overlay-volatile"), strlen(with("overlay-volatile")), "plan", &p, &f) == 0);
    CHECK(p.overlay_volatile == 1);
    cv_plan_free(&p);
    expect_error(with("overlay-volatile\noverlay-volatile"), "plan:31", "more than once");
    expect_error(with("overlay-volatile yes"), "plan:30", "takes 0 arguments, got 1");

    expect_error("containerv-plan 1\n", "plan:1", "unsupported plan version '1' (this helper reads version 2)");
    expect_error("hello\n", "plan:1", "first line must be");
    expect_error("", "plan:1", "empty plan");
    expect_error(with("bogus a b"), "plan:30", "unknown directive 'bogus'");
    /* User namespace: maps kept in order, setgroups, idmap-lower, bind-idmap as a setup op. */
    const char *users = with("uid-map 0 100000 65536\nuid-map 65536 300000 10\ngid-map 0 100000 65536\n"
                             "setgroups deny\nidmap-lower\nbind-idmap /srv/ro /ro");
    CHECK(cv_plan_parse(users, strlen(users), "plan", &p, &f) == 0);
    CHECK(cv_plan_has_userns(&p) && p.nuid_map == 2 && p.ngid_map == 1);
    CHECK(p.uid_map[0].inside == 0 && p.uid_map[0].outside == 100000 && p.uid_map[0].count == 65536);
    CHECK(p.uid_map[1].inside == 65536 && p.uid_map[1].outside == 300000 && p.uid_map[1].count == 10);
    CHECK(p.setgroups_deny && p.idmap_lower);
    CHECK(p.setup[p.nsetup - 1].kind == CV_SETUP_BIND_IDMAP && p.setup[p.nsetup - 1].readonly);
    CHECK_STR(p.setup[p.nsetup - 1].src, "/srv/ro");
    CHECK_STR(p.setup[p.nsetup - 1].dst, "/ro");
    cv_plan_free(&p);
    CHECK(cv_plan_parse(GOOD, strlen(GOOD), "plan", &p, &f) == 0);
    CHECK(!cv_plan_has_userns(&p) && !p.setgroups_deny && !p.idmap_lower);
    cv_plan_free(&p);
    expect_error(with("uid-map 0 1000"), "plan:30", "takes 3 arguments, got 2");
    expect_error(with("uid-map 0 1000 0\ngid-map 0 1000 1"), "plan:30", "not a range of 1 or more ids");
    expect_error(with("uid-map 0 4294967290 10\ngid-map 0 1000 1"), "plan:30", "below 4294967295");
    expect_error(with("uid-map 0 1000 10\nuid-map 5 5000 10\ngid-map 0 1000 1"), "plan:31", "overlaps 0 1000 10");
    expect_error(with("uid-map 0 1000 10\nuid-map 100 1005 10\ngid-map 0 1000 1"), "plan:31", "overlaps");
    expect_error(with("uid-map 0 1000 10"), "plan:0", "'uid-map' and 'gid-map' come together");
    expect_error(with("uid-map 1 1000 10\ngid-map 0 1000 1"), "plan:0", "must each map container id 0");
    expect_error(with("uid-map 0 1000 10\ngid-map 1 1000 1"), "plan:0", "must each map container id 0");
    expect_error(with("idmap-lower"), "plan:0", "need 'uid-map' and 'gid-map'");
    expect_error(with("bind-idmap /a /b"), "plan:0", "need 'uid-map' and 'gid-map'");
    expect_error(with("setgroups allow"), "plan:0", "need 'uid-map' and 'gid-map'");
    expect_error(with("setgroups maybe"), "plan:30", "'allow' or 'deny'");
    expect_error(with("setgroups deny\nsetgroups deny"), "plan:31", "more than once");
    expect_error(with("bind-idmap a /b"), "plan:30", "not absolute");
    /* Rootless with subordinate ids: the tools' paths, only with userns-self, both, and no setgroups of ours. */
    const char *subids = with("uid-map 0 1000 1\nuid-map 1 100000 65536\ngid-map 0 1000 1\nuserns-self\n"
                              "newuidmap /usr/bin/newuidmap\nnewgidmap /usr/bin/newgidmap");
    CHECK(cv_plan_parse(subids, strlen(subids), "plan", &p, &f) == 0);
    CHECK(p.userns_self && !p.setgroups_deny && p.nuid_map == 2);
    CHECK_STR(p.newuidmap, "/usr/bin/newuidmap");
    CHECK_STR(p.newgidmap, "/usr/bin/newgidmap");
    cv_plan_free(&p);
    expect_error(with("uid-map 0 1000 1\ngid-map 0 1000 1\nuserns-self\nnewuidmap /usr/bin/newuidmap"), "plan:0",
                 "'newuidmap' and 'newgidmap' come together and need 'userns-self'");
    expect_error(with("uid-map 0 1000 1\ngid-map 0 1000 1\nnewuidmap /a\nnewgidmap /b"), "plan:0", "need 'userns-self'");
    expect_error(with("uid-map 0 1000 1\ngid-map 0 1000 1\nuserns-self\nnewuidmap /a\nnewgidmap /b\nsetgroups deny"), "plan:0",
                 "'setgroups' is written by newgidmap");
    expect_error(with("newuidmap /a\nnewgidmap /b"), "plan:0", "need 'uid-map' and 'gid-map'");
    expect_error(with("newuidmap a"), "plan:30", "not absolute");
    expect_error(with("newuidmap /a\nnewuidmap /a"), "plan:31", "more than once");
    expect_error(with("veth a b"), "plan:30", "takes 5 arguments, got 2");
    expect_error(with("veth cv0123456789abcd - 10.0.0.2 24 -"), "plan:30", "1 to 15 characters");
    expect_error(with("veth c/v - 10.0.0.2 24 -"), "plan:30", "without '/'");
    expect_error(with("veth cv1 10.0.0.300 10.0.0.2 24 -"), "plan:30", "host address '10.0.0.300' is not an IPv4 address or '-'");
    expect_error(with("veth cv1 - - 24 -"), "plan:30", "container address '-' is not an IPv4 address");
    expect_error(with("veth cv1 - 10.0.0.2 33 -"), "plan:30", "prefix '33' is not a number from 0 to 32");
    expect_error(with("veth cv1 - 10.0.0.2 24 gw"), "plan:30", "gateway 'gw'");
    expect_error(with("veth cv1 - 10.0.0.2 24 -\nveth cv2 - 10.0.0.3 24 -"), "plan:31", "given twice");
    expect_error("containerv-plan 2\nid a\nhostname h\nstate-dir /s\ncontrol-socket /s/c\nrootfs /r\nupper /u\nwork /w\n"
                 "merged /m\nveth cv1 - 10.0.0.2 24 -\n", "plan:0", "'veth' needs 'namespaces' to include net");
    expect_error(with("bind /a /b"), "plan:30", "takes 3 arguments, got 2");
    expect_error(with("bind /a /b rx"), "plan:30", "'ro' or 'rw'");
    expect_error(with("bind a /b ro"), "plan:30", "not absolute");
    expect_error(with("tmpfs /t 12x 1777"), "plan:30", "not an unsigned decimal");
    expect_error(with("tmpfs /t 0 1778"), "plan:30", "octal");
    expect_error(with("id other"), "plan:30", "more than once");
    expect_error("containerv-plan 2\nnamespaces net user\n", "plan:2", "unknown namespace 'user'");
    expect_error(with("bind /a%2 /b ro"), "plan:30", "bad percent-encoding");
    expect_error(with("bind /a%00 /b ro"), "plan:30", "bad percent-encoding");
    expect_error(with("bind  /a /b ro"), "plan:30", "empty field");
    expect_error(with("persistent "), "plan:30", "empty field");
    expect_error(with("cleanup-tree /"), "plan:30", "refusing");
    expect_error(with("proc proc"), "plan:30", "not absolute");
    expect_error(with("proc /a /b"), "plan:30", "takes 1 arguments, got 2");
    expect_error(with("device /dev/x 1"), "plan:30", "takes 3 arguments, got 2");
    expect_error(with("device /dev/x 4096 0"), "plan:30", "outside major");
    expect_error(with("device /dev/x a 0"), "plan:30", "not an unsigned decimal");
    expect_error(with("symlink /a b"), "plan:30", "not absolute");
    expect_error(with("default-path /x"), "plan:30", "more than once");
    expect_error(with("tmpfs-upper /x 0"), "plan:0", "excludes");
    expect_error("containerv-plan 2\nid a\n", "plan:0", "required directive 'hostname'");

    /* A read-only root: rootfs and merged alone, no upper/work; with tmpfs-upper (a rootless host-root view) too. */
    static const char RO[] = "containerv-plan 2\nid c1\nhostname h\nstate-dir /s\ncontrol-socket /s/c\nrootfs /img\n"
                             "merged /img\nroot-readonly\n";
    CHECK(cv_plan_parse(RO, strlen(RO), "plan", &p, &f) == 0);
    CHECK(p.root_readonly == 1 && p.upper == NULL && p.work == NULL && p.tmpfs_upper == NULL);
    cv_plan_free(&p);
    CHECK(cv_plan_parse(GOOD, strlen(GOOD), "plan", &p, &f) == 0);
    CHECK(p.root_readonly == 0);
    cv_plan_free(&p);
    static char ro_tmpfs[512];
    snprintf(ro_tmpfs, sizeof ro_tmpfs, "%stmpfs-upper /l/scratch 0\n", RO);
    CHECK(cv_plan_parse(ro_tmpfs, strlen(ro_tmpfs), "plan", &p, &f) == 0);
    CHECK(p.root_readonly == 1 && p.tmpfs_upper != NULL);
    cv_plan_free(&p);
    expect_error(with("root-readonly"), "plan:0", "'root-readonly' excludes 'upper' and 'work'");
    expect_error(with("root-readonly x"), "plan:30", "takes 0 arguments");
    static char ro_twice[512];
    snprintf(ro_twice, sizeof ro_twice, "%sroot-readonly\n", RO);
    expect_error(ro_twice, "plan:9", "more than once");
    /* Without it, a plan with no writable layer is incomplete. */
    expect_error("containerv-plan 2\nid c1\nhostname h\nstate-dir /s\ncontrol-socket /s/c\nrootfs /img\nmerged /img\n", "plan:0",
                 "or 'root-readonly'");

    /* Hardening directives (issue 12). */
    static char sec[8192];
    snprintf(sec, sizeof sec, "%s%s", GOOD,
             "mask /proc/keys\nreadonly /proc/sys\ncaps CHOWN,KILL CHOWN CHOWN - -\nno-new-privs\n"
             "landlock ro /bin\nlandlock rw /tmp\nseccomp-default errno\nseccomp mount errno\n"
             "seccomp personality errno 0:ne:0\nseccomp-log\nlandlock-scope abstract-unix\n");
    CHECK(cv_plan_parse(sec, strlen(sec), "plan", &p, &f) == 0);
    CHECK(p.nsetup == 12 && p.setup[10].kind == CV_SETUP_MASK && p.setup[11].kind == CV_SETUP_READONLY);
    CHECK_STR(p.setup[10].dst, "/proc/keys");
    CHECK(p.has_caps && p.caps.bounding == ((1ULL << 0) | (1ULL << 5)) && p.caps.permitted == 1 && p.caps.ambient == 0);
    CHECK(p.no_new_privs == 1);
    CHECK(p.scope_abstract_unix == 1);
    CHECK(p.nlandlock == 2 && p.landlock[0].writable == 0 && p.landlock[1].writable == 1);
    CHECK_STR(p.landlock[1].path, "/tmp");
    CHECK(p.has_seccomp && p.seccomp_default.kind == CV_SC_ERRNO && p.nseccomp_rules == 2 && p.seccomp_log == 1);
    CHECK(p.seccomp_rules[1].nconds == 1);
    cv_plan_free(&p);
    expect_error(with("caps CHOWN,TELEPORT - - - -"), "plan:30", "TELEPORT");
    expect_error(with("caps - - - -"), "plan:30", "takes 5 arguments");
    expect_error(with("landlock rx /bin"), "plan:30", "'ro' or 'rw'");
    expect_error(with("landlock ro bin"), "plan:30", "not absolute");
    expect_error(with("landlock-scope signal"), "plan:30", "only scope is 'abstract-unix'");
    expect_error(with("seccomp mount"), "plan:30", "<name> <action>");
    expect_error(with("seccomp mount jump"), "plan:30", "bad action");
    expect_error(with("mask proc"), "plan:30", "not absolute");
    puts("plan_test: ok");
    return 0;
}
