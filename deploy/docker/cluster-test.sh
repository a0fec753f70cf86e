#!/usr/bin/env bash
# Fault test of the Compose cluster profile on a real Docker engine (.ci/run runs it after compose-test.sh):
#
#   deploy/docker/cluster-test.sh [--public-images] [--keep] [--no-host-ca]
#
# 1. Images as compose-test.sh makes them (stand-in base images, the yolostream image from the build cache), and two
#    video clips for the replays (a moving test pattern, H.264 MP4, made once with GStreamer on the host).
# 2. `up` of the cluster stack (docker-compose.yml + cpu + local + cluster: three KRaft brokers, replication factor 3,
#    min.insync.replicas 2) with two detector replicas (fixed 320x320 input, batches of 4), ingest, the sinks and the
#    demo camera as the live camera (2 frames/s), under the project name yolostream-cluster-test; wait until every
#    service is healthy.
# 3. Three faults, one after another, each while the live camera and a replay of its own run (camera ids
#    replay-broker, replay-zombie, replay-partition: `yolostream ingest --replay` in a one-off ingest container, paced
#    as recorded, 1 frame/s: source REPLAY, every sampled frame published, none dropped, then an end-of-stream
#    record). Each replay starts before its fault (replay-broker as soon as ingest runs, the next one while the
#    previous fault is checked, so their JVMs start in the shadow of other waits) and runs past its end:
#    broker kill  SIGKILL the broker that leads the replay's frames partition (and detections partitions), hold it
#                 down 25 s while frames flow, start it again, wait until every partition has its three replicas in
#                 sync again
#    zombie       freeze (docker pause) the detector replica that owns the replay's partition for 55 s, past its
#                 session timeout (45 s): the group moves the partitions to the other replica; thawed, the zombie's
#                 late transaction is refused and it rejoins the group
#    partition    disconnect that partition's owner from the Compose network for 55 s, then reconnect it
#    After each: the replay's frame records written by the fault's end each have exactly one committed detection
#    (read_committed, judged by (camera, sequence) and by (frame partition, frame offset)); the live camera's
#    detections have no duplicate, every frame record of it that the detectors have read has its detection, and the
#    sequences missing from `frames` are among the sends ingest counted as failed (frames dropped from a full queue
#    are counted as dropped and never numbered; a failed send may still have been written); every service is healthy again without a restart (RestartCount and
#    StartedAt of each container unchanged, the killed broker's start aside). At the end every replay, ended, is
#    checked whole: sequences 0..N-1 in `frames`, N as its end-of-stream record says, each with exactly one
#    committed detection.
# 4. The fault table on stdout and in deploy/target/cluster-test/faults.md; `down -v`, and nothing of the project is
#    left (containers, one-off ones included, volumes, networks).
# Last line: cluster-test: broker kill 0 lost 0 dup; zombie 0 dup; partition 0 lost 0 dup
# (exit status 1 when a number is not 0 or any check fails).
#
# Needs what compose-test.sh needs, and GStreamer's openh264enc or x264enc for /usr/bin/python3 (gi) to make the
# clip (Debian: gstreamer1.0-plugins-bad, python3-gst-1.0). Host ports: 29092-29094, 8081, 8083, 8554 on 127.0.0.1,
# or free ones when those are taken. --keep leaves the stack running after a failure
# (docker-compose -p yolostream-cluster-test ... down -v ends it).
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
    *) echo "cluster-test.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

name=cluster-test
project=yolostream-cluster-test
files=(-f docker-compose.yml -f docker-compose.cpu.yml)
if ! $public_images; then
  files+=(-f docker-compose.local.yml)
  export KAFKA_IMAGE=${KAFKA_IMAGE:-yolostream-local/kafka:4.4.0} # brokers 2 and 3 (the cluster file's variable)
fi
files+=(-f docker-compose.cluster.yml)
# shellcheck source=compose-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/compose-lib.sh"
rm -f "$logdir"/*.bin "$logdir"/*.jsonl "$logdir"/faults.md

replicas=2
live=demo
partitions=6 # FRAMES_PARTITIONS' default: frames and detections have as many
broker_hold=25
zombie_hold=55  # > the detector's session.timeout.ms (45 s, Kafka's default)
network_hold=55 # > the session timeout
# replays run as long as their clip (speed 1): replay-broker from the `up` (its start overlaps the services') to
# past its fault, the others from the end of the fault before theirs to past their own. A replay that would end
# before its fault does (a slow start) gets a second one: the fault's frames are those of both.
first_clip_seconds=240
zombie_clip_seconds=180 # started when the broker is back: through its health, the ISR wait and the freeze
clip_seconds=120
replay_fps=1

preflight
checker=$here/cluster-check.py
frame_avsc_dir=$(dirname "$(find "$repo" -path '*/src/main/avro/*' -name Frame.avsc -not -path '*/target/*' | head -1)")
[ -f "$frame_avsc_dir/Frame.avsc" ] || die "Frame.avsc not found under $repo"

KAFKA_HOST_PORT=$(pick_port 29092)
KAFKA_2_HOST_PORT=$(pick_port 29093)
KAFKA_3_HOST_PORT=$(pick_port 29094)
INGEST_HOST_PORT=$(pick_port 8081)
SINKS_HOST_PORT=$(pick_port 8083)
DEMO_CAMERA_HOST_PORT=$(pick_port 8554)
export KAFKA_HOST_PORT KAFKA_2_HOST_PORT KAFKA_3_HOST_PORT INGEST_HOST_PORT SINKS_HOST_PORT DEMO_CAMERA_HOST_PORT
log "host ports: kafka $KAFKA_HOST_PORT $KAFKA_2_HOST_PORT $KAFKA_3_HOST_PORT, ingest $INGEST_HOST_PORT, sinks" \
  "$SINKS_HOST_PORT, camera $DEMO_CAMERA_HOST_PORT"
bootstrap=127.0.0.1:$KAFKA_HOST_PORT,127.0.0.1:$KAFKA_2_HOST_PORT,127.0.0.1:$KAFKA_3_HOST_PORT

# small enough for two cores: the demo camera at 2 frames/s, detectors at one fixed input size, batches of 4
printf 'camera.%s.url=rtsp://demo-camera:8554/demo\ncamera.%s.fps=2\n' "$live" "$live" > "$logdir/ingest.properties"
export INGEST_CONFIG=$logdir/ingest.properties DETECT_RESOLUTION=fixed:320 DETECT_MAX_BATCH=4

# ------------------------------------------------------------------------------------------------ the clips
videos=$logdir/videos
mkdir -p "$videos"
chmod a+rx "$videos" # the containers run as uid 10001
# make_clip SECONDS: videos/replay-SECONDSs.mp4, a moving test pattern (320x240, 10 frames/s, H.264), made once
make_clip() {
  local clip=$videos/replay-$1s.mp4
  if [ ! -s "$clip" ]; then
    "$python" - "$clip.part" "$1" 2> "$logdir/clip.log" << 'EOF' ||
import sys
import gi
gi.require_version("Gst", "1.0")
from gi.repository import Gst
Gst.init(None)
out, seconds, fps = sys.argv[1], int(sys.argv[2]), 10
encoder = (f"openh264enc gop-size={fps} complexity=low" if Gst.ElementFactory.find("openh264enc")
           else f"x264enc speed-preset=veryfast key-int-max={fps} bframes=0")
pipeline = Gst.parse_launch(
    f"videotestsrc num-buffers={seconds * fps} pattern=ball ! video/x-raw,width=320,height=240,framerate={fps}/1"
    f" ! videoconvert ! {encoder} ! h264parse ! mp4mux ! filesink location={out}")
pipeline.set_state(Gst.State.PLAYING)
msg = pipeline.get_bus().timed_pop_filtered(Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
pipeline.set_state(Gst.State.NULL)
sys.exit(msg.parse_error()[0].message if msg.type == Gst.MessageType.ERROR else 0)
EOF
      die "cannot make the replay clip $clip with GStreamer: $(tail -n 5 "$logdir/clip.log")"
    mv "$clip.part" "$clip"
  fi
  chmod a+r "$clip"
}
make_clip "$first_clip_seconds"
make_clip "$zombie_clip_seconds"
make_clip "$clip_seconds"
log "replay clips: $first_clip_seconds s, $zombie_clip_seconds s and $clip_seconds s (320x240), $replay_fps frame/s" \
  "sampled"

prepare_images

# ------------------------------------------------------------------------------------------------ helpers
ingest_token=$(token_of YOLOSTREAM_INGEST_API_TOKEN ingest.secrets.env)
[ -n "$ingest_token" ] || die "docker/ingest.secrets.env has no YOLOSTREAM_INGEST_API_TOKEN"

# the frames topic, all of it (frames are not transactional: read_uncommitted reaches the end)
read_frames() {
  timeout 90 kcat -C -b "$bootstrap" -X broker.address.family=v4 -t frames -o beginning -e -q \
    -f '%p %o %S\n%s' > "$logdir/frames.bin" 2> "$logdir/kcat-frames.err" || true
}
# the frames, the committed detections and ingest's camera counters
read_topics() {
  read_frames
  # read_committed: kcat never sees the end of a partition while a detector has a transaction open; it prints what
  # is committed as it reads, so a bounded read has every record committed by then
  timeout 10 kcat -C -b "$bootstrap" -X broker.address.family=v4 -X isolation.level=read_committed -t detections \
    -o beginning -e -q -f '%S\n%s' 2> "$logdir/kcat-detections.err" | "$python" "$decoder" "$avsc" \
    > "$logdir/detections.jsonl" || true
  "$python" - "http://127.0.0.1:$INGEST_HOST_PORT/cameras" "$ingest_token" > "$logdir/cameras.json" << 'EOF' ||
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
with urllib.request.urlopen(req, timeout=20) as r:
    sys.stdout.write(r.read().decode())
EOF
    die "ingest's GET /cameras did not answer"
}

# account CAMERA: the checker's KEY=VALUE pairs into the associative array acc (see cluster-check.py)
declare -A acc
account() {
  local line kv
  line=$("$python" "$checker" account "$frame_avsc_dir" "$logdir/frames.bin" "$logdir/detections.jsonl" "$1" \
    "$logdir/cameras.json") || die "cluster-check.py account $1 failed"
  acc=()
  for kv in $line; do acc[${kv%%=*}]=${kv#*=}; done
}

failures=()
fail() {
  failures+=("$*")
  echo "$name: CHECK FAILED: $*" >&2
}

partition_of() { "$python" "$checker" partition "$1" "$partitions"; }

# start_replay CAMERA SECONDS: a one-off ingest container replaying the SECONDS clip as camera CAMERA, paced as
# recorded
declare -A clip_of publishing_since replays_of
start_replay() {
  clip_of[$1]=$2
  compose run -d --no-deps --name "${project}_replay_$1" -v "$videos:/videos:ro" \
    -e "YOLOSTREAM_INGEST_DEFAULT_FPS=$replay_fps" \
    ingest ingest --replay "/videos/replay-$2s.mp4" --camera-id "$1" --speed 1 > "$logdir/run-$1.log" 2>&1 || {
    cat "$logdir/run-$1.log" >&2
    die "docker-compose run of the replay $1 failed"
  }
}
# replay_publishing CAMERA: waits until the replay numbers frames (its publisher claimed the camera)
replay_publishing() {
  local cname=${project}_replay_$1 deadline=$((SECONDS + 180))
  # (grep reads all the log: grep -q would stop early, and docker logs' SIGPIPE fail the pipeline)
  until "$docker" logs "$cname" 2>&1 | grep "claimed for this publisher" > /dev/null; do
    [ $SECONDS -lt $deadline ] || die "replay $1 published nothing within 180 s: $("$docker" logs --tail 20 "$cname" 2>&1)"
    [ "$("$docker" inspect -f '{{.State.Status}}' "$cname")" = running ] ||
      die "replay $1 stopped: $("$docker" logs --tail 20 "$cname" 2>&1)"
    sleep 2
  done
  publishing_since[$1]=$SECONDS
}
replay_running() { [ "$("$docker" inspect -f '{{.State.Status}}' "${project}_replay_$1")" = running ]; }
# fault_replay FAULT HOLD CAMERA: sets replay to CAMERA (started earlier) when it publishes and will outlast the
# fault (HOLD s and a margin), else to a second replay CAMERA-2 started now; adds it to the fault's replays
fault_replay() {
  replay=$3
  replay_publishing "$replay"
  if ! replay_running "$replay" ||
    [ $((clip_of[$replay] - (SECONDS - publishing_since[$replay]))) -lt $(($2 + 20)) ]; then
    replay=$3-2
    log "replay $3 would end before the fault: $replay starts"
    start_replay "$replay" "$clip_seconds"
    replay_publishing "$replay"
  fi
  replays_of[$1]=$3
  if [ "$replay" != "$3" ]; then replays_of[$1]+=" $replay"; fi
}

# settle CAMERA: every frame record the replay had written when called has its committed detection (waits, bounded)
# and none has two; the fault's window is checked before the next fault
settle() {
  local camera=$1 need deadline=$((SECONDS + 240))
  read_frames
  need=$("$python" "$checker" account "$frame_avsc_dir" "$logdir/frames.bin" /dev/null "$camera" |
    sed -n 's/.*\bframes=\([0-9]*\).*/\1/p')
  while true; do
    read_topics
    account "$camera"
    if [ "${acc[detected]}" -ge "$need" ] && [ "${acc[lost]}" = 0 ]; then break; fi
    if [ $SECONDS -ge $deadline ]; then
      fail "replay $camera: ${acc[detected]} of the $need frame records written by the fault's end detected, ${acc[lost]} lost, within 240 s"
      break
    fi
    sleep 3
  done
  [ "${acc[dup]}" = 0 ] || fail "replay $camera: ${acc[dup]} duplicate detection(s)"
  log "replay $camera so far: $need frame records written by the fault's end, all detected once" \
    "(${acc[detections]} detections, ${acc[lost]} lost, ${acc[dup]} dup)"
  check_live
}

# finish_replay CAMERA: waits for the replay's end (its end-of-stream record acknowledged) and for the detection of
# every frame record it wrote; then the verdict: exactly one committed detection each. Sets replay_frames,
# replay_lost, replay_dup.
finish_replay() {
  local camera=$1 cname=${project}_replay_$1 deadline code
  code=$(timeout 300 "$docker" wait "$cname") || die "replay $camera did not end within 300 s"
  "$docker" logs "$cname" > "$logdir/replay-$camera.log" 2>&1 || true
  "$docker" rm "$cname" > /dev/null
  [ "$code" = 0 ] || die "replay $camera exited $code: $(tail -n 20 "$logdir/replay-$camera.log")"
  deadline=$((SECONDS + 240))
  while true; do
    read_topics
    account "$camera"
    if [ "${acc[eos]}" -gt 0 ] && [ "${acc[pending]}" = 0 ] && [ "${acc[lost]}" = 0 ]; then break; fi
    if [ $SECONDS -ge $deadline ]; then break; fi # reported below
    sleep 3
  done
  log "replay $camera: $(grep -o 'replayed .*' "$logdir/replay-$camera.log" | tail -1)"
  log "replay $camera: frames topic ${acc[frames]} frame records, sequences ${acc[first]}..${acc[last]}," \
    "end-of-stream ${acc[eos]} frames; ${acc[detections]} committed detections covering ${acc[detected]} frames," \
    "${acc[lost]} lost, ${acc[pending]} not read, ${acc[dup]} dup (${acc[statuses]}; frames partition ${acc[partition]})"
  replay_frames=${acc[frames]}
  replay_lost=$((acc[lost] + acc[pending]))
  replay_dup=$((acc[dup] + acc[framedup]))
  [ "${acc[eos]}" = "${acc[published]}" ] ||
    fail "replay $camera: its end-of-stream record counts ${acc[eos]} frames, the topic has ${acc[published]} sequences"
  [ "${acc[framedup]}" = 0 ] || fail "replay $camera: ${acc[framedup]} frame(s) written twice to frames"
  [ "${acc[seqgaps]}" = 0 ] && [ "${acc[first]}" = 0 ] ||
    fail "replay $camera: sequences ${acc[first]}..${acc[last]} with ${acc[seqgaps]} missing (expected 0..N-1)"
  [ "$replay_lost" = 0 ] || fail "replay $camera: $replay_lost frame(s) without a committed detection"
  [ "${acc[dup]}" = 0 ] || fail "replay $camera: ${acc[dup]} duplicate detection(s)"
  [ "${acc[partition]}" = "$(partition_of "$camera")" ] ||
    fail "replay $camera: detections name frames partition(s) ${acc[partition]}, expected $(partition_of "$camera")"
}

# the live camera: no duplicate; every frame record read by the detectors has its detection; the sequences missing
# from frames are the sends ingest counted as failed (a frame dropped from a full queue is never numbered: counted
# as dropped). Uses the last read_topics.
check_live() {
  account "$live"
  log "live $live: ${acc[frames]} frame records, sequences ${acc[first]}..${acc[last]} (${acc[seqgaps]} missing);" \
    "${acc[detections]} detections, ${acc[lost]} lost, ${acc[dup]} dup, ${acc[pending]} not read yet; ingest" \
    "counted ${acc[sampled]} sampled, ${acc[dropped]} dropped (queue full), ${acc[failed]} failed sends," \
    "${acc[queued]} queued"
  live_frames=${acc[detected]}
  live_lost=${acc[lost]}
  live_dup=$((acc[dup] + acc[framedup]))
  live_counted="${acc[dropped]} dropped, ${acc[failed]} failed"
  [ "${acc[detections]}" -gt 0 ] || fail "live $live: no detection at all"
  [ "$live_lost" = 0 ] || fail "live $live: $live_lost frame record(s) read by the detectors without a detection"
  [ "$live_dup" = 0 ] || fail "live $live: $live_dup duplicate(s)"
  # (a send reported failed may still have been written: then it is in frames, with its detection)
  [ "${acc[seqgaps]}" -le "${acc[failed]}" ] ||
    fail "live $live: ${acc[seqgaps]} sequence(s) missing from frames, ingest counted ${acc[failed]} failed send(s)"
}

# kcat's metadata as "topic partition leader replicas isrs" lines
metadata() {
  timeout 30 kcat -L -b "$bootstrap" -X broker.address.family=v4 2> /dev/null | awk '
    /^  topic "/ { t = $2; gsub(/"/, "", t) }
    /^    partition / { p = $2; l = $4; r = $6; i = $8; sub(/,$/, "", p); sub(/,$/, "", l); sub(/,$/, "", r)
                        sub(/,$/, "", i); print t, p, l, r, i }'
}
under_replicated() {
  metadata | awk '{ n = split($4, r, ","); m = split($5, i, ","); if (m < n) c++ } END { print c + 0 }'
}

# "container service RestartCount StartedAt" of every service container, to compare after each fault
snapshot() {
  local svc id
  for svc in kafka kafka-2 kafka-3 demo-camera ingest sinks detector; do
    for id in $(service_containers "$svc"); do
      echo "$id $svc $("$docker" inspect -f '{{.RestartCount}} {{.State.StartedAt}}' "$id")"
    done
  done
}
# no_restarts BASELINE [CONTAINER]: every container as in BASELINE (CONTAINER, started again by the test: its
# RestartCount only)
no_restarts() {
  local id svc count at now_count now_at
  while read -r id svc count at; do
    read -r now_count now_at <<< "$("$docker" inspect -f '{{.RestartCount}} {{.State.StartedAt}}' "$id")"
    [ "$now_count" = "$count" ] || fail "$svc ${id:0:12} restarted (RestartCount $count -> $now_count)"
    if [ "$id" != "${2:-}" ] && [ "$now_at" != "$at" ]; then fail "$svc ${id:0:12} started again at $now_at"; fi
  done <<< "$1"
}
recovered_services() { # recovered_services BASELINE [CONTAINER]: all healthy again, none restarted
  wait_healthy 240 "${services[@]}"
  no_restarts "$@"
}

# owner_of PARTITION: the detector container whose latest assignment (its own log) holds frames-PARTITION
owner_of() {
  local id line
  for id in $(service_containers detector); do
    line=$("$docker" logs "$id" 2>&1 | grep -E 'partitions (assigned|revoked):' | tail -1 || true)
    if [[ "$line" == *"partitions assigned:"* ]] && [[ "$line" =~ frames-$1[],] ]]; then
      echo "$id"
      return 0
    fi
  done
}
# assigned_since CONTAINER UNIX_TIME PARTITION: whether the container was assigned frames-PARTITION since then
assigned_since() {
  "$docker" logs --since "$2" "$1" 2>&1 | grep 'partitions assigned:' | grep -E "frames-$3[],]" > /dev/null
}
# rejoined_since CONTAINER UNIX_TIME: a non-empty assignment since then
rejoined_since() {
  "$docker" logs --since "$2" "$1" 2>&1 | grep -E 'partitions assigned: \[frames' > /dev/null
}
other_detector() {
  local id
  for id in $(service_containers detector); do
    if [ "$id" != "$1" ]; then echo "$id"; fi
  done | head -1
}
# how the detector's late transaction ended after the fault, from its log
late_transaction() {
  local lines
  lines=$("$docker" logs --since "$1" "$2" 2>&1 |
    grep -E 'transaction failed|fenced its producer|producer unusable|aborting failed|new transactional producer' || true)
  if [ -z "$lines" ]; then
    echo "none was open (no batch in hand at the fault)"
  else
    echo "$lines" | head -2 | sed -E 's/^[0-9:.]+ +[A-Z]+ +[A-Za-z]+: //; s/(.{150}).*/\1.../; s/\|/\//g' |
      paste -sd ';' - | sed 's/;/; /g'
  fi
}

# hold_and_watch SECONDS SURVIVOR SINCE PARTITION: the fault lasts SECONDS, and longer until SURVIVOR has been
# assigned frames-PARTITION (a group coordinator that moved during the fault, e.g. leaders going back to a restarted
# broker, starts the session timeout over), at most max_hold s. Sets taken (seconds after the injection, empty when
# not seen) and held.
max_hold=150
hold_and_watch() {
  local end=$((SECONDS + $1)) t0=$SECONDS
  taken=""
  while [ $SECONDS -lt $end ] || { [ -z "$taken" ] && [ $((SECONDS - t0)) -lt $max_hold ]; }; do
    if [ -z "$taken" ] && assigned_since "$2" "$3" "$4"; then
      taken=$((SECONDS - t0))
      if [ $SECONDS -ge $end ]; then end=$((SECONDS + 5)); fi # then 5 s more: the zombie misses the new generation
    fi
    sleep 2
  done
  held=$((SECONDS - t0))
}

# ------------------------------------------------------------------------------------------------ up
log "up: kafka, kafka-2, kafka-3, demo-camera, model-init, ingest, sinks, $replicas detectors"
up_started=$SECONDS
compose up -d --scale "detector=$replicas" > "$logdir/up.log" 2>&1 || {
  cat "$logdir/up.log" >&2
  die "docker-compose up failed"
}
# Compose returns once the brokers and ingest are healthy (the detectors wait for them): replay-broker starts now,
# its JVM's start overlapping the detectors' and the sinks'
log "up: the brokers and ingest are healthy after $((SECONDS - up_started)) s; replay-broker starts"
start_replay replay-broker "$first_clip_seconds"
services=(kafka kafka-2 kafka-3 demo-camera ingest sinks "detector=$replicas")
wait_healthy 480 "${services[@]}"
log "every service is healthy after $((SECONDS - up_started)) s (model-init exited 0)"
network=$("$docker" network ls -q --filter "label=com.docker.compose.project=$project" --format '{{.Name}}' | head -1)
[ -n "$network" ] || die "no network of $project"

# ------------------------------------------------------------------------------------------------ the faults
# Each fault has a replay of its own, started before it (the next one's container starts while the previous fault
# is checked, so its JVM's start overlaps that). After each fault: the replay's frames written by the fault's end
# are all detected once, the live camera checks out, every service is healthy and none restarted. At the end every
# replay has ended: each is checked whole.
baseline=$(snapshot)
fault_replay broker "$broker_hold" replay-broker
log "replay $replay runs (frames partition $(partition_of "$replay"))"

# ---- 1. broker kill
p=$(partition_of "$replay")
meta=$(metadata)
leader=$(echo "$meta" | awk -v p="$p" '$1 == "frames" && $2 == p { print $3 }')
[ -n "$leader" ] || die "no leader for frames partition $p in kcat's metadata"
leads_frames=$(echo "$meta" | awk -v b="$leader" '$1 == "frames" && $3 == b { printf "%s%s", s, $2; s = "," }')
leads_detections=$(echo "$meta" | awk -v b="$leader" '$1 == "detections" && $3 == b { printf "%s%s", s, $2; s = "," }')
[ -n "$leads_detections" ] || die "broker $leader leads frames $leads_frames but no detections partition"
broker_svc=kafka
if [ "$leader" != 1 ]; then broker_svc=kafka-$leader; fi
broker=$(service_containers "$broker_svc")
broker_at=$((SECONDS - started))
"$docker" kill --signal KILL "$broker" > /dev/null
log "broker kill: SIGKILL $broker_svc (node $leader, leader of frames partitions $leads_frames and detections" \
  "partitions $leads_detections)"
sleep "$broker_hold" # the fault itself: the broker stays down while frames flow
"$docker" start "$broker" > /dev/null
back=$SECONDS
log "broker kill: $broker_svc started again after $broker_hold s"
start_replay replay-zombie "$zombie_clip_seconds" # its JVM starts while the broker catches up
settle "$replay" # while the restarted broker catches up
deadline=$((back + 240))
until [ "$(under_replicated)" = 0 ]; do
  [ $SECONDS -lt $deadline ] || die "broker kill: partitions still under-replicated 240 s after the restart"
  sleep 3
done
broker_recovered=$((SECONDS - back))
log "broker kill: every partition has its three replicas in sync again $broker_recovered s after the restart"
recovered_services "$baseline" "$broker"
baseline=$(snapshot)

# ---- 2. zombie
fault_replay zombie "$zombie_hold" replay-zombie
p=$(partition_of "$replay")
zombie=$(owner_of "$p")
zombie_p=$p
[ -n "$zombie" ] || die "zombie: no detector replica owns frames partition $p"
survivor=$(other_detector "$zombie")
log "replay $replay runs (frames partition $p, owned by detector ${zombie:0:12})"
zombie_at=$((SECONDS - started))
# runc gives up ("unable to freeze") when a task does not reach the freezer in time, e.g. a low-priority thread
# starved of CPU, and leaves the container running: try again
for try in 1 2 3 4 5; do
  since=$(date +%s)
  if "$docker" pause "$zombie" > /dev/null; then
    break
  fi
  [ "$try" -lt 5 ] || die "zombie: docker pause of detector ${zombie:0:12} failed 5 times"
  log "zombie: docker pause of detector ${zombie:0:12} failed (try $try of 5); again in 2 s"
  sleep 2
done
log "zombie: froze detector ${zombie:0:12} (docker pause) for $zombie_hold s"
hold_and_watch "$zombie_hold" "$survivor" "$since" "$p"
zombie_taken=$taken zombie_held=$held
"$docker" unpause "$zombie" > /dev/null
back=$SECONDS
resumed=$(date +%s)
replay_running "$replay" || log "zombie: (the replay ended before the thaw)"
log "zombie: thawed after $held s; the other replica ${survivor:0:12} took frames partition $p over" \
  "${taken:+after $taken s}$([ -n "$taken" ] || echo ": not seen")"
[ -n "$taken" ] || fail "zombie: the group did not move frames partition $p to the other replica during the freeze"
start_replay replay-partition "$clip_seconds"
deadline=$((SECONDS + 180))
until rejoined_since "$zombie" "$resumed"; do
  [ $SECONDS -lt $deadline ] || die "zombie: ${zombie:0:12} did not rejoin the group within 180 s of the thaw"
  sleep 2
done
zombie_recovered=$((SECONDS - back))
zombie_late=$(late_transaction "$resumed" "$zombie")
log "zombie: rejoined the group $zombie_recovered s after the thaw; its late transaction: $zombie_late"
settle "$replay"
recovered_services "$baseline"
baseline=$(snapshot)

# ---- 3. network partition
fault_replay partition "$network_hold" replay-partition
p=$(partition_of "$replay")
cut=$(owner_of "$p")
part_p=$p
[ -n "$cut" ] || die "partition: no detector replica owns frames partition $p"
survivor=$(other_detector "$cut")
aliases=$("$docker" inspect -f "{{range \$k, \$v := .NetworkSettings.Networks}}{{if eq \$k \"$network\"}}{{range \$v.Aliases}}{{.}} {{end}}{{end}}{{end}}" "$cut")
alias_flags=()
for a in $aliases; do
  if [[ "$cut" != "$a"* ]]; then alias_flags+=(--alias "$a"); fi # Docker adds the container's short id itself
done
log "replay $replay runs (frames partition $p, owned by detector ${cut:0:12})"
part_at=$((SECONDS - started))
since=$(date +%s)
"$docker" network disconnect "$network" "$cut"
log "partition: disconnected detector ${cut:0:12} from $network for $network_hold s"
hold_and_watch "$network_hold" "$survivor" "$since" "$p"
part_taken=$taken part_held=$held
"$docker" network connect "${alias_flags[@]}" "$network" "$cut"
back=$SECONDS
resumed=$(date +%s)
replay_running "$replay" || log "partition: (the replay ended before the reconnect)"
log "partition: reconnected after $held s; the other replica took frames partition $p over" \
  "${taken:+after $taken s}$([ -n "$taken" ] || echo ": not seen")"
[ -n "$taken" ] || fail "partition: the group did not move frames partition $p to the other replica"
deadline=$((SECONDS + 180))
until rejoined_since "$cut" "$resumed"; do
  [ $SECONDS -lt $deadline ] || die "partition: ${cut:0:12} did not rejoin the group within 180 s of the reconnect"
  sleep 2
done
part_recovered=$((SECONDS - back))
part_late=$(late_transaction "$resumed" "$cut")
log "partition: rejoined the group $part_recovered s after the reconnect; its late transaction: $part_late"
settle "$replay"
recovered_services "$baseline"

# ------------------------------------------------------------------------------------------------ the verdict
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 |"); }
# finish_fault FAULT: every replay of the fault checked whole; their sums in lost, dup, frames
finish_fault() {
  local camera
  lost=0 dup=0 frames=0
  for camera in ${replays_of[$1]}; do
    finish_replay "$camera"
    lost=$((lost + replay_lost)) dup=$((dup + replay_dup)) frames=$((frames + replay_frames))
  done
}
finish_fault broker
broker_lost=$lost broker_dup=$dup broker_frames=$frames
finish_fault zombie
zombie_lost=$lost zombie_dup=$dup zombie_frames=$frames
finish_fault partition
part_lost=$lost part_dup=$dup part_frames=$frames
check_live # with finish_replay's last read
lost_all=$((broker_lost + zombie_lost + part_lost + live_lost))
row "broker kill: SIGKILL of $broker_svc (leader of frames $leads_frames, detections $leads_detections)" \
  "$broker_at s" "$broker_hold s" "$broker_recovered s" "${replays_of[broker]}: $broker_frames" "$broker_lost" "$broker_dup" \
  "recovered = all partitions back in sync"
row "zombie: docker pause of the detector owning frames $zombie_p" "$zombie_at s" \
  "$zombie_held s" "$zombie_recovered s" "${replays_of[zombie]}: $zombie_frames" "$zombie_lost" "$zombie_dup" \
  "taken over after ${zombie_taken:-?} s; recovered = rejoined; late transaction: $zombie_late"
row "partition: network disconnect of the detector owning frames $part_p" "$part_at s" \
  "$part_held s" "$part_recovered s" "${replays_of[partition]}: $part_frames" "$part_lost" "$part_dup" \
  "taken over after ${part_taken:-?} s; recovered = rejoined; late transaction: $part_late"
row "live camera $live, through all three" "-" "-" "-" "$live: $live_frames" "$live_lost" "$live_dup" \
  "ingest counted $live_counted"
{
  echo "| fault | injected at | held for | recovered after | frames checked | lost | dup | notes |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$logdir/faults.md"
cat "$logdir/faults.md"

down_checked
done_ok=true # the logs are saved and the stack is down, also when a check failed
verdict="cluster-test: broker kill $broker_lost lost $broker_dup dup; zombie $zombie_dup dup; partition $part_lost lost $part_dup dup"
if [ ${#failures[@]} -gt 0 ] || [ "$zombie_lost" != 0 ] || [ "$live_lost" != 0 ] || [ "$live_dup" != 0 ]; then
  printf '%s: FAILED: %s\n' "$name" "${failures[@]}" "zombie lost $zombie_lost, live lost $live_lost dup $live_dup" >&2
  echo "$verdict"
  exit 1
fi
log "down -v: no container, volume or network of $project left; $((SECONDS - started)) s in all"
echo "$verdict"
