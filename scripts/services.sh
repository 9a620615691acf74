#!/usr/bin/env bash
# Provision and start the local backing services for Dozor: Elasticsearch + Redis.
#
#   bash scripts/services.sh [start]     start ES and Redis (default)
#   bash scripts/services.sh es-start    start ES only
#   bash scripts/services.sh es-stop     stop the cached ES (waits until the process is gone)
#   bash scripts/services.sh redis-start start Redis only
#   bash scripts/services.sh status      report what is running (stderr), exit 0 if both answer
#
# Invariants: idempotent (a second call reuses whatever already answers), cached
# (ES is fetched and unpacked once into .cache/es/), ES never runs as root (a
# dedicated system user is created when the script runs as root).
# Progress goes to stderr; stdout carries only the final "ES_URL=..." / "REDIS_URL=..." lines.
#
# Env overrides: ES_PORT (9200), REDIS_PORT (6379), ES_JAVA_OPTS (-Xms512m -Xmx512m),
# ES_JAVA_HOME (Java 17), ES_USER (dozor-es), ES_START_TIMEOUT (120 seconds), ES_INSTANCE (a
# second node with its own data, e.g. ES_INSTANCE=outage ES_PORT=9250).
set -euo pipefail

ES_VERSION=8.19.7
ES_PORT="${ES_PORT:-9200}"
REDIS_PORT="${REDIS_PORT:-6379}"
ES_USER="${ES_USER:-dozor-es}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-120}"
ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx512m}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
ES_BASE="$CACHE/es"
ES_HOME="$ES_BASE/elasticsearch-$ES_VERSION"
ES_ZIP="$ES_BASE/elasticsearch-$ES_VERSION.zip"
# ES_INSTANCE names a second, independent node (own data, logs and pidfile) on another ES_PORT:
# the outage test stops and restarts one without touching the node everything else uses.
ES_INSTANCE_DIR="${ES_INSTANCE:+instances/$ES_INSTANCE/}"
ES_DATA="$ES_BASE/${ES_INSTANCE_DIR}data"
ES_LOGS="$ES_BASE/${ES_INSTANCE_DIR}logs"
ES_RUN="$ES_BASE/${ES_INSTANCE_DIR}run"
ES_PIDFILE="$ES_RUN/es.pid"
ES_STARTUP_LOG="$ES_LOGS/startup.out"
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
ES_CENTRAL_URL="https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"
REDIS_DIR="$CACHE/redis"

ES_URL="http://127.0.0.1:$ES_PORT"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_updated=0
ensure_cmd() { # ensure_cmd <command> <debian package>
  command -v "$1" >/dev/null 2>&1 && return 0
  is_root || die "'$1' is missing; install the Debian package '$2'"
  log "installing Debian package $2 (for '$1')"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$apt_updated" -eq 0 ]; then apt-get update -qq >&2; apt_updated=1; fi
  apt-get install -y -qq --no-install-recommends "$2" >&2
  command -v "$1" >/dev/null 2>&1 || die "'$1' still missing after installing $2"
}

# Serialise concurrent invocations (two test runs starting at once).
# Every daemon we spawn gets "9>&-" so it does not inherit (and hold) the lock.
take_lock() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.services.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 300 9 || die "timed out waiting for $CACHE/.services.lock"
  fi
}

# ----------------------------------------------------------------------------- Elasticsearch

es_answers() { # 0 if an Elasticsearch node answers on ES_PORT
  # GET / is not served by the integ-test zip (no rest-root module): probe
  # /_cluster/health, which every ES answers with "cluster_name" too.
  local path body
  for path in /_cluster/health /; do
    body="$(curl -s --max-time 3 "$ES_URL$path" 2>/dev/null)" || continue
    [[ "$body" == *'"cluster_name"'* ]] && return 0
  done
  return 1
}

port_in_use() {
  # bash /dev/tcp probe: connect succeeds => something listens
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

es_pid() { # print the pid of the ES started from this cache, if alive
  local pid
  [ -s "$ES_PIDFILE" ] || return 1
  pid="$(tr -dc '0-9' <"$ES_PIDFILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # guard against pid reuse: must be a java process running from our ES home
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$ES_HOME" || return 1
  printf '%s\n' "$pid"
}

es_java_home() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then printf '%s\n' "$ES_JAVA_HOME"; return; fi
  if [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]; then
    printf '%s\n' /usr/lib/jvm/java-17-openjdk-amd64; return
  fi
  command -v java >/dev/null 2>&1 || die "no Java found; install openjdk-17-jre-headless or set ES_JAVA_HOME"
  dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

es_download() {
  [ -s "$ES_ZIP" ] && return 0
  mkdir -p "$ES_BASE"
  local tmp
  tmp="$(mktemp -d "$ES_BASE/.download.XXXXXX")"
  log "downloading $ES_ARTIFACT (once) into $ES_BASE"
  if command -v mvn >/dev/null 2>&1 &&
     mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
       -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$tmp" </dev/null >"$tmp/mvn.log" 2>&1 &&
     [ -s "$tmp/elasticsearch-$ES_VERSION.zip" ]; then
    :
  else
    if [ -s "$tmp/mvn.log" ]; then tail -n 20 "$tmp/mvn.log" >&2; fi
    log "mvn unavailable or failed; falling back to a direct download from Maven Central"
    ensure_cmd curl curl
    curl -fsSL --retry 3 -o "$tmp/elasticsearch-$ES_VERSION.zip" "$ES_CENTRAL_URL" ||
      { rm -rf "$tmp"; die "could not download $ES_CENTRAL_URL"; }
  fi
  mv "$tmp/elasticsearch-$ES_VERSION.zip" "$ES_ZIP"
  rm -rf "$tmp"
}

es_unpack() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && return 0
  es_download
  ensure_cmd unzip unzip
  local tmp
  tmp="$(mktemp -d "$ES_BASE/.unpack.XXXXXX")"
  log "unpacking $(basename "$ES_ZIP") (once)"
  unzip -q "$ES_ZIP" -d "$tmp" || { rm -rf "$tmp"; rm -f "$ES_ZIP"; die "corrupt zip removed; run again"; }
  [ -x "$tmp/elasticsearch-$ES_VERSION/bin/elasticsearch" ] || { rm -rf "$tmp"; die "unexpected zip layout"; }
  rm -rf "$ES_HOME"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rm -rf "$tmp"
}

# Make every path ES writes owned by the ES user and every ancestor traversable.
es_prepare_dirs() {
  mkdir -p "$ES_DATA" "$ES_LOGS" "$ES_RUN"
  is_root || return 0
  if ! id -u "$ES_USER" >/dev/null 2>&1; then
    log "creating system user $ES_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$ES_USER"
  fi
  local d owner
  # ES writes: data, logs, pidfile, and its config dir (keystore); the whole cached
  # tree is given to the ES user, re-chowned only when ownership is found wrong.
  for d in "$ES_BASE" "$ES_DATA" "$ES_LOGS" "$ES_RUN" "$ES_HOME" "$ES_HOME/config"; do
    owner="$(stat -c %U "$d")"
    if [ "$owner" != "$ES_USER" ]; then
      log "chown -R $ES_USER $ES_BASE"
      chown -R "$ES_USER:" "$ES_BASE"
      break
    fi
  done
  # This node's own directories (an ES_INSTANCE's included), even when the cache is a symlink
  # that `chown -R` above does not traverse.
  for d in "$ES_DATA" "$ES_LOGS" "$ES_RUN"; do
    [ "$(stat -c %U "$d")" = "$ES_USER" ] || chown -R "$ES_USER:" "$d"
  done
  # Parent directories (e.g. /work, /root/...) must be traversable by the ES user.
  if ! runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch" -a -w "$ES_DATA"; then
    d="$ES_BASE"
    while [ "$d" != "/" ]; do
      d="$(dirname "$d")"
      if ! runuser -u "$ES_USER" -- test -x "$d"; then
        log "chmod o+x $d (so $ES_USER can reach the cache)"
        chmod o+x "$d"
      fi
    done
    runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch" -a -w "$ES_DATA" ||
      die "$ES_USER still cannot use $ES_BASE (ACLs? noexec mount?)"
  fi
}

es_health_ok() {
  curl -sf --max-time 10 "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=${1:-5s}" >/dev/null 2>&1
}

es_wait_healthy() {
  es_health_ok 1s && return 0
  local deadline=$((SECONDS + ES_START_TIMEOUT))
  log "waiting for $ES_URL/_cluster/health (yellow, timeout ${ES_START_TIMEOUT}s)"
  until es_health_ok 5s; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "Elasticsearch did not become healthy in ${ES_START_TIMEOUT}s; log tail:"
      tail -n 40 "$ES_STARTUP_LOG" >&2 2>/dev/null || true
      tail -n 40 "$ES_LOGS/dozor-dev.log" >&2 2>/dev/null || true
      die "Elasticsearch start failed"
    fi
    if ! es_pid >/dev/null && ! es_answers; then
      # process died (or never started): no point in waiting out the timeout
      sleep 1
      if ! es_pid >/dev/null && ! es_answers; then
        log "Elasticsearch process is not running; log tail:"
        tail -n 40 "$ES_STARTUP_LOG" >&2 2>/dev/null || true
        tail -n 40 "$ES_LOGS/dozor-dev.log" >&2 2>/dev/null || true
        die "Elasticsearch start failed"
      fi
    fi
    sleep 1
  done
}

es_start() {
  if es_answers; then
    log "Elasticsearch already answers on $ES_URL; reusing it"
    es_wait_healthy
    return 0
  fi
  if es_pid >/dev/null; then
    log "Elasticsearch (pid $(es_pid)) is starting; waiting for it"
    es_wait_healthy
    return 0
  fi
  if port_in_use "$ES_PORT"; then
    die "port $ES_PORT is taken by something that is not Elasticsearch; set ES_PORT"
  fi
  ensure_cmd curl curl
  es_unpack
  es_prepare_dirs
  rm -f "$ES_PIDFILE"

  local java_home
  java_home="$(es_java_home)"
  local -a args=(
    -d -p "$ES_PIDFILE"
    -E cluster.name=dozor-dev
    -E node.name=dozor-dev-node
    -E discovery.type=single-node
    -E network.host=127.0.0.1
    -E http.port="$ES_PORT"
    -E transport.port=9300-9400
    -E path.data="$ES_DATA"
    -E path.logs="$ES_LOGS"
    -E xpack.security.enabled=false
    -E cluster.routing.allocation.disk.threshold_enabled=false
    -E action.destructive_requires_name=false
  )
  local -a as_user=()
  if is_root; then as_user=(runuser -u "$ES_USER" --); fi

  log "starting Elasticsearch $ES_VERSION on $ES_URL (heap: $ES_JAVA_OPTS, java: $java_home)"
  local rc=0
  (
    cd "$ES_HOME"
    # the daemon must not hold our stdout/stderr (callers may capture them) or the lock
    exec "${as_user[@]}" env -u JAVA_HOME ES_JAVA_HOME="$java_home" ES_JAVA_OPTS="$ES_JAVA_OPTS" \
      ES_HOME="$ES_HOME" ES_PATH_CONF="$ES_HOME/config" \
      "$ES_HOME/bin/elasticsearch" "${args[@]}" \
      </dev/null >"$ES_STARTUP_LOG" 2>&1 9>&-
  ) || rc=$?
  if [ "$rc" -ne 0 ]; then
    log "bin/elasticsearch -d exited with $rc; log tail:"
    tail -n 40 "$ES_STARTUP_LOG" >&2 2>/dev/null || true
    tail -n 40 "$ES_LOGS/dozor-dev.log" >&2 2>/dev/null || true
    die "Elasticsearch start failed"
  fi
  es_wait_healthy
  log "Elasticsearch is up (pid $(es_pid || echo '?'))"
}

es_stop() {
  local pid
  if ! pid="$(es_pid)"; then
    rm -f "$ES_PIDFILE"
    if es_answers; then
      die "an Elasticsearch on $ES_URL was not started from $ES_BASE; not stopping it"
    fi
    log "Elasticsearch (cache) is not running"
    return 0
  fi
  log "stopping Elasticsearch (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "still alive after 60s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.2
  done
  rm -f "$ES_PIDFILE"
  log "Elasticsearch stopped"
}

# ----------------------------------------------------------------------------- Redis

redis_answers() {
  command -v redis-cli >/dev/null 2>&1 || return 1
  [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

redis_start() {
  if redis_answers; then
    log "Redis already answers on $REDIS_URL; reusing it"
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    ensure_cmd redis-server redis-server
    ensure_cmd redis-cli redis-tools
    # the package's init script may have started a server on the default port
    if redis_answers; then log "Redis answers on $REDIS_URL after install"; return 0; fi
  fi
  if port_in_use "$REDIS_PORT"; then
    die "port $REDIS_PORT is taken by something that is not Redis; set REDIS_PORT"
  fi
  mkdir -p "$REDIS_DIR"
  log "starting redis-server on $REDIS_URL"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir "$REDIS_DIR" \
    --pidfile "$REDIS_DIR/redis-$REDIS_PORT.pid" --logfile "$REDIS_DIR/redis-$REDIS_PORT.log" \
    </dev/null >/dev/null 2>&1 9>&- || die "redis-server failed to start (see $REDIS_DIR/redis-$REDIS_PORT.log)"
  for _ in $(seq 1 100); do
    redis_answers && { log "Redis is up"; return 0; }
    sleep 0.1
  done
  tail -n 20 "$REDIS_DIR/redis-$REDIS_PORT.log" >&2 2>/dev/null || true
  die "Redis did not answer PING on port $REDIS_PORT"
}

# ----------------------------------------------------------------------------- main

cmd="${1:-start}"
case "$cmd" in
  start | all | "")
    take_lock
    redis_start
    es_start
    printf 'ES_URL=%s\nREDIS_URL=%s\n' "$ES_URL" "$REDIS_URL"
    ;;
  es-start)
    take_lock
    es_start
    printf 'ES_URL=%s\n' "$ES_URL"
    ;;
  es-stop)
    take_lock
    es_stop
    ;;
  redis-start)
    take_lock
    redis_start
    printf 'REDIS_URL=%s\n' "$REDIS_URL"
    ;;
  status)
    ok=0
    if es_answers; then log "Elasticsearch: up on $ES_URL (cache pid: $(es_pid || echo 'n/a'))"; else log "Elasticsearch: down"; ok=1; fi
    if redis_answers; then log "Redis: up on $REDIS_URL"; else log "Redis: down"; ok=1; fi
    exit "$ok"
    ;;
  -h | --help | help)
    sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    ;;
  *)
    die "unknown command '$cmd' (use: start | es-start | es-stop | redis-start | status)"
    ;;
esac
