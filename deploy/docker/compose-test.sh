#!/usr/bin/env bash
# End-to-end test of the Docker Compose deployment on a real Docker engine (.ci/run runs it):
#
#   deploy/docker/compose-test.sh [--public-images] [--keep] [--no-host-ca]
#
# 1. Images: the stand-in base images (local-images.sh; --public-images uses Docker Hub's instead), then the
#    yolostream image (`docker-compose build`, BuildKit; the build cache and Maven's cache mount make a second run
#    cheap). The host's extra CA certificates (/usr/local/share/ca-certificates) are lent to the build through
#    deploy/docker/ca-certificates/ when that folder has none (removed again at the end; --no-host-ca: never).
# 2. `up` the CPU stack (docker-compose.yml + docker-compose.cpu.yml [+ docker-compose.local.yml]) with two
#    detector replicas in one consumer group, under the project name yolostream-compose-test, and wait until every
#    service is healthy (model-init: exited 0).
# 3. From the host: kcat (read_committed) on localhost:29092 sees detection records of the demo camera; the sinks'
#    /counts and ingest's control API answer with the tokens of docker/*.secrets.env and refuse without.
# 4. SIGKILL the detector replica that owns the demo camera's partition (docker kill: docker-compose 1.29's `kill`
#    cannot pick one replica) while frames flow, wait until the other replica has taken over and committed newer
#    frames, then read the detections topic to its end: every frame of the camera between the first and the last
#    seen has exactly one committed detection (no duplicate sequence, no gap).
# 5. `down -v`, and check that no container, volume or network of the project is left.
# Last line: compose-test: N detections, 0 duplicates, 0 gaps, replicas 2
#
# Needs: Docker with BuildKit (Debian: docker.io) and its dockerd running, docker-compose (1.29 or v2 via
# DOCKER_COMPOSE="docker compose"), kcat, /usr/bin/python3 with python3-avro; root for the stand-in base images
# (debootstrap). Host ports: 29092, 8081, 8083, 8554 on 127.0.0.1, or free ones when those are taken.
# --keep leaves the stack running after a failure (docker-compose -p yolostream-compose-test ... down -v ends it).
set -euo pipefail

public_images=false
keep=false
host_ca=true
for arg in "$@"; do
  case "$arg" in
    --public-images) public_images=true ;;
    --keep) keep=true ;;
    --no-host-ca) host_ca=false ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compose-test.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

name=compose-test
project=yolostream-compose-test
files=(-f docker-compose.yml -f docker-compose.cpu.yml)
if ! $public_images; then files+=(-f docker-compose.local.yml); fi
# shellcheck source=compose-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/compose-lib.sh"
camera=demo
replicas=2

preflight
KAFKA_HOST_PORT=$(pick_port 29092)
INGEST_HOST_PORT=$(pick_port 8081)
SINKS_HOST_PORT=$(pick_port 8083)
DEMO_CAMERA_HOST_PORT=$(pick_port 8554)
export KAFKA_HOST_PORT INGEST_HOST_PORT SINKS_HOST_PORT DEMO_CAMERA_HOST_PORT
log "host ports: kafka $KAFKA_HOST_PORT, ingest $INGEST_HOST_PORT, sinks $SINKS_HOST_PORT, camera $DEMO_CAMERA_HOST_PORT"

prepare_images

# ------------------------------------------------------------------------------------------------ up
log "up: kafka, demo-camera, model-init, ingest, sinks, $replicas detectors"
compose up -d --scale "detector=$replicas" > "$logdir/up.log" 2>&1 || {
  cat "$logdir/up.log" >&2
  die "docker-compose up failed"
}

wait_healthy 420 kafka demo-camera ingest sinks "detector=$replicas"
log "every service is healthy (model-init exited 0)"

# ------------------------------------------------------------------------------------------------ from the host
# one line: count duplicates gaps first last partition statuses, of the committed detections of $camera
summary() {
  # kcat -e waits for an end of partition that read_committed reports only when no transaction is open, and a busy
  # detector nearly always has one (it begins the next while the last commits): kcat prints each committed record as
  # it reads them, so 20 s bound it with every record committed by then printed
  timeout 20 kcat -C -b "127.0.0.1:$KAFKA_HOST_PORT" -X broker.address.family=v4 -X isolation.level=read_committed \
    -t detections -o beginning -e -q -f '%S\n%s' 2> "$logdir/kcat.err" | "$python" "$decoder" "$avsc" \
    | "$python" -c '
import collections, json, sys
camera = sys.argv[1]
seqs, offsets, statuses, partitions = collections.Counter(), collections.Counter(), collections.Counter(), set()
for line in sys.stdin:
    r = json.loads(line)
    if r["cameraId"] != camera:
        continue
    seqs[r["sequence"]] += 1
    offsets[(r["framePartition"], r["frameOffset"])] += 1
    statuses[r["status"]] += 1
    partitions.add(r["framePartition"])
n = sum(seqs.values())
if n == 0:
    print("0 0 0 -1 -1 -1 none")
    sys.exit(0)
dups = max(n - len(seqs), n - len(offsets))
gaps = (max(seqs) - min(seqs) + 1) - len(seqs)
print(n, dups, gaps, min(seqs), max(seqs), ",".join(map(str, sorted(partitions))),
      ",".join(f"{k}={v}" for k, v in sorted(statuses.items())))
' "$camera"
}

wait_for() { # wait_for SECONDS DESCRIPTION CONDITION...  (CONDITION sees count dups gaps first last)
  local limit=$1 what=$2
  shift 2
  local deadline=$((SECONDS + limit))
  while true; do
    read -r count dups gaps first last partitions statuses <<< "$(summary)"
    if "$@"; then return 0; fi
    if [ $SECONDS -ge $deadline ]; then
      die "$what: not within $limit s (committed detections of $camera: $count, sequences $first..$last)"
    fi
    sleep 5
  done
}
at_least() { [ "$count" -ge "$1" ]; }
wait_for 180 "kcat (read_committed) sees 50 detections of camera $camera" at_least 50
log "kcat (read_committed, localhost:$KAFKA_HOST_PORT): $count detections of $camera, sequences $first..$last, $statuses"

ingest_token=$(token_of YOLOSTREAM_INGEST_API_TOKEN ingest.secrets.env)
sinks_token=$(token_of YOLOSTREAM_SINKS_VIEWER_TOKEN sinks.secrets.env)
[ -n "$ingest_token" ] || die "docker/ingest.secrets.env has no YOLOSTREAM_INGEST_API_TOKEN"
code=$(http_status "http://127.0.0.1:$INGEST_HOST_PORT/cameras" "$ingest_token")
[ "$code" = 200 ] || die "ingest GET /cameras with the token of docker/ingest.secrets.env: $code, expected 200"
code=$(http_status "http://127.0.0.1:$INGEST_HOST_PORT/cameras")
[ "$code" = 401 ] || die "ingest GET /cameras without a token: $code, expected 401"
log "ingest's control API on 127.0.0.1:$INGEST_HOST_PORT: 200 with its token, 401 without"
[ -n "$sinks_token" ] || die "docker/sinks.secrets.env has no YOLOSTREAM_SINKS_VIEWER_TOKEN"
code=$(http_status "http://127.0.0.1:$SINKS_HOST_PORT/counts?camera=$camera" "$sinks_token")
[ "$code" = 200 ] || die "sinks GET /counts?camera=$camera with the viewer token: $code, expected 200"
code=$(http_status "http://127.0.0.1:$SINKS_HOST_PORT/counts?camera=$camera")
[ "$code" = 401 ] || die "sinks GET /counts?camera=$camera without a token: $code, expected 401"
log "sinks' /counts on 127.0.0.1:$SINKS_HOST_PORT: 200 with the viewer token, 401 without"

# ------------------------------------------------------------------------------------------------ kill a replica
partition=${partitions%%,*}
lookup_started=$SECONDS
owner_ip=""
for _ in $(seq 1 12); do
  owner_ip=$(kafka_tool kafka kafka-consumer-groups.sh --bootstrap-server localhost:9092 \
    --describe --group yolostream-detector 2> /dev/null \
    | awk -v p="$partition" '$2 == "frames" && $3 == p { sub("^/", "", $8); print $8 }' | head -1)
  if [ -n "$owner_ip" ] && [ "$owner_ip" != "-" ]; then break; fi
  sleep 5
done
victim=""
survivors=0
for id in $(service_containers detector); do
  ip=$("$docker" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$id")
  if [ "$ip" = "$owner_ip" ]; then victim=$id; else survivors=$((survivors + 1)); fi
done
[ -n "$victim" ] || die "no detector replica owns frames partition $partition (group member host '$owner_ip')"
log "detector replicas: ${victim:0:12} owns frames partition $partition (found in $((SECONDS - lookup_started)) s)"
read -r count dups gaps first last partitions statuses <<< "$(summary)"
killed_at=$last
"$docker" kill --signal KILL "$victim" > /dev/null
kill_time=$SECONDS
log "killed detector replica ${victim:0:12} (owner of frames partition $partition) mid-stream, committed detections of $camera at sequence $killed_at; $survivors replica(s) left"

# the survivor takes the partition after the session timeout, and reads on from the last committed offset once the
# broker has aborted the dead replica's open transaction (transaction timeout): about a minute
past_kill() { [ "$last" -ge $((killed_at + 50)) ]; }
wait_for 300 "another replica commits 50 frames past the kill" past_kill
log "taken over after $((SECONDS - kill_time)) s: committed detections of $camera now reach sequence $last"
[ "$("$docker" inspect -f '{{.State.Status}}' "$victim")" != running ] || die "the killed replica runs again"

# ------------------------------------------------------------------------------------------------ exactly once
read -r count dups gaps first last partitions statuses <<< "$(summary)"
log "committed detections of $camera: $count, sequences $first..$last, $dups duplicate(s), $gaps gap(s), $statuses"
[ "$dups" = 0 ] || die "$dups duplicate detection(s) of camera $camera"
[ "$gaps" = 0 ] || die "$gaps sequence(s) of camera $camera between $first and $last have no detection"

# ------------------------------------------------------------------------------------------------ down
down_checked
done_ok=true
log "down -v: no container, volume or network of $project left; $((SECONDS - started)) s in all"
echo "compose-test: $count detections, $dups duplicates, $gaps gaps, replicas $replicas"
