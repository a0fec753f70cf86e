#!/usr/bin/env bash
# Scaling benchmark on the Compose cluster profile (three KRaft brokers, RF 3 / min ISR 2): what a detector replica
# and an ingest instance add, each in a container with a CPU quota standing in for a machine. A benchmark, not a
# test: it prints tables (and writes them to deploy/target/cluster-bench/results.md); it fails only when a
# measurement is not valid (a rebalance in the window, the backlog ran out, a service did not start).
#
#   deploy/docker/cluster-bench.sh [--video FILE] [--replicas 1,2,3] [--cpus 0.5] [--partitions 6]
#                                  [--cameras-per-partition 7] [--warmup-s 30] [--window-s 120]
#                                  [--ingest-cameras 2,3,4,5,6,7,8,10,12] [--ingest-cpus 0.5] [--ingest-instances 2]
#                                  [--ingest-warmup-s 20] [--ingest-window-s 60] [--broker-healthcheck-s 60]
#                                  [--max-outside-cores 0.25] [--attempts 3] [--quiet-wait-s 1800]
#                                  [--skip-detect] [--skip-ingest] [--public-images] [--keep]
#
# Detectors (offered load above capacity = a backlog): `ingest --replay --speed max` publishes every frame of the
# video (--video, an H.264 MP4; default: the demo camera's built-in clip) as --cameras-per-partition cameras per
# partition of `frames` (--partitions), with camera ids picked so that Kafka's default partitioner (murmur2 of the
# key, the camera id) puts the same number of cameras on every partition; the frames per partition are then
# counted from the log. Then for each N of --replicas: N detector replicas (`cpus: --cpus` each, ONNX Runtime
# threads = the quota rounded up) in a fresh consumer group read that backlog from the start; once every replica has
# its partitions and has committed frames, --warmup-s, then the committed detection records of each replica are
# counted over --window-s (the detector's /metrics counter yolostream_detector_frames_total, incremented after the
# transaction committed). The window is valid only if the group's assignment is the same before and after it, no
# transaction aborted and every replica still had a backlog at its end. efficiency = throughput(N) / (N x
# throughput(1)).
# Ingest: the demo camera serves the same video to every client (each its own copy at the file's frame rate); one
# ingest instance (`cpus: --ingest-cpus`) runs --ingest-cameras cameras at 5 fps, in steps, until a step is not
# sustained (a camera publishes < 0.95 x 5 frames/s, or a frame is dropped or failed over the window); then
# --ingest-instances instances, each with the largest sustained count, at once: efficiency = published fps of all /
# (instances x published fps of one).
# Next to every number: the CPU cores each service and the host used over the window (from the containers' cgroups
# and /proc/stat; "HOST SATURATED" when the host had none to spare: the number is then a lower bound), and the
# `uptime` load and `docker stats --no-stream` taken in the middle of the window (deploy/target/cluster-bench/
# load.log). Run it when nothing else loads the machine: a quota stands for a machine only while the host has CPU
# left over for the brokers. The brokers' healthcheck runs every --broker-healthcheck-s seconds instead of the
# compose files' 15 (each check starts a JVM: at 15 s the three checks cost ~0.27 of a core, more than the idle
# brokers themselves).
# On a shared machine: before each measurement it waits (at most --quiet-wait-s) until processes outside this project
# use less than --max-outside-cores, and a window in which they used more is measured again from the start (a fresh
# group, fresh containers), at most --attempts times; a row that never got a quiet window says "contended".
#
# Project yolostream-cluster-bench; host ports: free ones. Needs: Docker (BuildKit) with dockerd running,
# docker-compose 1.29 (or DOCKER_COMPOSE="docker compose"), kcat, /usr/bin/python3; the stand-in base images of
# local-images.sh (built here when missing) unless --public-images. Bounded: every wait has a limit. `down -v` at the
# end (--keep: leave the stack up).
set -euo pipefail

video=""
replicas_list=1,2,3
cpus=0.5
partitions=6
cams_per_partition=7
warmup_s=30
window_s=120
ingest_cameras_list=2,3,4,5,6,7,8,10,12
ingest_cpus=0.5
ingest_instances=2
ingest_warmup_s=20
ingest_window_s=60
broker_hc_s=60
max_outside=0.25
attempts=3
quiet_wait_s=1800
skip_detect=false
skip_ingest=false
public_images=false
keep=false
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "cluster-bench.sh: $1 needs a value (see --help)" >&2; exit 2; }; }
while (($# > 0)); do
  case "$1" in
    --video) need_value "$@"; video=$2; shift ;;
    --replicas) need_value "$@"; replicas_list=$2; shift ;;
    --cpus) need_value "$@"; cpus=$2; shift ;;
    --partitions) need_value "$@"; partitions=$2; shift ;;
    --cameras-per-partition) need_value "$@"; cams_per_partition=$2; shift ;;
    --warmup-s) need_value "$@"; warmup_s=$2; shift ;;
    --window-s) need_value "$@"; window_s=$2; shift ;;
    --ingest-cameras) need_value "$@"; ingest_cameras_list=$2; shift ;;
    --ingest-cpus) need_value "$@"; ingest_cpus=$2; shift ;;
    --ingest-instances) need_value "$@"; ingest_instances=$2; shift ;;
    --ingest-warmup-s) need_value "$@"; ingest_warmup_s=$2; shift ;;
    --ingest-window-s) need_value "$@"; ingest_window_s=$2; shift ;;
    --broker-healthcheck-s) need_value "$@"; broker_hc_s=$2; shift ;;
    --max-outside-cores) need_value "$@"; max_outside=$2; shift ;;
    --attempts) need_value "$@"; attempts=$2; shift ;;
    --quiet-wait-s) need_value "$@"; quiet_wait_s=$2; shift ;;
    --skip-detect) skip_detect=true ;;
    --skip-ingest) skip_ingest=true ;;
    --public-images) public_images=true ;;
    --keep) keep=true ;;
    -h | --help) usage; exit 0 ;;
    *) echo "cluster-bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
int_list() { [[ $1 =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]]; }
int_list "$replicas_list" || { echo "cluster-bench.sh: --replicas: expected numbers like 1,2,3, found '$replicas_list'" >&2; exit 2; }
int_list "$ingest_cameras_list" || { echo "cluster-bench.sh: --ingest-cameras: expected numbers like 2,4,6, found '$ingest_cameras_list'" >&2; exit 2; }
for v in partitions cams_per_partition warmup_s window_s ingest_instances ingest_warmup_s ingest_window_s broker_hc_s attempts quiet_wait_s; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "cluster-bench.sh: --${v//_/-}: expected a positive integer, found '${!v}'" >&2; exit 2; }
done
for v in cpus ingest_cpus max_outside; do
  [[ ${!v} =~ ^[0-9]+(\.[0-9]+)?$ ]] && { [ "${!v}" != 0 ] || [ "$v" = max_outside ]; } || { echo "cluster-bench.sh: --${v//_/-}: expected a CPU count like 0.5, found '${!v}'" >&2; exit 2; }
done
if [ -n "$video" ] && [ ! -f "$video" ]; then echo "cluster-bench.sh: --video: no such file: $video" >&2; exit 2; fi
if $public_images && [ -z "$video" ]; then
  echo "cluster-bench.sh: --public-images needs --video (the built-in clip comes from the stand-in camera image)" >&2
  exit 2
fi
for n in ${replicas_list//,/ }; do
  [ "$n" -le "$partitions" ] || { echo "cluster-bench.sh: --replicas $n > --partitions $partitions: a replica would idle" >&2; exit 2; }
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deploy=$(cd "$here/.." && pwd)
docker=${DOCKER:-/usr/bin/docker}
export PATH="$(dirname "$docker"):$PATH" # Compose's builds call `docker` from the PATH: make it this one
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
read -r -a compose_cmd <<< "${DOCKER_COMPOSE:-docker-compose}"
python=/usr/bin/python3
project=yolostream-cluster-bench
out=$deploy/target/cluster-bench
mkdir -p "$out"
override=$out/bench.override.yml
files=(-f docker-compose.yml -f docker-compose.cpu.yml)
if ! $public_images; then
  files+=(-f docker-compose.local.yml)
  export KAFKA_IMAGE=${KAFKA_IMAGE:-yolostream-local/kafka:4.4.0}
fi
files+=(-f docker-compose.cluster.yml -f "$override")
compose() { (cd "$deploy" && "${compose_cmd[@]}" -p "$project" "${files[@]}" "$@"); }
compose_t() { # compose_t SECONDS ARGS...: compose, bounded
  local limit=$1
  shift
  (cd "$deploy" && timeout "$limit" "${compose_cmd[@]}" -p "$project" "${files[@]}" "$@")
}
started=$SECONDS
log() { echo "cluster-bench: [$((SECONDS - started)) s] $*" | tee -a "$out/bench.log"; }
die() {
  echo "cluster-bench: FAILED: $*" | tee -a "$out/bench.log" >&2
  exit 1
}
: > "$out/bench.log"

# ------------------------------------------------------------------------------------------------ preflight
"$docker" info > /dev/null 2>&1 || die "no Docker engine answers ($docker info); start dockerd"
command -v "${compose_cmd[0]}" > /dev/null || die "${compose_cmd[*]} not found (apt-get install docker-compose)"
command -v kcat > /dev/null || die "kcat not found (apt-get install kcat)"
others=$("$docker" ps --format '{{.Label "com.docker.compose.project"}}' | grep -v "^$project\$" | sort | uniq -c || true)
if [ -n "$others" ]; then log "WARNING: other compose projects are running (their load skews the numbers): $(echo $others)"; fi

port_free() { ! { exec 3<> "/dev/tcp/127.0.0.1/$1"; } 2> /dev/null; }
pick_port() {
  if port_free "$1"; then echo "$1"; else
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  fi
}
KAFKA_HOST_PORT=$(pick_port 39092)
KAFKA_2_HOST_PORT=$(pick_port 39093)
KAFKA_3_HOST_PORT=$(pick_port 39094)
INGEST_HOST_PORT=$(pick_port 39081)
SINKS_HOST_PORT=$(pick_port 39083)
DEMO_CAMERA_HOST_PORT=$(pick_port 39554)
export KAFKA_HOST_PORT KAFKA_2_HOST_PORT KAFKA_3_HOST_PORT INGEST_HOST_PORT SINKS_HOST_PORT DEMO_CAMERA_HOST_PORT
bootstrap=127.0.0.1:$KAFKA_HOST_PORT

# the video: mounted read-only into the replays and the demo camera
video_dir=$out/videos
mkdir -p "$video_dir"
if [ -n "$video" ]; then
  video_name=$(basename "$video")
  [ "$(cd "$(dirname "$video")" && pwd)/$video_name" = "$video_dir/$video_name" ] || cp "$video" "$video_dir/$video_name"
  video_label=$video_name
else
  video_name=demo-camera-built-in.mp4 # made below from the demo camera image's built-in clip
  video_label="the demo camera's built-in clip (640x360 test pattern)"
fi
chmod a+r "$video_dir"/* 2> /dev/null || true
export DEMO_VIDEO_DIR=$video_dir DEMO_VIDEO=$video_name

threads_for() { "$python" -c 'import math, sys; print(max(1, math.ceil(float(sys.argv[1]))))' "$1"; }
cat > "$override" << EOF
# made by docker/cluster-bench.sh: a CPU quota per service container (a machine each), the bench video
services:
  detector:
    cpus: $cpus
    environment:
      YOLOSTREAM_DETECT_THREADS: "$(threads_for "$cpus")"
  ingest:
    cpus: $ingest_cpus
  tools:
    volumes:
      - $video_dir:/bench-videos:ro
$(for b in kafka kafka-2 kafka-3; do printf '  %s:\n    healthcheck:\n      interval: %ss\n' "$b" "$broker_hc_s"; done)
EOF

cleanup() {
  local rc=$?
  compose ps > "$out/ps.txt" 2>&1 || true
  compose logs --no-color > "$out/logs.txt" 2>&1 || true
  if $keep; then
    echo "cluster-bench: --keep: the stack is still up (cd deploy && ${compose_cmd[*]} -p $project ${files[*]} down -v)" >&2
  else
    for id in $("$docker" ps -aq --filter "label=com.docker.compose.project=$project"); do
      "$docker" rm -f "$id" > /dev/null 2>&1 || true # the one-off ingest instances too
    done
    compose down -v --remove-orphans --timeout 10 > /dev/null 2>&1 || true
  fi
  if [ -n "${lent_ca:-}" ]; then rm -f $lent_ca; fi
  exit $rc
}
trap cleanup EXIT

# ------------------------------------------------------------------------------------------------ images, brokers
compose down -v --remove-orphans --timeout 10 > /dev/null 2>&1 || true # leftovers of an interrupted run
"$here/secrets.sh" > /dev/null
lent_ca=""
if ! ls "$here"/ca-certificates/*.crt "$here"/ca-certificates/*.pem > /dev/null 2>&1; then
  for f in /usr/local/share/ca-certificates/*.crt; do
    [ -f "$f" ] || continue
    cp "$f" "$here/ca-certificates/cluster-bench-$(basename "$f")"
    lent_ca+=" $here/ca-certificates/cluster-bench-$(basename "$f")"
  done
fi
if ! $public_images; then
  log "stand-in base images (local-images.sh)"
  "$here/local-images.sh" > "$out/local-images.log" 2>&1 || die "local-images.sh failed (log: $out/local-images.log)"
fi
log "building the yolostream image (docker-compose build)"
compose build > "$out/build.log" 2>&1 || die "docker-compose build failed (log: $out/build.log)"
if [ -n "$lent_ca" ]; then rm -f $lent_ca; lent_ca=""; fi

if [ -z "$video" ]; then
  # the demo camera image makes its built-in clip at build time: copy it out to replay the same frames
  "$docker" run --rm --entrypoint cat "$(compose config | awk '/^  demo-camera:/{f=1} f && /image:/{print $2; exit}')" \
    /usr/share/demo-camera/demo.mp4 > "$video_dir/$video_name" || die "cannot copy the demo camera's built-in clip"
  chmod a+r "$video_dir/$video_name"
fi

container_state() { "$docker" inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1" 2> /dev/null || echo gone; }
wait_healthy() { # wait_healthy LIMIT_S SERVICE...
  local limit=$1
  shift
  local deadline=$((SECONDS + limit)) pending
  while true; do
    pending=()
    for svc in "$@"; do
      local ids
      ids=$(compose ps -q "$svc" 2> /dev/null)
      [ -n "$ids" ] || { pending+=("$svc(no container)"); continue; }
      for id in $ids; do
        local st
        st=$(container_state "$id")
        [ "$st" = running/healthy ] || pending+=("$svc:$st")
      done
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    [ $SECONDS -lt $deadline ] || die "not healthy after $limit s: ${pending[*]}"
    sleep 5
  done
}
log "up: three Kafka nodes (RF 3, min ISR 2); host ports $KAFKA_HOST_PORT, $KAFKA_2_HOST_PORT, $KAFKA_3_HOST_PORT"
compose up -d --no-deps kafka kafka-2 kafka-3 > "$out/up.log" 2>&1 || die "up of the brokers failed (log: $out/up.log)"
wait_healthy 300 kafka kafka-2 kafka-3
log "the three brokers are healthy"

# a light JVM for Kafka's tools, as the healthcheck's (the container's KAFKA_HEAP_OPTS are the broker's)
kafka_tool() {
  compose_t 120 exec -T -e KAFKA_HEAP_OPTS=-Xmx64m -e 'KAFKA_JVM_PERFORMANCE_OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData' \
    kafka "$@"
}
end_offsets() { # one line per partition of $1: partition end-offset
  local p
  for ((p = 0; p < partitions; p++)); do
    timeout 30 kcat -Q -b "$bootstrap" -X broker.address.family=v4 -t "$1:$p:-1" 2> /dev/null \
      | awk -v p="$p" '{print p, $NF}'
  done
}
metrics() { # metrics CONTAINER PORT: the service's /metrics, from the host through the container's address
  local ip
  ip=$("$docker" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1" 2> /dev/null) || return 1
  "$python" -c '
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())
except OSError as e:
    sys.exit(f"{sys.argv[1]}: {e}")' "http://$ip:$2/metrics"
}
metric_sum() { # metric_sum FILE NAME [LABEL-SUBSTRING]: the sum of a metric's samples
  awk -v n="$2" -v s="${3:-}" '$1 !~ /^#/ { name = $1; sub(/\{.*/, "", name);
    if (name == n && index($1, s) > 0) t += $NF } END { printf "%.0f\n", t }' "$1"
}
load_note() { # LABEL: `uptime` and `docker stats --no-stream` into load.log (taken mid-window); the load average back
  local up
  up=$(uptime | sed 's/.*load average: //')
  { echo "== $1: load average $up"; "$docker" stats --no-stream --format '{{.Name}} {{.CPUPerc}} {{.MemUsage}}' 2>&1; } \
    >> "$out/load.log"
  echo "${up%%,*}"
}
cpu_snapshot() { # FILE: CPU time so far of the host (/proc/stat) and of every running container (its cgroup)
  "$docker" ps --no-trunc --format '{{.ID}} {{.Names}}' | "$python" -c '
import os, sys, time
def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None
print("time", time.time())
cpu = open("/proc/stat").readline().split()[1:]
print("host", sum(int(x) for x in cpu[:8]) - int(cpu[3]) - int(cpu[4]), os.sysconf("SC_CLK_TCK"))
for line in sys.stdin:
    cid, name = line.split()
    usage = read(f"/sys/fs/cgroup/cpuacct/docker/{cid}/cpuacct.usage")  # cgroup v1, in ns
    stat = read(f"/sys/fs/cgroup/cpu/docker/{cid}/cpu.stat")
    if usage is None:  # cgroup v2 (systemd driver, then cgroupfs)
        for d in (f"/sys/fs/cgroup/system.slice/docker-{cid}.scope", f"/sys/fs/cgroup/docker/{cid}"):
            stat = read(f"{d}/cpu.stat")
            if stat:
                break
        fields = dict(l.split() for l in (stat or "").splitlines() if l.strip())
        usage = int(fields.get("usage_usec", 0)) * 1000
    else:
        fields = dict(l.split() for l in (stat or "").splitlines() if l.strip())
    print("container", name, int(usage), fields.get("nr_periods", 0), fields.get("nr_throttled", 0))
' > "$1"
}
cpu_window() { # FILE1 FILE2: CPU cores used between the two snapshots: the host, this project's services, the rest
  "$python" - "$1" "$2" "$project" "$(nproc)" "$out/last-outside" << 'EOF'
import sys
def read(path):
    t, host, hz, cont = 0.0, 0, 100, {}
    for line in open(path):
        f = line.split()
        if f[0] == "time":
            t = float(f[1])
        elif f[0] == "host":
            host, hz = int(f[1]), int(f[2])
        else:
            cont[f[1]] = (int(f[2]), int(f[3]), int(f[4]))
    return t, host, hz, cont
t1, h1, hz, c1 = read(sys.argv[1])
t2, h2, _, c2 = read(sys.argv[2])
project, cores = sys.argv[3], int(sys.argv[4])
dt = t2 - t1
host = (h2 - h1) / hz / dt
groups, throttle = {}, {}
for name, (u2, p2, n2) in c2.items():
    if name not in c1:
        continue
    u1, p1, n1 = c1[name]
    if name.startswith(project + "_"):
        svc = name[len(project) + 1:]
        key = svc.rsplit("_", 1)[0] if "_" in svc else svc
        key = "kafka" if key.startswith("kafka") else key
        key = "ingest" if key.startswith("ingest") else key
    else:
        key = "other containers"
    g = groups.setdefault(key, [0.0, 0])
    g[0] += (u2 - u1) / 1e9 / dt
    g[1] += 1
    if p2 > p1 and key in ("detector", "ingest"):
        throttle.setdefault(key, []).append((n2 - n1) / (p2 - p1))
ours = sum(v[0] for k, v in groups.items() if k != "other containers")
parts = []
for k, (cpu, n) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
    parts.append(f"{k} {n}x{cpu / n:.2f}" if k in ("detector", "ingest") and n > 1 else f"{k} {cpu:.2f}")
    if k in throttle:
        parts[-1] += f" (throttled in {100 * sum(throttle[k]) / len(throttle[k]):.0f}% of periods)"
# a quota stands for a machine only while the host has CPU to spare: say so when it had none
flag = "HOST SATURATED (lower bound): " if host >= 0.95 * cores else ""
with open(sys.argv[5], "w") as f:
    f.write(f"{max(0.0, host - ours):.3f}\n")
print(f"{flag}host {host:.2f} of {cores} cores busy: " + ", ".join(parts)
      + f"; outside this project {max(0.0, host - ours):.2f}")
EOF
}

quiet_enough() { awk -v o="$(cat "$out/last-outside" 2> /dev/null || echo 99)" -v m="$max_outside" 'BEGIN { exit !(o <= m) }'; }
wait_quiet() { # until processes outside this project use at most --max-outside-cores (15 s probes), bounded
  local deadline=$((SECONDS + quiet_wait_s)) said=false
  while true; do
    cpu_snapshot "$out/cpu-probe-1.txt"
    sleep 15
    cpu_snapshot "$out/cpu-probe-2.txt"
    cpu_window "$out/cpu-probe-1.txt" "$out/cpu-probe-2.txt" > /dev/null
    quiet_enough && return 0
    if [ $SECONDS -ge $deadline ]; then
      log "still $(cat "$out/last-outside") cores busy outside this project after $quiet_wait_s s: measuring anyway"
      return 0
    fi
    $said || log "waiting for a quiet host ($(cat "$out/last-outside") cores busy outside this project, at most $max_outside wanted)"
    said=true
  done
}

results_rows_detect=()
results_rows_ingest=()
notes=()
frame_bytes=""
small_bytes=""

# ------------------------------------------------------------------------------------------------ detectors
run_detect() {
  log "model-init: the demo model (yolov2-tiny-voc, seeded random weights) into the models volume"
  compose run --rm --no-deps model-init > "$out/model-init.log" 2>&1 || die "model-init failed (log: $out/model-init.log)"

  # camera ids cam-001, cam-002, ... taken while their partition (Kafka's murmur2 of the id) has room: the same
  # number of cameras, so of frames, on every partition
  local picked
  picked=$("$python" - "$partitions" "$cams_per_partition" << 'EOF'
import sys
def murmur2(data):  # Kafka's Utils.murmur2, as the default partitioner uses it
    m, r = 0x5bd1e995, 24
    h = (0x9747b28c ^ len(data)) & 0xffffffff
    n4 = len(data) // 4
    for i in range(n4):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k = (k * m) & 0xffffffff
        k ^= k >> r
        k = (k * m) & 0xffffffff
        h = ((h * m) & 0xffffffff) ^ k
    rest = data[4 * n4:]
    if len(rest) == 3:
        h ^= rest[2] << 16
    if len(rest) >= 2:
        h ^= rest[1] << 8
    if len(rest) >= 1:
        h ^= rest[0]
        h = (h * m) & 0xffffffff
    h ^= h >> 13
    h = (h * m) & 0xffffffff
    h ^= h >> 15
    return h
parts, per = int(sys.argv[1]), int(sys.argv[2])
natural = [0] * parts
for i in range(1, parts * per + 1):
    natural[(murmur2(f"cam-{i:03d}".encode()) & 0x7fffffff) % parts] += 1
room, ids, i = [per] * parts, [], 0
while len(ids) < parts * per:
    i += 1
    p = (murmur2(f"cam-{i:03d}".encode()) & 0x7fffffff) % parts
    if room[p] > 0:
        room[p] -= 1
        ids.append(f"cam-{i:03d}")
print(" ".join(map(str, natural)))
print(" ".join(ids))
EOF
  )
  local natural ids
  natural=$(echo "$picked" | sed -n 1p)
  ids=$(echo "$picked" | sed -n 2p)
  local n_cams
  n_cams=$(echo "$ids" | wc -w)
  log "backlog: $n_cams replayed cameras, $cams_per_partition per partition of frames ($partitions partitions); cam-001..cam-$(printf %03d "$n_cams") would have hashed as $natural per partition"
  local fill_started=$SECONDS
  export VIDEO=$video_name OUT=$out
  # every frame of the file (25 fps sampling), as fast as the brokers take them; two replays at a time
  echo "$ids" | tr ' ' '\n' | xargs -P 2 -I{} bash -c '
    cd "$1" && timeout 900 "${@:3}" run --rm --no-deps \
      -e YOLOSTREAM_INGEST_BOOTSTRAP_SERVERS=kafka:9092,kafka-2:9092,kafka-3:9092 \
      -e YOLOSTREAM_INGEST_PARTITIONS="$2" -e YOLOSTREAM_INGEST_REPLICATION_FACTOR=3 \
      tools ingest --replay "/bench-videos/$VIDEO" --camera-id {} --speed max --default-fps 25 \
      > "$OUT/fill-{}.log" 2>&1 || { echo "replay of camera {} failed:"; tail -5 "$OUT/fill-{}.log"; exit 255; }
  ' _ "$deploy" "$partitions" "${compose_cmd[@]}" -p "$project" "${files[@]}" \
    || die "filling the backlog failed (logs: $out/fill-*.log)"
  local fill_s=$((SECONDS - fill_started))
  local per_part total
  per_part=$(end_offsets frames)
  total=$(echo "$per_part" | awk '{t += $2} END {print t}')
  log "backlog: $total records (frames + one end-of-stream per camera) in $fill_s s; per partition: $(echo "$per_part" | awk '{printf "p%s=%s ", $1, $2}')"
  # the size of a frame record (JPEG + ~100 bytes of Avro) of this video at ingest's default quality (85)
  frame_bytes=$(timeout 30 kcat -C -b "$bootstrap" -X broker.address.family=v4 -t frames -p 0 -o beginning -c 200 -e -q -f '%S\n' 2> /dev/null \
    | awk '$1 > 1000 { n++; s += $1 } END { if (n) printf "%.0f", s / n }')
  log "frame records of $video_label: mean $frame_bytes bytes (200 records of partition 0)"
  # the same video scaled down to 640x360 by ingest (default-max-width/height), into a topic of its own
  compose_t 600 run --rm --no-deps -e YOLOSTREAM_INGEST_BOOTSTRAP_SERVERS=kafka:9092,kafka-2:9092,kafka-3:9092 \
    -e YOLOSTREAM_INGEST_TOPIC=frames.size-probe -e YOLOSTREAM_INGEST_PARTITIONS=1 -e YOLOSTREAM_INGEST_REPLICATION_FACTOR=3 \
    tools ingest --replay "/bench-videos/$video_name" --camera-id size-probe --speed max --default-fps 25 \
    --default-max-width 640 --default-max-height 360 > "$out/fill-size-probe.log" 2>&1 \
    || die "the 640x360 replay failed (log: $out/fill-size-probe.log)"
  small_bytes=$(timeout 30 kcat -C -b "$bootstrap" -X broker.address.family=v4 -t frames.size-probe -o beginning -c 200 -e -q -f '%S\n' 2> /dev/null \
    | awk '$1 > 1000 { n++; s += $1 } END { if (n) printf "%.0f", s / n }')
  log "frame records of the same video scaled to 640x360: mean $small_bytes bytes"
  notes+=("Backlog: $n_cams replayed cameras × every frame of $video_label, $cams_per_partition cameras per partition (ids picked by murmur2; cam-001..cam-$(printf %03d "$n_cams") would have spread $natural over the $partitions partitions), $total records ($(echo "$per_part" | awk '{printf "%s%s", (NR > 1 ? "/" : ""), $2}') per partition), filled in $fill_s s; a frame record is $frame_bytes bytes on average ($small_bytes bytes when ingest scales the video to 640x360).")

  local n one_fps="" a
  for n in ${replicas_list//,/ }; do
    for ((a = 1; a <= attempts; a++)); do
      wait_quiet
      measure_detect "$n"
      quiet_enough && break
      [ "$a" -lt "$attempts" ] && log "detectors: $n replica(s): $(cat "$out/last-outside") cores were busy outside this project in the window: measuring again"
    done
    quiet_enough || m_row+=" (contended)"
    [ -n "$one_fps" ] || one_fps=$(echo "$m_total $n" | awk '{print $1 / $2}')
    local eff
    eff=$(echo "$m_total $n $one_fps" | awk '{printf "%.2f", $1 / ($2 * $3)}')
    log "detectors: $n replica(s): $(printf %.2f "$m_total") frames/s, efficiency $eff (attempt $((a > attempts ? attempts : a)))"
    results_rows_detect+=("| $n | $cpus | $partitions | $(printf %.2f "$m_total") | ${m_per// /, } | $eff | $m_row |")
    notes+=("$m_note")
  done
  local det_bytes
  det_bytes=$(timeout 30 kcat -C -b "$bootstrap" -X broker.address.family=v4 -X isolation.level=read_committed -t detections -p 0 \
    -o beginning -c 500 -e -q -f '%S\n' 2> /dev/null | awk '{ n++; s += $1 } END { if (n) printf "%.0f", s / n }')
  notes+=("A detection record of the demo model (random weights: next to no boxes) is $det_bytes bytes on average (500 records of partition 0).")
}

describe_group() { # describe_group GROUP OUTFILE: partition committed end lag host, one line per partition
  kafka_tool /opt/kafka/bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group "$1" \
    2> /dev/null | awk '$2 == "frames" { sub("^/", "", $8); print $3, $4, $5, $6, $8 }' | sort -n > "$2" || true
}

measure_detect() {
  local n=$1 group
  group=cluster-bench-$n-$(date +%s)
  export DETECT_GROUP_ID=$group
  log "detectors: $n replica(s), cpus $cpus each, group $group"
  compose up -d --no-deps --scale "detector=$n" detector > "$out/up-detector-$n.log" 2>&1 \
    || die "up of $n detector(s) failed (log: $out/up-detector-$n.log)"
  local deadline=$((SECONDS + 420)) ids ready
  while true; do
    ids=$(compose ps -q detector)
    ready=0
    local sum=0 id
    for id in $ids; do
      metrics "$id" 8082 > "$out/m.tmp" 2> /dev/null || continue
      local parts frames
      parts=$(metric_sum "$out/m.tmp" yolostream_detector_partitions)
      frames=$(metric_sum "$out/m.tmp" yolostream_detector_frames_total)
      sum=$((sum + parts))
      if [ "$parts" -gt 0 ] && [ "$frames" -gt 0 ]; then ready=$((ready + 1)); fi
    done
    local want=$partitions
    if [ "$(echo "$ids" | grep -c .)" -eq "$n" ] && [ "$ready" -eq "$n" ] && [ "$sum" -eq "$want" ]; then break; fi
    [ $SECONDS -lt $deadline ] || die "$n detector(s): not all assigned and committing after 420 s ($ready of $n ready, $sum of $want partitions assigned)"
    sleep 5
  done
  log "every replica has its partitions and commits; warming up $warmup_s s"
  sleep "$warmup_s"

  describe_group "$group" "$out/group-$n-before.txt"
  local t1 t2 i=0
  cpu_snapshot "$out/cpu-detect-$n-1.txt"
  t1=$("$python" -c 'import time; print(time.time())')
  for id in $ids; do metrics "$id" 8082 > "$out/m-$n-$id-1.txt" || die "no /metrics from detector $id"; done
  sleep $((window_s / 2))
  local load
  load=$(load_note "detect $n replica(s)")
  sleep $((window_s - window_s / 2))
  t2=$("$python" -c 'import time; print(time.time())')
  for id in $ids; do metrics "$id" 8082 > "$out/m-$n-$id-2.txt" || die "no /metrics from detector $id"; done
  cpu_snapshot "$out/cpu-detect-$n-2.txt"
  load="load $load; $(cpu_window "$out/cpu-detect-$n-1.txt" "$out/cpu-detect-$n-2.txt")"
  describe_group "$group" "$out/group-$n-after.txt"

  # per replica: committed frames/s, partitions; the window's validity
  local rows
  rows=$("$python" - "$out" "$n" "$t1" "$t2" "$partitions" $ids << 'EOF'
import sys, re
out, n, t1, t2, parts = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
ids = sys.argv[6:]
def read(path):
    vals = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        key, value = line.rsplit(" ", 1)
        name = re.sub(r"\{.*", "", key)
        vals[name] = vals.get(name, 0.0) + float(value)
    return vals
def group(path):
    rows = {}
    for line in open(path):
        p, cur, end, lag, host = line.split()
        rows[int(p)] = (cur, end, lag, host)
    return rows
import subprocess
problems, per, cpu_frames = [], [], []
before, after = group(f"{out}/group-{n}-before.txt"), group(f"{out}/group-{n}-after.txt")
if len(before) != parts or len(after) != parts:
    problems.append(f"the group describes {len(before)}/{len(after)} of {parts} partitions")
if {p: r[3] for p, r in before.items()} != {p: r[3] for p, r in after.items()}:
    problems.append("the assignment changed during the window (a rebalance)")
for id in ids:
    a, b = read(f"{out}/m-{n}-{id}-1.txt"), read(f"{out}/m-{n}-{id}-2.txt")
    frames = b.get("yolostream_detector_frames_total", 0) - a.get("yolostream_detector_frames_total", 0)
    aborts = b.get("yolostream_detector_transaction_aborts_total", 0) - a.get("yolostream_detector_transaction_aborts_total", 0)
    if aborts:
        problems.append(f"{id[:12]}: {aborts:.0f} aborted transaction(s) in the window")
    if a.get("yolostream_detector_partitions") != b.get("yolostream_detector_partitions"):
        problems.append(f"{id[:12]}: its partition count changed in the window")
    ip = subprocess.run(["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id],
                        capture_output=True, text=True).stdout.strip()
    mine = sorted(p for p, r in after.items() if r[3] == ip)
    if mine and all(after[p][2] == "0" for p in mine):
        problems.append(f"{id[:12]}: no backlog left on its partitions {mine} at the window's end (raise --cameras-per-partition)")
    tx = b.get("yolostream_detector_transaction_seconds_count", 0) - a.get("yolostream_detector_transaction_seconds_count", 0)
    tx_s = b.get("yolostream_detector_transaction_seconds_sum", 0) - a.get("yolostream_detector_transaction_seconds_sum", 0)
    inf = b.get("yolostream_detector_inference_seconds_sum", 0) - a.get("yolostream_detector_inference_seconds_sum", 0)
    batches = b.get("yolostream_detector_batch_size_count", 0) - a.get("yolostream_detector_batch_size_count", 0)
    extra = (f"{tx / (t2 - t1):.1f} transactions/s of {1000 * tx_s / tx:.0f} ms, batches of {frames / batches:.1f},"
             f" inference {100 * inf / (t2 - t1):.0f}% of the time") if tx and batches else "no transaction"
    name = subprocess.run(["docker", "inspect", "-f", "{{.Name}}", id], capture_output=True, text=True).stdout.strip().lstrip("/")
    cpu = {}
    for k in (1, 2):
        for line in open(f"{out}/cpu-detect-{n}-{k}.txt"):
            f = line.split()
            if f[0] == "time":
                cpu[f"t{k}"] = float(f[1])
            elif f[0] == "container" and f[1] == name:
                cpu[k] = int(f[2])
    cores = (cpu[2] - cpu[1]) / 1e9 / (cpu["t2"] - cpu["t1"]) if 1 in cpu and 2 in cpu else 0.0
    cpu_frames.append((frames, cores * (t2 - t1)))
    extra += f", {cores:.2f} cores, {frames / (cores * (t2 - t1)):.1f} frames per CPU-second" if cores else ""
    per.append((frames / (t2 - t1), frames, mine, id[:12] + f" ({extra})"))
total = sum(f for f, _, _, _ in per)
print(f"{total:.3f}")
print(" ".join(f"{f:.2f}" for f, _, _, _ in sorted(per, reverse=True)))
print("; ".join(f"{i} {c:.0f} frames, partitions {','.join(map(str, m))}" for _, c, m, i in per))
print(" | ".join(problems))
used = sum(c for _, c in cpu_frames)
print(f"{sum(f for f, _ in cpu_frames) / used:.1f} {used / (t2 - t1):.2f}" if used else "0 0")
EOF
  )
  local total per_replica detail problems
  total=$(echo "$rows" | sed -n 1p)
  per_replica=$(echo "$rows" | sed -n 2p)
  detail=$(echo "$rows" | sed -n 3p)
  problems=$(echo "$rows" | sed -n 4p)
  local per_cpu cores_used
  read -r per_cpu cores_used <<< "$(echo "$rows" | sed -n 5p)"
  [ -z "$problems" ] || die "detectors, $n replica(s): the window is not valid: $problems (group offsets in $out/group-$n-*.txt)"
  log "detectors: $n replica(s): $(printf %.2f "$total") frames/s ($per_replica per replica); $detail; $load"
  m_total=$total m_per=$per_replica m_row="$cores_used | $per_cpu | $load"
  m_note="$n replica(s), committed in the ${window_s} s window: $detail."
  compose rm -sf detector > /dev/null 2>&1 || true
}

# ------------------------------------------------------------------------------------------------ ingest
ingest_instance() { # ingest_instance NAME CAMERA-PREFIX COUNT: a one-off ingest container with COUNT live cameras
  local name=$1 prefix=$2 count=$3 props=$out/ingest-$1.properties i
  {
    echo "# made by docker/cluster-bench.sh: $count cameras at 5 fps on the demo camera (each its own RTSP session)"
    for ((i = 1; i <= count; i++)); do
      printf 'camera.%s-%02d.url=rtsp://demo-camera:8554/demo\ncamera.%s-%02d.fps=5\n' "$prefix" "$i" "$prefix" "$i"
    done
  } > "$props"
  chmod a+r "$props"
  # (INGEST_CONFIG is the compose file's own mount of the cameras file: a `run -v` on the same path would lose to it)
  INGEST_CONFIG=$props compose run -d --no-deps --name "${project}_ingest-bench-$name" ingest > /dev/null 2>&1 \
    || die "cannot start the ingest instance $name"
  echo "${project}_ingest-bench-$name"
}

measure_ingest() { # measure_ingest LABEL COUNT INSTANCES: one line: sustained(0/1) total-fps min-fps dropped failed load
  local label=$1 count=$2 instances=$3 k names=()
  for ((k = 1; k <= instances; k++)); do names+=("$(ingest_instance "$label-$k" "live$k" "$count")"); done
  local deadline=$((SECONDS + 300)) ok
  while true; do
    ok=0
    for c in "${names[@]}"; do
      metrics "$c" 8081 > "$out/m.tmp" 2> /dev/null || continue
      local connected published
      connected=$(metric_sum "$out/m.tmp" ingest_camera_connected)
      published=$(awk '/^ingest_publish_frames_total\{.*outcome="published"/ && $NF > 0 {n++} END {print n + 0}' "$out/m.tmp")
      if [ "$connected" -eq "$count" ] && [ "$published" -eq "$count" ]; then ok=$((ok + 1)); fi
    done
    [ "$ok" -eq "$instances" ] && break
    [ $SECONDS -lt $deadline ] || die "ingest $label: not every camera connected and publishing after 300 s"
    sleep 5
  done
  sleep "$ingest_warmup_s"
  local t1 t2
  cpu_snapshot "$out/cpu-ingest-$label-1.txt"
  t1=$("$python" -c 'import time; print(time.time())')
  for c in "${names[@]}"; do metrics "$c" 8081 > "$out/mi-$label-$c-1.txt" || die "no /metrics from $c"; done
  sleep $((ingest_window_s / 2))
  local load
  load=$(load_note "ingest $label: $instances x $count cameras")
  sleep $((ingest_window_s - ingest_window_s / 2))
  t2=$("$python" -c 'import time; print(time.time())')
  for c in "${names[@]}"; do metrics "$c" 8081 > "$out/mi-$label-$c-2.txt" || die "no /metrics from $c"; done
  cpu_snapshot "$out/cpu-ingest-$label-2.txt"
  load="load $load; $(cpu_window "$out/cpu-ingest-$label-1.txt" "$out/cpu-ingest-$label-2.txt")"
  for c in "${names[@]}"; do
    "$docker" logs "$c" > "$out/ingest-$c.log" 2>&1 || true
    "$docker" rm -f "$c" > /dev/null 2>&1 || true
  done
  "$python" - "$out" "$label" "$t1" "$t2" "${names[@]}" << 'EOF'
import sys, re
out, label, t1, t2, names = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5:]
def read(path):
    vals = {}
    for line in open(path):
        m = re.match(r'(ingest_publish_frames_total|ingest_camera_frames_total)\{(.*)\} (\S+)$', line.strip())
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        kind = labels.get("outcome") or labels.get("stage")
        vals[(labels["camera"], kind)] = float(m.group(3))
    return vals
dt = t2 - t1
fps, dropped, failed, decoded, sampled = [], 0, 0, [], []
for c in names:
    a, b = read(f"{out}/mi-{label}-{c}-1.txt"), read(f"{out}/mi-{label}-{c}-2.txt")
    for (cam, kind), v in b.items():
        d = v - a.get((cam, kind), 0)
        if kind == "published":
            fps.append(d / dt)
        elif kind == "dropped":
            dropped += d
        elif kind == "failed":
            failed += d
        elif kind == "decoded":
            decoded.append(d / dt)
        elif kind == "sampled":
            sampled.append(d / dt)
# sustained: every camera sampled and published at >= 95% of its 5 fps, nothing dropped or failed
ok = fps and sampled and min(fps) >= 0.95 * 5 and min(sampled) >= 0.95 * 5 and dropped == 0 and failed == 0
print(int(bool(ok)), f"{sum(fps):.2f}", f"{min(fps):.2f}", f"{dropped:.0f}", f"{failed:.0f}",
      f"{min(decoded):.1f}" if decoded else "0", f"{min(sampled):.2f}" if sampled else "0")
EOF
  echo "$load"
}

attempt_ingest() { # as measure_ingest, measured again while the window was not quiet (at most --attempts times)
  local a res
  for ((a = 1; a <= attempts; a++)); do
    wait_quiet >&2
    res=$(measure_ingest "$1-a$a" "$2" "$3")
    quiet_enough && break
    [ "$a" -lt "$attempts" ] && log "ingest $1: $(cat "$out/last-outside") cores were busy outside this project in the window: measuring again" >&2
  done
  echo "$res" | sed -n 1p
  if quiet_enough; then echo "$res" | sed -n 2p; else echo "$(echo "$res" | sed -n 2p) (contended)"; fi
}

run_ingest() {
  log "demo camera: rtsp://demo-camera:8554/demo looping $video_label (every client its own session)"
  compose up -d --no-deps demo-camera > "$out/up-camera.log" 2>&1 || die "up of the demo camera failed"
  wait_healthy 180 demo-camera
  local count best=0 best_fps=""
  for count in ${ingest_cameras_list//,/ }; do
    log "ingest: 1 instance (cpus $ingest_cpus), $count cameras at 5 fps"
    local res load sustained total minfps dropped failed decoded minsampled
    res=$(attempt_ingest "one-$count" "$count" 1)
    read -r sustained total minfps dropped failed decoded minsampled <<< "$(echo "$res" | sed -n 1p)"
    load=$(echo "$res" | sed -n 2p)
    log "ingest: $count cameras: $total frames/s published (slowest camera $minfps/s published, $minsampled/s sampled, decoded at >= $decoded/s), dropped $dropped, failed $failed: $([ "$sustained" = 1 ] && echo sustained || echo NOT sustained); $load"
    results_rows_ingest+=("| 1 | $ingest_cpus | $count | $total | $minfps | $dropped | $([ "$sustained" = 1 ] && echo yes || echo no) | | $load |")
    if [ "$sustained" = 1 ]; then best=$count; best_fps=$total; else break; fi
  done
  if [ "$best" -eq 0 ]; then
    notes+=("Ingest: not even ${ingest_cameras_list%%,*} cameras were sustained by one instance at cpus $ingest_cpus.")
    return
  fi
  notes+=("Ingest: one instance at cpus $ingest_cpus sustains $best cameras at 5 fps (the largest step of $ingest_cameras_list with every camera >= 4.75 frames/s and nothing dropped).")
  if [ "$ingest_instances" -gt 1 ]; then
    log "ingest: $ingest_instances instances (cpus $ingest_cpus each), $best cameras each, at once"
    local res load sustained total minfps dropped failed decoded minsampled eff
    res=$(attempt_ingest "multi-$best" "$best" "$ingest_instances")
    read -r sustained total minfps dropped failed decoded minsampled <<< "$(echo "$res" | sed -n 1p)"
    load=$(echo "$res" | sed -n 2p)
    eff=$(echo "$total $ingest_instances $best_fps" | awk '{printf "%.2f", $1 / ($2 * $3)}')
    log "ingest: $ingest_instances x $best cameras: $total frames/s published (slowest camera $minfps/s), dropped $dropped, failed $failed, efficiency $eff; $load"
    results_rows_ingest+=("| $ingest_instances | $ingest_cpus | $((best * ingest_instances)) | $total | $minfps | $dropped | $([ "$sustained" = 1 ] && echo yes || echo no) | $eff | $load |")
  fi
}

$skip_detect || run_detect
$skip_ingest || run_ingest

# ------------------------------------------------------------------------------------------------ results
{
  echo "# cluster-bench results ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Cluster profile (3 KRaft nodes, RF 3, min ISR 2) on one Docker host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); video: $video_label."
  echo "Command: \`deploy/docker/cluster-bench.sh$([ -n "$video" ] && echo " --video $video_name") --replicas $replicas_list --cpus $cpus --partitions $partitions --cameras-per-partition $cams_per_partition --warmup-s $warmup_s --window-s $window_s --ingest-cameras $ingest_cameras_list --ingest-cpus $ingest_cpus --ingest-instances $ingest_instances --broker-healthcheck-s $broker_hc_s$($skip_detect && echo " --skip-detect")$($skip_ingest && echo " --skip-ingest")\`"
  if [ ${#results_rows_detect[@]} -gt 0 ]; then
    echo
    echo "Detector replicas (demo model yolov2-tiny-voc, fixed 320x320, max batch 4, ONNX Runtime threads $(threads_for "$cpus")), committed detection records per second over ${window_s} s after ${warmup_s} s of warm-up:"
    echo
    echo "| replicas | cpus each | partitions | frames/s | per replica | efficiency | detector cores used | frames per CPU-second | load in the window |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${results_rows_detect[@]}"
  fi
  if [ ${#results_rows_ingest[@]} -gt 0 ]; then
    echo
    echo "Ingest instances, live RTSP cameras at 5 fps (published frames over ${ingest_window_s} s after ${ingest_warmup_s} s):"
    echo
    echo "| instances | cpus each | cameras | published frames/s | slowest camera | dropped | sustained | efficiency | load in the window |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${results_rows_ingest[@]}"
  fi
  if [ ${#notes[@]} -gt 0 ]; then
    echo
    printf -- '- %s\n' "${notes[@]}"
  fi
} > "$out/results.md"
cat "$out/results.md"
log "results in $out/results.md; load samples in $out/load.log"
