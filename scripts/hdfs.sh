#!/usr/bin/env bash
# A real HDFS on this machine for the HDFS sink: Apache Hadoop's MiniDFSCluster (one NameNode, one DataNode,
# WebHDFS on 127.0.0.1), from the Maven Central jars of test/java-hdfs/minicluster (built once into .stack/).
#
#   bash scripts/hdfs.sh up       start it in the background (prints webhdfs://127.0.0.1:<port>)
#   bash scripts/hdfs.sh down     stop the cluster started from this checkout
#   bash scripts/hdfs.sh status   up/down and the URLs
#
# Environment: SLUICE_HDFS_HTTP_PORT / SLUICE_HDFS_RPC_PORT (default 0: any free port), SLUICE_HDFS_WAIT (s, default 120).
# The HDFS tests start their own cluster (test/integration/hdfs/java-tools.ts); this is for manual runs and benches.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.stack/hdfs/minicluster"
RUN="$ROOT/.stack/hdfs/cluster"
PIDFILE="$RUN/pid"
WAIT="${SLUICE_HDFS_WAIT:-120}"

log() { printf '[hdfs] %s\n' "$*"; }
die() { printf '[hdfs] ERROR: %s\n' "$*" >&2; exit 1; }

build() {
  command -v mvn >/dev/null || die "mvn not found"
  local classes="$OUT/target/classes/dev/sluice/hdfs/MiniHdfs.class"
  if [[ ! -f "$OUT/classpath.txt" || ! -f "$classes" || "$ROOT/test/java-hdfs/minicluster/pom.xml" -nt "$classes" \
        || "$ROOT/test/java-hdfs/minicluster/src/main/java/dev/sluice/hdfs/MiniHdfs.java" -nt "$classes" ]]; then
    log "building the MiniDFSCluster launcher (Maven Central: hadoop-client-minicluster)"
    mkdir -p "$OUT"
    mvn -q -B -f "$ROOT/test/java-hdfs/minicluster/pom.xml" compile dependency:build-classpath \
      -Dmdep.outputFile="$OUT/classpath.txt" -Dminicluster.out="$OUT" >"$OUT/maven.log" 2>&1 \
      || { cat "$OUT/maven.log" >&2; die "maven build failed"; }
  fi
}

running() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

up() {
  if running; then log "already running: $(cat "$RUN/data/ports" 2>/dev/null)"; return; fi
  build
  rm -rf "$RUN" && mkdir -p "$RUN"
  local cp="$OUT/target/classes:$(cat "$OUT/classpath.txt")"
  # stdin from a FIFO held open by nobody but the cluster: it runs until `down` kills it.
  nohup java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" dev.sluice.hdfs.MiniHdfs "$RUN/data" \
    "${SLUICE_HDFS_HTTP_PORT:-0}" "${SLUICE_HDFS_RPC_PORT:-0}" < <(tail -f /dev/null) >"$RUN/out.log" 2>"$RUN/err.log" &
  echo $! >"$PIDFILE"
  local start=$SECONDS
  until [[ -f "$RUN/data/ports" ]]; do
    running || { tail -30 "$RUN/err.log" >&2; die "the cluster exited"; }
    (( SECONDS - start >= WAIT )) && die "not ready within ${WAIT}s"
    sleep 1
  done
  local http rpc
  http=$(sed -E 's/.*http=([0-9]+).*/\1/' "$RUN/data/ports")
  rpc=$(sed -E 's/.*rpc=([0-9]+).*/\1/' "$RUN/data/ports")
  log "up: webhdfs://127.0.0.1:$http (hdfs://127.0.0.1:$rpc), pid $(cat "$PIDFILE")"
}

down() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped"
  else
    log "not running"
  fi
  rm -rf "$RUN"
}

status() {
  if running; then log "up: $(cat "$RUN/data/ports" 2>/dev/null)"; else log "down"; return 1; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
