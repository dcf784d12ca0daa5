#!/usr/bin/env bash
# compare-pull.sh: containerv's pull+unpack against skopeo copy + umoci unpack of the same image, in one run.
#
#   containerv-benchmarks/compare-pull.sh            # as root (both tools keep owners), about 1-2 minutes
#   RUNS=15 containerv-benchmarks/compare-pull.sh    # more samples (default 9)
#   MB=60 containerv-benchmarks/compare-pull.sh      # a bigger image (default: about 30 MB of compressed layers)
#   BASELINE_JAR=/tmp/old.jar containerv-benchmarks/compare-pull.sh
#                                                    # also times another build (a benchmarks.jar of an older
#                                                    # commit), for before/after figures from one run
#
# 1. Starts Debian's docker-registry (the reference distribution registry) on a free 127.0.0.1 port, with its
#    storage in a temporary directory.
# 2. Builds an image of three gzip layers from files copied out of the host's /usr (sorted, so the same host gives
#    the same image) with tar and gzip, about $MB MB compressed, and pushes it to that registry with skopeo.
# 3. Times, alternating round by round, each into an empty destination (a cold layer cache every time):
#    - skopeo copy docker://REF oci:DIR + umoci unpack (two processes, as a shell would run them);
#    - containerv: ImageStore.pull in a new JVM per pull (java -cp benchmarks.jar PullTimer REF DIR 1), the
#      whole process timed, and the pull alone as the JVM measured it;
#    - containerv: ImageStore.pull in one JVM that already pulled once (the library in a build tool's daemon).
# 4. Prints the medians and each one's ratio to skopeo + umoci.
# Needs docker-registry, skopeo and umoci (apt-get install -y docker-registry skopeo umoci), java 17+, python3.
set -euo pipefail

here=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
jar="$here/target/benchmarks.jar"
runs=${RUNS:-9}
mb=${MB:-30}

say() { printf '%s\n' "$*" >&2; }

missing=()
for tool in docker-registry skopeo umoci python3 java; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    say "compare-pull.sh: missing ${missing[*]} (apt-get install -y docker-registry skopeo umoci; java 17+, python3)"
    exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
    say "compare-pull.sh: run as root: both sides then keep owners (umoci unpack needs --rootless otherwise)"
    exit 1
fi
if [[ ! -f "$jar" ]]; then
    say "building $jar (mvn -B -q -f $here/pom.xml package)..."
    mvn -B -q -f "$here/pom.xml" package -DskipTests >&2
fi

work=$(mktemp -d /tmp/containerv-pull-compare.XXXXXX)
registry_pid=
cleanup() {
    if [[ -n "$registry_pid" ]]; then
        kill "$registry_pid" 2>/dev/null || true
        wait "$registry_pid" 2>/dev/null || true
    fi
    rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
python3 - "$port" <<'PY' || { say "docker-registry did not come up:"; cat "$work/registry.log" >&2; exit 1; }
import sys, time, urllib.request
deadline = time.time() + 20
while True:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/v2/", timeout=2)
        break
    except Exception:
        if time.time() > deadline:
            sys.exit(1)
        time.sleep(0.1)
PY

say "building a ~$mb MB image of three layers from the host's /usr (tar, gzip) and pushing it (skopeo)..."
# Regular files and symlinks from /usr, in sorted path order, until the layers' budgets (uncompressed, about
# 3.6 times the compressed size for this mix of small libraries, scripts and text) are filled: 60/30/10 %.
python3 - "$work/stage" "$mb" <<'PY'
import os, shutil, sys
stage, mb = sys.argv[1], int(sys.argv[2])
budgets = [int(mb * 3.6 * f * 1024 * 1024) for f in (0.6, 0.3, 0.1)]
layer, used = 0, 0
for top in ("/usr/lib", "/usr/share", "/usr/bin"):
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        for name in sorted(filenames):
            src = os.path.join(dirpath, name)
            if not (os.path.islink(src) or os.path.isfile(src)):
                continue
            size = 0 if os.path.islink(src) else os.path.getsize(src)
            if size > 256 * 1024:
                continue
            dst = os.path.join(stage, f"l{layer}", src.lstrip("/"))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if os.path.islink(src):
                os.symlink(os.readlink(src), dst)
            else:
                shutil.copy2(src, dst)
            used += size
            if used >= budgets[layer]:
                layer, used = layer + 1, 0
                if layer == len(budgets):
                    sys.exit(0)
PY
# The OCI layout, by hand: GNU tar (sorted, numeric owners) and gzip -6 per layer, JSON by Python. (umoci insert
# 0.4.7 cut one such layer short in the middle of a file, so it does not build the image.)
python3 - "$work/stage" "$work/src" <<'PY'
import hashlib, json, os, subprocess, sys
stage, layout = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(layout, "blobs", "sha256"))
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", h), "wb") as f:
        f.write(data)
    return "sha256:" + h
layers, diff_ids = [], []
for l in sorted(os.listdir(stage)):
    tar = subprocess.run(["tar", "-C", os.path.join(stage, l), "--sort=name", "--numeric-owner", "-cf", "-", "usr"],
                         stdout=subprocess.PIPE, check=True).stdout
    gz = subprocess.run(["gzip", "-6", "-n"], input=tar, stdout=subprocess.PIPE, check=True).stdout
    diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(gz), "size": len(gz)})
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
                     "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(config),
                                  "size": len(config)},
                       "layers": layers}).encode()
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
         "digest": blob(manifest), "size": len(manifest),
         "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
open(os.path.join(layout, "oci-layout"), "w").write('{"imageLayoutVersion": "1.0.0"}')
PY
rm -rf -- "$work/stage"
ref="127.0.0.1:$port/bench/pull:1"
skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$work/src:bench" "docker://$ref" >&2
python3 - "$work/src" <<'PY' >&2
import json, os, sys
layout = sys.argv[1]
blob = lambda d: os.path.join(layout, "blobs", *d.split(":"))
index = json.load(open(os.path.join(layout, "index.json")))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
sizes = [l["size"] for l in manifest["layers"]]
print("image: %d layers, %.1f MB compressed (%s)" % (len(sizes), sum(sizes) / 1e6, ", ".join("%.1f" % (s / 1e6) for s in sizes)))
PY

say "timing $runs rounds (skopeo+umoci, containerv new JVM, containerv warm JVM), alternating..."
python3 - "$work" "$jar" "$ref" "$runs" "${BASELINE_JAR:-}" <<'PY'
import os, shutil, statistics, subprocess, sys, time
work, jar, ref, runs, baseline_jar = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)

def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    return path

def skopeo_umoci():
    layout, bundle = fresh(os.path.join(work, "dst")), fresh(os.path.join(work, "bundle"))
    t = time.perf_counter()
    subprocess.run(["skopeo", "--insecure-policy", "copy", "-q", "--src-tls-verify=false",
                    "docker://" + ref, "oci:" + layout + ":bench"], **quiet)
    subprocess.run(["umoci", "unpack", "--image", layout + ":bench", bundle], **quiet)
    return time.perf_counter() - t

def containerv_new_jvm(jar):
    store = fresh(os.path.join(work, "cv"))
    t = time.perf_counter()
    out = subprocess.run(["java", "-cp", jar, "dev.containerv.benchmarks.PullTimer", ref, store, "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True, text=True).stdout
    wall = time.perf_counter() - t
    return wall, float(out.split()[0]) / 1000.0

# The warm JVM: PullTimer REF DIR - pulls once per line it reads (see start_warm below).
warm_proc = None
def start_warm(jar, name):
    return subprocess.Popen(["java", "-cp", jar, "dev.containerv.benchmarks.PullTimer", ref,
                             fresh(os.path.join(work, name)), "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

def warm_pull(proc):
    proc.stdin.write("pull\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    if not line:
        raise subprocess.CalledProcessError(proc.wait(), proc.args)
    return float(line.split()[0]) / 1000.0

jars = {"": jar}
if baseline_jar:
    jars["base_"] = baseline_jar
series = {"skopeo": []}
# One long-running JVM per build: its first pull (round 0) warms it; each round asks it for one more pull.
warm = {prefix: start_warm(j, prefix + "warm") for prefix, j in jars.items()}
for prefix in jars:
    series[prefix + "cv_jvm"], series[prefix + "cv_jvm_pull"], series[prefix + "cv_warm"] = [], [], []
try:
    for i in range(runs + 1):  # round 0 warms the page cache, the registry and the JVMs, and is not counted
        s = skopeo_umoci()
        if i > 0:
            series["skopeo"].append(s)
        for prefix, j in jars.items():
            w, p = containerv_new_jvm(j)
            h = warm_pull(warm[prefix])
            if i > 0:
                series[prefix + "cv_jvm"].append(w)
                series[prefix + "cv_jvm_pull"].append(p)
                series[prefix + "cv_warm"].append(h)
    for proc in warm.values():
        proc.stdin.close()
        proc.wait(timeout=60)
except (BrokenPipeError, subprocess.CalledProcessError) as e:
    for proc in warm.values():
        proc.kill()
    if isinstance(e, BrokenPipeError):
        sys.exit("a long-running PullTimer JVM stopped (does that jar's PullTimer take '-'?)")
    sys.exit("a timed command failed: %s\n%s" % (" ".join(e.cmd), (e.stderr or b"")[-2000:]))

med = {k: statistics.median(v) * 1000.0 for k, v in series.items()}
base = med["skopeo"]
rows = [
    ("skopeo copy + umoci unpack (the baseline)", "skopeo"),
    ("containerv pull, new JVM per pull (whole java process)", "cv_jvm"),
    ("containerv pull, new JVM per pull (the pull alone)", "cv_jvm_pull"),
    ("containerv pull, in a JVM that pulled before", "cv_warm"),
]
if baseline_jar:
    rows += [("BASELINE_JAR: " + what[len("containerv "):], "base_" + key) for what, key in rows[1:]]
width = max(len(r[0]) for r in rows)
print()
print("medians of %d runs in ms, each into an empty destination; ratio = median / skopeo+umoci median" % runs)
print(f"{'what':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}  {'ratio':>6}")
for what, key in rows:
    v = [x * 1000.0 for x in series[key]]
    print(f"{what:<{width}}  {med[key]:8.1f}  {min(v):8.1f}  {max(v):8.1f}  {med[key] / base:6.2f}")
PY
