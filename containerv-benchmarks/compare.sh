#!/usr/bin/env bash
# compare.sh: containerv against ProcessBuilder, crun, runc and bubblewrap, measured in one run.
#
#   containerv-benchmarks/compare.sh            # as root, for the container figures
#   RUNS=100 containerv-benchmarks/compare.sh   # more samples for the external tools (default 40)
#   (as a normal user: the rootless figures, containerv rootless beside bwrap run as the same user)
#   CONTAINERV_BENCH_ROOTLESS_USER=alice containerv-benchmarks/compare.sh   # as root: root figures, then the
#                                               # rootless ones of that user (run again as it with setpriv)
#
# 1. Runs the JMH benchmarks (target/benchmarks.jar, built here if missing): the ProcessBuilder("/bin/true")
#    baseline, spawn+wait in a running container, create+destroy (also with a read-only root, with a memory limit, with a
#    NetworkSpec, and with USERS),
#    create alone from a cached two-layer image beside the same tree as a plain directory, and create+run+destroy. SampleTime mode, one
#    fork, 2 warm-up and 3 measured iterations: about a minute on 2 cores.
# 2. Times the equivalents of crun, runc and bubblewrap on the same busybox root file system with hyperfine (or
#    a Python loop without it). A tool that is not installed, or cannot run containers on this host, is skipped
#    with a line saying why. Nothing is installed except busybox-static (from apt, when missing and root).
# 3. Times create from a cached image against a directory root in interleaved pairs (IMAGE_PAIRS, default 150),
#    which a loaded machine skews less than JMH's one-after-the-other runs.
# 4. Prints every median and its ratio to the ProcessBuilder median of this same run, then create+destroy against bwrap:
#    the default (a writable layer on disk) and the read-only root (like bwrap's --ro-bind, the like-for-like one).
# README.md explains how to read the table.
set -euo pipefail

here=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
jar="$here/target/benchmarks.jar"
runs=${RUNS:-40}
busybox=${CONTAINERV_BENCH_BUSYBOX:-/bin/busybox}

say() { printf '%s\n' "$*" >&2; }

command -v python3 >/dev/null || { say "compare.sh: python3 is needed to read the results; install it"; exit 1; }
command -v java >/dev/null || { say "compare.sh: java (17 or newer) is needed"; exit 1; }

if [[ ! -f "$jar" ]]; then
    say "building $jar (mvn -B -q -f $here/pom.xml package)..."
    mvn -B -q -f "$here/pom.xml" package -DskipTests >&2
fi

work=$(mktemp -d /tmp/containerv-compare.XXXXXX)
started=()
cleanup() {
    local entry
    for entry in "${started[@]+"${started[@]}"}"; do
        # "tool id": containers the comparison started in the background
        ${entry% *} delete -f "${entry#* }" >/dev/null 2>&1 || true
    done
    rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

is_root=false
[[ $(id -u) -eq 0 ]] && is_root=true

static_busybox() {
    [[ -x "$busybox" ]] && ! LC_ALL=C readelf -l "$busybox" 2>/dev/null | grep -q 'INTERP'
}
if ! static_busybox && $is_root && [[ "$busybox" == /bin/busybox ]] && command -v apt-get >/dev/null; then
    say "installing busybox-static (apt-get install -y busybox-static) for the container root file system..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static >&2 || true
fi

containers=true
if ! $is_root; then
    # Rootless: linux-ns runs each container in a user namespace of this user; crun and runc are not compared.
    say "rootless mode (uid $(id -u)): containerv rootless beside bwrap run as the same user; no limits or NetworkSpec benchmarks"
fi
if ! static_busybox; then
    containers=false
    say "skip: no statically linked busybox at $busybox (apt-get install busybox-static, or set CONTAINERV_BENCH_BUSYBOX); measuring the baseline only"
fi

jmh_args=(-rf json -rff "$work/jmh.json" -jvmArgsAppend "-Dcontainerv.bench.busybox=$busybox")
if $containers && ! $is_root; then
    jmh_args+=('HostProcessBenchmark|ContainerSpawnBenchmark|ContainerLifecycleBenchmark.(createDestroy|createDestroyReadOnlyRoot|createRunTrueDestroy)$')
elif $containers; then
    jmh_args+=('HostProcessBenchmark|ContainerSpawnBenchmark|ContainerLifecycleBenchmark|ImageRootBenchmark')
else
    jmh_args+=('HostProcessBenchmark')
fi
say "running JMH (about a minute; log in $work/jmh.log while it runs)..."
if ! java -jar "$jar" "${jmh_args[@]}" >"$work/jmh.log" 2>&1; then
    say "JMH failed; the end of its log:"
    tail -n 40 "$work/jmh.log" >&2
    exit 1
fi
if grep -q '<failure>' "$work/jmh.log"; then
    say "some benchmarks failed (their figures are missing below); from the JMH log:"
    grep -A 3 '<failure>' "$work/jmh.log" | head -n 20 >&2
fi

# time NAME COMMAND...: median of $runs runs into $work/NAME.json (hyperfine's JSON shape)
time_cmd() {
    local name=$1
    shift
    if command -v hyperfine >/dev/null; then
        hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/$name.json" -- "$*" >/dev/null 2>"$work/$name.err" \
            || { say "skip: $name: hyperfine failed: $(head -n 1 "$work/$name.err")"; rm -f "$work/$name.json"; }
    else
        python3 - "$work/$name.json" "$runs" "$@" <<'PY' || say "skip: $name: the command failed while being timed"
import json, statistics, subprocess, sys, time
out, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for _ in range(3):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
json.dump({"results": [{"command": " ".join(cmd), "median": statistics.median(times), "times": times}]}, open(out, "w"))
PY
    fi
}

# trial TOOL COMMAND...: runs once; on failure prints why the tool is skipped
trial() {
    local tool=$1
    shift
    # Output to a file, not $(...): a detached container inherits it and would hold a pipe open for good.
    if ! "$@" </dev/null >"$work/trial.out" 2>&1; then
        say "skip: $tool is installed but cannot run a container here: $(head -n 1 "$work/trial.out")"
        return 1
    fi
}

if $containers && ! $is_root; then
    # A cached image is a layered root (LAYERED_ROOTFS), which linux-ns does not offer a normal user.
    say "skip: the image create comparison (a root of several layers is not offered rootless)"
elif $containers; then
    say "timing create from a cached image against a directory root in ${IMAGE_PAIRS:-150} interleaved pairs..."
    java -Dcontainerv.bench.busybox="$busybox" -cp "$jar" dev.containerv.benchmarks.ImageCreateComparison "${IMAGE_PAIRS:-150}" \
        >"$work/image-pairs.json" 2>"$work/image-pairs.err" \
        || { say "skip: the image create comparison failed: $(tail -n 3 "$work/image-pairs.err")"; rm -f "$work/image-pairs.json"; }
fi

if command -v hyperfine >/dev/null; then
    say "timing the external tools with hyperfine ($runs runs each, 3 warm-up)"
else
    say "hyperfine is not installed: timing the external tools with a Python loop ($runs runs each, 3 warm-up)"
fi
time_cmd host-true /bin/true

if $containers; then
    rootfs="$work/rootfs"
    java -cp "$jar" -Dcontainerv.bench.busybox="$busybox" dev.containerv.benchmarks.BusyboxRootfs "$rootfs"
    # OCI bundles for crun and runc: the default spec of the tool, without a terminal, on the same read-only rootfs.
    make_bundle() {
        local tool=$1 dir=$2
        shift 2
        mkdir -p "$dir"
        (cd "$dir" && "$tool" spec)
        python3 - "$dir/config.json" "$rootfs" "$@" <<'PY'
import json, sys
path, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = args
c["root"] = {"path": rootfs, "readonly": True}
json.dump(c, open(path, "w"), indent=1)
PY
    }
    for tool in crun runc; do
        if ! $is_root; then
            say "skip: $tool (compared as root only)"
            continue
        fi
        if ! command -v "$tool" >/dev/null; then
            say "skip: $tool is not installed (apt-get install $tool)"
            continue
        fi
        make_bundle "$tool" "$work/$tool-true" /bin/true
        make_bundle "$tool" "$work/$tool-sleep" /bin/sleep 100000
        id="cvbench-$tool-$$"
        if trial "$tool" "$tool" run -b "$work/$tool-true" "$id-run"; then
            time_cmd "$tool-run" "$tool" run -b "$work/$tool-true" "$id-run"
            started+=("$tool $id-exec")
            if trial "$tool" "$tool" run -d -b "$work/$tool-sleep" "$id-exec"; then
                time_cmd "$tool-exec" "$tool" exec "$id-exec" /bin/true
            fi
            "$tool" delete -f "$id-exec" >/dev/null 2>&1 || true
        fi
    done
    if command -v bwrap >/dev/null; then
        bwrap_cmd=(bwrap --unshare-all --die-with-parent --ro-bind "$rootfs" / --proc /proc --dev /dev /bin/true)
        if trial bwrap "${bwrap_cmd[@]}"; then
            time_cmd bwrap "${bwrap_cmd[@]}"
        fi
    else
        say "skip: bwrap is not installed (apt-get install bubblewrap)"
    fi
fi

python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
jmh = {}
for r in json.load(open(os.path.join(work, "jmh.json"))):
    name = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
    jmh[name] = (r["primaryMetric"]["scorePercentiles"]["50.0"], r["primaryMetric"].get("scoreUnit"))
def external(name):
    p = os.path.join(work, name + ".json")
    if not os.path.exists(p):
        return None
    return json.load(open(p))["results"][0]["median"] * 1000.0
base = jmh.get("HostProcessBenchmark.processBuilderTrue", (None,))[0]
rows = [
    ("host: ProcessBuilder /bin/true, start+waitFor (JMH, the baseline)", jmh.get("HostProcessBenchmark.processBuilderTrue", (None,))[0]),
    ("containerv: spawn+waitFor /bin/true in a running container, 3 pipes (JMH)", jmh.get("ContainerSpawnBenchmark.spawnTrue", (None,))[0]),
    ("containerv: the same without streams (/dev/null, discard) (JMH)", jmh.get("ContainerSpawnBenchmark.spawnTrueWithoutStreams", (None,))[0]),
    ("containerv: create+destroy (JMH)", jmh.get("ContainerLifecycleBenchmark.createDestroy", (None,))[0]),
    ("containerv: create+destroy, read-only root, no writable layer (JMH)", jmh.get("ContainerLifecycleBenchmark.createDestroyReadOnlyRoot", (None,))[0]),
    ("containerv: create+destroy with a 256M memory limit (JMH)", jmh.get("ContainerLifecycleBenchmark.createDestroyWithMemoryLimit", (None,))[0]),
    ("containerv: create+destroy with a NetworkSpec (veth) (JMH)", jmh.get("ContainerLifecycleBenchmark.createDestroyWithNetwork", (None,))[0]),
    ("containerv: create+destroy with USERS (uid/gid maps, idmapped rootfs) (JMH)", jmh.get("ContainerLifecycleBenchmark.createDestroyWithUsers", (None,))[0]),
    ("containerv: create only, root a plain directory (JMH, destroy not timed)", jmh.get("ImageRootBenchmark.createFromDirectory", (None,))[0]),
    ("containerv: create only, from a cached 2-layer image, store lookup included (JMH)", jmh.get("ImageRootBenchmark.createFromCachedImage", (None,))[0]),
    ("containerv: create+run /bin/true+destroy (JMH)", jmh.get("ContainerLifecycleBenchmark.createRunTrueDestroy", (None,))[0]),
    ("host: /bin/true (external timer's own baseline)", external("host-true")),
    ("crun exec /bin/true in a running container", external("crun-exec")),
    ("crun run /bin/true (create+run+destroy)", external("crun-run")),
    ("runc exec /bin/true in a running container", external("runc-exec")),
    ("runc run /bin/true (create+run+destroy)", external("runc-run")),
    ("bwrap /bin/true (new namespaces, ro rootfs)", external("bwrap")),
]
width = max(len(r[0]) for r in rows)
print()
print("mode: " + ("root" if os.geteuid() == 0 else f"rootless (uid {os.geteuid()})"))
print("medians in ms; ratio = median / ProcessBuilder median of this run (lower is faster)")
print(f"{'what':<{width}}  {'median':>8}  {'ratio':>6}")
for what, median in rows:
    if median is None:
        print(f"{what:<{width}}  {'-':>8}  {'-':>6}   (not measured; see the skip lines above)")
    else:
        ratio = f"{median / base:.2f}" if base else "-"
        print(f"{what:<{width}}  {median:8.3f}  {ratio:>6}")
bwrap = external("bwrap")
if bwrap:
    print(f"\ncreate+destroy against bwrap /bin/true ({bwrap:.3f} ms), ratio = containerv median / bwrap median:")
    for what, key in (("default, a private writable layer on disk", "createDestroy"),
                      ("read-only root: the like-for-like comparison with bwrap's --ro-bind root", "createDestroyReadOnlyRoot")):
        m = jmh.get("ContainerLifecycleBenchmark." + key, (None,))[0]
        print(f"  {what:<72}  {m:8.3f}  {m / bwrap:5.2f}x" if m is not None else f"  {what:<72}  not measured")
plain = jmh.get("ImageRootBenchmark.createFromDirectory", (None,))[0]
image = jmh.get("ImageRootBenchmark.createFromCachedImage", (None,))[0]
if plain is not None and image is not None:
    print(f"\ncreate from a cached image, JMH one side after the other: {image - plain:+.3f} ms against a plain directory root")
pairs_file = os.path.join(work, "image-pairs.json")
if os.path.exists(pairs_file):
    p = json.load(open(pairs_file))
    print(f"create from a cached image, {p['pairs']} interleaved pairs: directory {p['directory']:.3f} ms, image {p['image']:.3f} ms (medians);"
          f" paired difference {p['difference']:+.3f} ms (p25 {p['p25']:+.3f}, p75 {p['p75']:+.3f}); issue 17: at most +2 ms")
PY

# As root with a user named: the same comparison again as that user (rootless), its table after this one.
if $is_root && [[ -n "${CONTAINERV_BENCH_ROOTLESS_USER:-}" ]]; then
    user=$CONTAINERV_BENCH_ROOTLESS_USER
    home=$(getent passwd "$user" | cut -d: -f6)
    [[ -n "$home" && $(id -u "$user") -ne 0 ]] || { say "compare.sh: $user is not a normal user of this host"; exit 1; }
    # The runtime directory a login would have (systemd-logind's /run/user/<uid> is a tmpfs): the rootless state
    # root lives there. On /dev/shm, a tmpfs, when there is one: on a disk, its files would cost journal writes
    # that no real session pays.
    rundir_base=/tmp
    [[ -d /dev/shm && -w /dev/shm ]] && rundir_base=/dev/shm
    rundir=$(mktemp -d "$rundir_base/containerv-compare-run.XXXXXX")
    chown "$user:" "$rundir"
    say "running the rootless comparison as $user (setpriv)..."
    status=0
    setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- env -i HOME="$home" PATH=/usr/bin:/bin \
        XDG_RUNTIME_DIR="$rundir" RUNS="$runs" CONTAINERV_BENCH_BUSYBOX="$busybox" "$here/compare.sh" || status=$?
    rm -rf -- "$rundir"
    exit "$status"
fi

