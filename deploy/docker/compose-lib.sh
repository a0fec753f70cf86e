# Shared by the Compose tests (compose-test.sh, cluster-test.sh): sourced, not run. The caller sets, before
# sourcing it:
#   name      the test's name, the prefix of every line it prints (compose-test, cluster-test)
#   project   the Compose project name (one per test: tests running at the same time never share containers)
#   files     the compose files, as an array: (-f docker-compose.yml -f ...)
#   public_images, keep, host_ca   true/false, from the test's options
# and gets: compose, log, die, preflight, pick_port, prepare_images (secrets, CA certificates, stand-in base
# images, the yolostream image), service_containers, wait_healthy, http_status, token_of, kafka_tool, down_checked,
# and an EXIT trap that dumps the services' logs after a failure and takes the stack down (unless --keep).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deploy=$(cd "$here/.." && pwd)
repo=$(cd "$deploy/.." && pwd)
docker=${DOCKER:-/usr/bin/docker}
# Compose's builds call `docker` from the PATH: make it this one (another client may lack buildx)
export PATH="$(dirname "$docker"):$PATH"
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
read -r -a compose_cmd <<< "${DOCKER_COMPOSE:-docker-compose}"
compose() { (cd "$deploy" && "${compose_cmd[@]}" -p "$project" "${files[@]}" "$@"); }
python=/usr/bin/python3
logdir=$deploy/target/$name
mkdir -p "$logdir"
started=$SECONDS
log() { echo "$name: [$((SECONDS - started)) s] $*"; }
die() {
  echo "$name: FAILED: $*" >&2
  exit 1
}

# ------------------------------------------------------------------------------------------------ preflight
preflight() {
  "$docker" info > /dev/null 2>&1 || die "no Docker engine answers ($docker info); start dockerd"
  command -v "${compose_cmd[0]}" > /dev/null || die "${compose_cmd[*]} not found (apt-get install docker-compose)"
  command -v kcat > /dev/null || die "kcat not found (apt-get install kcat)"
  "$python" -c 'import avro' 2> /dev/null || die "$python cannot import avro (apt-get install python3-avro)"
  avsc=$(find "$repo" -path '*/src/main/avro/*' -name Detection.avsc -not -path '*/target/*' | head -1)
  decoder=$repo/docs/examples/read_detection.py # the documented Python reader of the detections topic
  [ -n "$avsc" ] && [ -f "$decoder" ] || die "Detection.avsc or docs/examples/read_detection.py not found under $repo"
}

port_free() { ! { exec 3<> "/dev/tcp/127.0.0.1/$1"; } 2> /dev/null; }
# pick_port PORT: PORT when nothing listens on it, else a free one
pick_port() {
  if port_free "$1"; then
    echo "$1"
  else
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  fi
}

# ------------------------------------------------------------------------------------------------ on exit
lent_ca=()
done_ok=false
cleanup() {
  local rc=$?
  if ! $done_ok; then
    compose ps > "$logdir/ps.txt" 2>&1 || true
    compose logs --no-color > "$logdir/logs.txt" 2>&1 || true
    echo "$name: service logs in $logdir/logs.txt; the last lines:" >&2
    tail -n 60 "$logdir/logs.txt" >&2 || true
    if $keep; then
      echo "$name: --keep: the stack is still up (${compose_cmd[*]} -p $project ${files[*]} down -v)" >&2
    else
      remove_project
    fi
  fi
  if [ ${#lent_ca[@]} -gt 0 ]; then rm -f "${lent_ca[@]}"; fi
  exit $rc
}
trap cleanup EXIT

# the project's one-off containers (docker-compose run) too: `down` of Compose 1.29 leaves running ones
remove_project() {
  local oneoff
  oneoff=$("$docker" ps -aq --filter "label=com.docker.compose.project=$project" \
    --filter "label=com.docker.compose.oneoff=True" 2> /dev/null || true)
  if [ -n "$oneoff" ]; then "$docker" rm -f $oneoff > /dev/null 2>&1 || true; fi
  compose down -v --remove-orphans --timeout 10 > /dev/null 2>&1 || true
}

# ------------------------------------------------------------------------------------------------ images
prepare_images() {
  remove_project # leftovers of an interrupted run
  "$here/secrets.sh"
  if $host_ca && ! ls "$here"/ca-certificates/*.crt "$here"/ca-certificates/*.pem > /dev/null 2>&1; then
    for f in /usr/local/share/ca-certificates/*.crt; do
      [ -f "$f" ] || continue
      cp "$f" "$here/ca-certificates/$name-$(basename "$f")"
      lent_ca+=("$here/ca-certificates/$name-$(basename "$f")")
    done
    if [ ${#lent_ca[@]} -gt 0 ]; then log "extra CA certificates for the build: ${lent_ca[*]}"; fi
  fi
  if ! $public_images; then
    log "stand-in base images (local-images.sh)"
    "$here/local-images.sh" > "$logdir/local-images.log" 2>&1 || {
      tail -n 40 "$logdir/local-images.log" >&2
      die "local-images.sh failed (log: $logdir/local-images.log)"
    }
  fi
  log "building the yolostream image (docker-compose build)"
  local build_started=$SECONDS
  compose build > "$logdir/build.log" 2>&1 || {
    tail -n 60 "$logdir/build.log" >&2
    die "docker-compose build failed (log: $logdir/build.log)"
  }
  log "built in $((SECONDS - build_started)) s"
}

# ------------------------------------------------------------------------------------------------ services
# the containers of a service, exited ones too, one-off ones (docker-compose run) not
service_containers() {
  "$docker" ps -aq --no-trunc --filter "label=com.docker.compose.project=$project" \
    --filter "label=com.docker.compose.service=$1" --filter "label=com.docker.compose.oneoff=False"
}

# wait_healthy SECONDS SERVICE[=COUNT]...: every container of each service running and healthy (COUNT of them,
# default 1), and model-init exited 0
wait_healthy() {
  local limit=$1
  shift
  local deadline=$((SECONDS + limit)) pending
  while true; do
    pending=()
    for spec in "$@"; do
      local svc=${spec%%=*} want=1
      if [ "$spec" != "$svc" ]; then want=${spec#*=}; fi
      local ids n
      ids=$(service_containers "$svc")
      n=$(echo "$ids" | grep -c . || true)
      if [ "$n" -lt "$want" ]; then
        pending+=("$svc(${n}/${want} containers)")
        continue
      fi
      for id in $ids; do
        local state
        state=$("$docker" inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id")
        if [ "$state" != running/healthy ]; then pending+=("$svc:$state"); fi
      done
    done
    local init
    init=$(service_containers model-init)
    if [ -z "$init" ]; then
      pending+=("model-init(not created)")
    else
      local init_state
      init_state=$("$docker" inspect -f '{{.State.Status}}/{{.State.ExitCode}}' "$init")
      case "$init_state" in
        exited/0) ;;
        exited/*) die "model-init failed ($init_state): $("$docker" logs --tail 20 "$init" 2>&1)" ;;
        *) pending+=("model-init:$init_state") ;;
      esac
    fi
    if [ ${#pending[@]} -eq 0 ]; then return 0; fi
    if [ $SECONDS -ge $deadline ]; then die "not healthy after $limit s: ${pending[*]}"; fi
    sleep 5
  done
}

http_status() { # http_status URL [TOKEN]
  "$python" - "$1" "${2:-}" << 'EOF'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1])
if sys.argv[2]:
    req.add_header("Authorization", "Bearer " + sys.argv[2])
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except OSError as e:
    print("000")
EOF
}
token_of() { sed -n "s/^$1=\(.\+\)$/\1/p" "$here/$2" | head -1; } # token_of KEY FILE (under deploy/docker)

# kafka_tool SERVICE TOOL ARGS...: a Kafka command-line tool inside a broker container, in a light JVM (as the
# healthcheck's: the container's KAFKA_HEAP_OPTS are the broker's)
kafka_tool() {
  local svc=$1 tool=$2
  shift 2
  compose exec -T -e KAFKA_HEAP_OPTS=-Xmx64m \
    -e 'KAFKA_JVM_PERFORMANCE_OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData' \
    "$svc" "/opt/kafka/bin/$tool" "$@"
}

# ------------------------------------------------------------------------------------------------ down
# down -v, then nothing of the project may be left (containers, one-off ones included, volumes, networks)
down_checked() {
  compose logs --no-color > "$logdir/logs.txt" 2>&1 || true
  local oneoff
  oneoff=$("$docker" ps -aq --filter "label=com.docker.compose.project=$project" \
    --filter "label=com.docker.compose.oneoff=True")
  if [ -n "$oneoff" ]; then "$docker" rm -f $oneoff > /dev/null; fi
  compose down -v --remove-orphans --timeout 30 > "$logdir/down.log" 2>&1 || die "docker-compose down failed"
  local left
  left=$("$docker" ps -aq --filter "label=com.docker.compose.project=$project")
  left+=$("$docker" volume ls -q --filter "label=com.docker.compose.project=$project")
  left+=$("$docker" network ls -q --filter "label=com.docker.compose.project=$project")
  [ -z "$left" ] || die "left after down -v: $left"
}
