#!/usr/bin/env bash
# The real service stack for Sluice's integration tests, on this machine, no Docker.
#
#   bash scripts/stack.sh up           start whatever is not running, wait until all answer
#   bash scripts/stack.sh down         stop the Kafka broker started from this checkout
#   bash scripts/stack.sh status       one line per service: up/down (exit 1 if any is down)
#   bash scripts/stack.sh kafka-reset  stop Kafka and delete its data dir (stale format)
#
# Kafka: a single-node KRaft broker (combined broker+controller) run from the Apache Kafka
# jars that Maven resolves from Maven Central (scripts/kafka/pom.xml) into .stack/kafka/libs.
# The secure listeners use certificates made at start (scripts/kafka/certs.sh) in .stack/kafka/secure/
# (store password below); PLAIN users come from the listener's JAAS config, SCRAM users are created with
# Kafka's ConfigCommand once per cluster. A broker started with another config is restarted once.
# PostgreSQL, MariaDB and NATS (JetStream) are the machine's own services: they are started
# with the machine's commands if they do not answer, and `down` leaves them alone.
#
# Environment:
#   SLUICE_KAFKA_VERSION          Kafka release to resolve (default 3.9.2)
#   SLUICE_KAFKA_PORT             PLAINTEXT listener port (default 9092)
#   SLUICE_KAFKA_CONTROLLER_PORT  CONTROLLER listener port (default 9093)
#   SLUICE_KAFKA_SSL_PORT         SSL listener port (default 9094; client certificates requested, not required)
#   SLUICE_KAFKA_SASL_SSL_PORT    SASL_SSL listener port (default 9095; SCRAM-SHA-512, SCRAM-SHA-256, PLAIN)
#   SLUICE_KAFKA_SASL_PLAINTEXT_PORT  SASL_PLAINTEXT listener port (default 9096; PLAIN, OAUTHBEARER unsecured JWTs)
#   SLUICE_KAFKA_WAIT             seconds to wait for the broker (default 90)
#   SLUICE_SERVICE_WAIT           seconds to wait for each machine service (default 60)
#   SLUICE_PG_USER                PostgreSQL role used for setup (default postgres)
#   MAVEN_OPTS                    passed to Maven as usual (e.g. -Dmaven.repo.local=...)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK="$ROOT/.stack"
KDIR="$STACK/kafka"
KLIBS="$KDIR/libs"
KDATA="$KDIR/data"
KCONF="$KDIR/server.properties"
KLOG4J="$KDIR/log4j.properties"
KLOG="$KDIR/server.log"
KPID="$KDIR/pid"
KPORTFILE="$KDIR/port"
KCLUSTER="$KDIR/cluster-id"
KSECURE="$KDIR/secure"

KAFKA_VERSION="${SLUICE_KAFKA_VERSION:-3.9.2}"
KAFKA_HOST=127.0.0.1
KAFKA_PORT="${SLUICE_KAFKA_PORT:-9092}"
KAFKA_CTRL_PORT="${SLUICE_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SSL_PORT="${SLUICE_KAFKA_SSL_PORT:-9094}"
KAFKA_SASL_SSL_PORT="${SLUICE_KAFKA_SASL_SSL_PORT:-9095}"
KAFKA_SASL_PLAIN_PORT="${SLUICE_KAFKA_SASL_PLAINTEXT_PORT:-9096}"
# Test credentials, also known to test/support/kafka-secure.ts.
KAFKA_STORE_PASSWORD=sluice-store-secret
KAFKA_PLAIN_USERS=(admin:admin-secret alice:alice-secret)
KAFKA_SCRAM_USERS=(alice:alice-secret)
KAFKA_WAIT="${SLUICE_KAFKA_WAIT:-90}"
SERVICE_WAIT="${SLUICE_SERVICE_WAIT:-60}"
PG_USER="${SLUICE_PG_USER:-postgres}"
PG_PORT=5432
MARIADB_PORT=3306
NATS_PORT=4222

log() { printf '[stack] %s\n' "$*"; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# wait_port NAME PORT SECONDS: poll until the port answers, saying what it waits for.
wait_port() {
  local name=$1 port=$2 secs=$3 start=$SECONDS
  until port_open "$port"; do
    if (( SECONDS - start >= secs )); then
      return 1
    fi
    if (( (SECONDS - start) % 5 == 0 )); then
      log "waiting for $name on 127.0.0.1:$port ($((SECONDS - start))s/${secs}s)"
    fi
    sleep 1
  done
}

# ---------------------------------------------------------------- machine services

ensure_postgres() {
  if ! port_open "$PG_PORT"; then
    log "postgres: not answering on 127.0.0.1:$PG_PORT, starting it"
    # shellcheck disable=SC2046
    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start 9>&- \
      || log "postgres: pg_ctlcluster returned non-zero (it may already be starting)"
    wait_port postgres "$PG_PORT" "$SERVICE_WAIT" || die "postgres did not answer on 127.0.0.1:$PG_PORT within ${SERVICE_WAIT}s"
  fi
  # Listening is not accepting queries yet (recovery after a crash): wait for a query to work.
  local start=$SECONDS
  until psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -XAtqc 'select 1' >/dev/null 2>&1; do
    (( SECONDS - start >= SERVICE_WAIT )) && die "postgres: role $PG_USER cannot query on 127.0.0.1:$PG_PORT: $(psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -XAtqc 'select 1' 2>&1 | tail -1)"
    log "waiting for postgres to accept queries"
    sleep 1
  done
  if [[ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -XAtqc "select 1 from pg_database where datname = 'test'")" != 1 ]]; then
    log "postgres: creating database test"
    psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -XAtqc 'create database test' >/dev/null
  fi
  log "postgres: up (127.0.0.1:$PG_PORT, role $PG_USER, database test)"
}

ensure_mariadb() {
  if ! port_open "$MARIADB_PORT"; then
    log "mariadb: not answering on 127.0.0.1:$MARIADB_PORT, starting it"
    # The socket directory lives on tmpfs and is normally made by systemd.
    [[ -d /run/mysqld ]] || install -d -o mysql -g mysql /run/mysqld
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd 9>&-
    wait_port mariadb "$MARIADB_PORT" "$SERVICE_WAIT" || die "mariadb did not answer on 127.0.0.1:$MARIADB_PORT within ${SERVICE_WAIT}s"
  fi
  local start=$SECONDS
  until mysql -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -e 'select 1' >/dev/null 2>&1; do
    (( SECONDS - start >= SERVICE_WAIT )) && die "mariadb: root cannot query on 127.0.0.1:$MARIADB_PORT: $(mysql -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -e 'select 1' 2>&1 | tail -1)"
    log "waiting for mariadb to accept queries"
    sleep 1
  done
  mysql -h 127.0.0.1 -P "$MARIADB_PORT" -uroot -e 'create database if not exists test'
  log "mariadb: up (127.0.0.1:$MARIADB_PORT, root, database test)"
}

ensure_nats() {
  if ! port_open "$NATS_PORT"; then
    log "nats: not answering on 127.0.0.1:$NATS_PORT, starting it"
    # Matched by its pid file, not by the executable: a test's private nats-server is not this one.
    start-stop-daemon --start --oknodo --background --make-pidfile --pidfile /tmp/sluice-stack-nats.pid \
      --exec /usr/sbin/nats-server -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log 9>&-
    wait_port nats "$NATS_PORT" "$SERVICE_WAIT" || die "nats did not answer on 127.0.0.1:$NATS_PORT within ${SERVICE_WAIT}s (see /var/log/nats-server.log)"
  fi
  log "nats: up (127.0.0.1:$NATS_PORT, JetStream)"
}

# ---------------------------------------------------------------- kafka

# The pid of the broker started from this checkout, if it still runs (checked by its
# command line, so a recycled pid is never taken for it).
kafka_pid() {
  [[ -f "$KPID" ]] || return 1
  local pid
  pid="$(cat "$KPID")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $KCONF" || return 1
  echo "$pid"
}

kafka_probe() { # kafka_probe TIMEOUT_MS [PID]
  [[ -d "$ROOT/node_modules/kafkajs" ]] || die "node_modules/kafkajs is missing: run npm ci first"
  node "$ROOT/scripts/kafka/probe.mjs" "$KAFKA_HOST:$KAFKA_PORT" "$@"
}

kafka_fetch() {
  local marker="$KLIBS/.resolved-$KAFKA_VERSION"
  [[ -f "$marker" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (needed to fetch the Kafka broker jars)"
  log "kafka: resolving Apache Kafka $KAFKA_VERSION broker jars from Maven Central into ${KLIBS#"$ROOT"/}"
  rm -rf "$KLIBS"
  mkdir -p "$KLIBS"
  local start=$SECONDS
  if ! mvn -q -B -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
      -Dkafka.version="$KAFKA_VERSION" -Dkafka.libs="$KLIBS" >"$KDIR/maven.log" 2>&1; then
    cat "$KDIR/maven.log" >&2
    rm -rf "$KLIBS"
    die "kafka: Maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION"
  fi
  ls "$KLIBS"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "kafka: kafka_2.13-$KAFKA_VERSION.jar missing after resolution"
  touch "$marker"
  log "kafka: $(ls "$KLIBS" | wc -l) jars resolved in $((SECONDS - start))s"
}

# Writes the broker's config to $1 (server.properties, or a candidate to compare with the running one's).
kafka_render_config() {
  local out=$1 plain_users="" u
  for u in "${KAFKA_PLAIN_USERS[@]}"; do plain_users+=" user_${u%%:*}=\"${u#*:}\""; done
  cat >"$out" <<EOF
# Written by scripts/stack.sh: single-node KRaft broker for Sluice's tests.
# Certificates: CA sha256 $(openssl x509 -in "$KSECURE/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CTRL_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CTRL_PORT,SSL://127.0.0.1:$KAFKA_SSL_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PLAIN_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SSL://127.0.0.1:$KAFKA_SSL_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PLAIN_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,SASL_PLAINTEXT:SASL_PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
ssl.keystore.type=PKCS12
ssl.keystore.location=$KSECURE/broker.p12
ssl.keystore.password=$KAFKA_STORE_PASSWORD
ssl.key.password=$KAFKA_STORE_PASSWORD
ssl.truststore.type=PEM
ssl.truststore.location=$KSECURE/ca.pem
listener.name.ssl.ssl.client.auth=requested
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$plain_users;
listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN,OAUTHBEARER
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$plain_users;
listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";
log.dirs=$KDATA
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
# A loaded 2-core machine can starve the broker's heartbeats to its own controller: with the default 9 s it fences
# itself, every partition (and the group coordinator) loses its leader, and tests stall for tens of seconds.
broker.session.timeout.ms=60000
EOF
}

kafka_write_config() {
  mkdir -p "$KDATA"
  kafka_render_config "$KCONF.tmp"
  mv "$KCONF.tmp" "$KCONF"
  cat >"$KLOG4J" <<'EOF'
# Written by scripts/stack.sh: WARN and above to stdout, which stack.sh sends to server.log.
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
# One INFO line when the server has started (or why it stopped).
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.Kafka$=INFO
EOF
}

kafka_certs() {
  bash "$ROOT/scripts/kafka/certs.sh" "$KSECURE" "$KAFKA_STORE_PASSWORD" \
    || die "kafka: making the test certificates in ${KSECURE#"$ROOT"/} failed"
}

# True when the running broker was started with another config than this script writes now.
kafka_config_changed() {
  kafka_render_config "$KCONF.want"
  if cmp -s "$KCONF.want" "$KCONF"; then rm -f "$KCONF.want"; return 1; fi
  rm -f "$KCONF.want"
}

# SCRAM credentials live in the cluster metadata: created with Kafka's ConfigCommand once per cluster id.
kafka_scram_users() {
  local marker u mech
  marker="$KSECURE/.scram-$(cat "$KCLUSTER" 2>/dev/null || echo unknown)"
  [[ -f "$marker" ]] && return 0
  for u in "${KAFKA_SCRAM_USERS[@]}"; do
    # One mechanism per request: the broker refuses two changes to one user's credentials in a request.
    for mech in SCRAM-SHA-512 SCRAM-SHA-256; do
      java -cp "$KLIBS/*" -Dlog4j.configuration="file:$KLOG4J" kafka.admin.ConfigCommand \
        --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" --alter --entity-type users --entity-name "${u%%:*}" \
        --add-config "$mech=[password=${u#*:}]" >"$KDIR/scram.log" 2>&1 \
        || { cat "$KDIR/scram.log" >&2; die "kafka: creating $mech user ${u%%:*} failed"; }
    done
  done
  rm -f "$KSECURE"/.scram-*
  touch "$marker"
  log "kafka: SCRAM users created (${KAFKA_SCRAM_USERS[*]%%:*})"
}

# After the broker answers on PLAINTEXT: its SCRAM users, then a handshake on each secure listener.
kafka_secure_ready() {
  kafka_scram_users
  node "$ROOT/scripts/kafka/secure-probe.mjs" "$KSECURE" "$KAFKA_HOST" "$KAFKA_SSL_PORT" "$KAFKA_SASL_SSL_PORT" \
    "$KAFKA_SASL_PLAIN_PORT" "${KAFKA_SCRAM_USERS[0]}" "${KAFKA_PLAIN_USERS[1]}" 20000 \
    || kafka_fail "kafka: the secure listeners do not answer (see above)"
}

# A fresh base64url UUID without padding, as Kafka's Uuid.toString() prints one.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && { echo "$id"; return; }
  done
}

kafka_format() {
  local meta="$KDATA/meta.properties" want have
  if [[ -f "$meta" ]]; then
    have="$(sed -n 's/^cluster.id=//p' "$meta")"
    if [[ -f "$KCLUSTER" ]]; then
      want="$(cat "$KCLUSTER")"
      if [[ "$have" != "$want" ]]; then
        die "kafka: ${KDATA#"$ROOT"/} was formatted for cluster '$have', expected '$want'; run: bash scripts/stack.sh kafka-reset"
      fi
    else
      echo "$have" >"$KCLUSTER"
    fi
    return 0
  fi
  if [[ -n "$(ls -A "$KDATA" 2>/dev/null)" ]]; then
    die "kafka: ${KDATA#"$ROOT"/} is not empty but has no meta.properties; run: bash scripts/stack.sh kafka-reset"
  fi
  [[ -f "$KCLUSTER" ]] || new_cluster_id >"$KCLUSTER"
  log "kafka: formatting ${KDATA#"$ROOT"/} for cluster $(cat "$KCLUSTER")"
  java -cp "$KLIBS/*" -Dlog4j.configuration="file:$KLOG4J" kafka.tools.StorageTool \
    format -t "$(cat "$KCLUSTER")" -c "$KCONF" >"$KDIR/format.log" 2>&1 \
    || { cat "$KDIR/format.log" >&2; die "kafka: storage format failed"; }
}

kafka_fail() {
  printf '[stack] ---- last lines of %s ----\n' "${KLOG#"$ROOT"/}" >&2
  tail -n 40 "$KLOG" >&2 || true
  printf '[stack] ----\n' >&2
  die "$*"
}

ensure_kafka() {
  mkdir -p "$KDIR"
  local pid=""
  pid="$(kafka_pid)" || pid=""

  if [[ -n "$pid" ]]; then
    local running_port
    running_port="$(cat "$KPORTFILE" 2>/dev/null || echo '?')"
    if [[ "$running_port" != "$KAFKA_PORT" ]]; then
      die "kafka: the broker from this checkout (pid $pid) listens on port $running_port, not $KAFKA_PORT; run: bash scripts/stack.sh down"
    fi
  fi

  kafka_certs
  if [[ -n "$pid" ]] && kafka_config_changed; then
    log "kafka: the running broker (pid $pid) has another config (listeners or certificates changed), restarting it"
    kafka_stop
    pid=""
  fi

  if port_open "$KAFKA_PORT"; then
    if kafka_probe 0 >/dev/null 2>&1; then
      if [[ -n "$pid" ]]; then
        kafka_secure_ready
        log "kafka: up ($KAFKA_HOST:$KAFKA_PORT, pid $pid; SSL $KAFKA_SSL_PORT, SASL_SSL $KAFKA_SASL_SSL_PORT, SASL_PLAINTEXT $KAFKA_SASL_PLAIN_PORT)"
      else
        log "kafka: up ($KAFKA_HOST:$KAFKA_PORT, not started from this checkout; its secure listeners are not checked)"
      fi
      return 0
    fi
    if [[ -z "$pid" ]]; then
      # Something else holds the port and is not a broker that answers (yet). Give it a
      # short while in case a broker from another checkout is starting, then give up.
      log "kafka: 127.0.0.1:$KAFKA_PORT is open but does not serve Kafka metadata yet, waiting up to 30s"
      kafka_probe 30000 && return 0
      die "kafka: 127.0.0.1:$KAFKA_PORT is taken by something that is not a working broker"
    fi
  fi

  if [[ -z "$pid" ]]; then
    kafka_fetch
    kafka_write_config
    kafka_format
    if port_open "$KAFKA_CTRL_PORT"; then
      die "kafka: controller port 127.0.0.1:$KAFKA_CTRL_PORT is already taken (set SLUICE_KAFKA_CONTROLLER_PORT)"
    fi
    local p pname pport penv
    for p in "SSL:$KAFKA_SSL_PORT:SLUICE_KAFKA_SSL_PORT" "SASL_SSL:$KAFKA_SASL_SSL_PORT:SLUICE_KAFKA_SASL_SSL_PORT" \
      "SASL_PLAINTEXT:$KAFKA_SASL_PLAIN_PORT:SLUICE_KAFKA_SASL_PLAINTEXT_PORT"; do
      IFS=: read -r pname pport penv <<<"$p"
      if port_open "$pport"; then die "kafka: $pname port 127.0.0.1:$pport is already taken (set $penv)"; fi
    done
    [[ -f "$KLOG" ]] && mv -f "$KLOG" "$KLOG.prev"
    log "kafka: starting Apache Kafka $KAFKA_VERSION (KRaft, node 1) on $KAFKA_HOST:$KAFKA_PORT, controller $KAFKA_HOST:$KAFKA_CTRL_PORT"
    (
      cd "$KDIR"
      setsid nohup java -Xmx512m -Xms256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true -Dlog4j.configuration="file:$KLOG4J" \
        -cp "$KLIBS/*" kafka.Kafka "$KCONF" >"$KLOG" 2>&1 </dev/null 9>&- &
      echo $! >"$KPID"
    )
    echo "$KAFKA_PORT" >"$KPORTFILE"
    pid="$(cat "$KPID")"
  else
    log "kafka: broker process $pid is running but not answering yet"
  fi

  log "kafka: waiting for the broker (pid $pid) to serve metadata on $KAFKA_HOST:$KAFKA_PORT (up to ${KAFKA_WAIT}s)"
  local start=$SECONDS rc=0
  kafka_probe $((KAFKA_WAIT * 1000)) "$pid" || rc=$?
  if (( rc != 0 )); then
    if (( rc == 2 )); then
      rm -f "$KPID" "$KPORTFILE"
      kafka_fail "kafka: the broker exited during startup (a stale data dir? try: bash scripts/stack.sh kafka-reset)"
    fi
    kafka_fail "kafka: the broker did not serve metadata within ${KAFKA_WAIT}s (pid $pid still runs; bash scripts/stack.sh down stops it)"
  fi
  kafka_secure_ready
  log "kafka: up after $((SECONDS - start))s ($KAFKA_HOST:$KAFKA_PORT, pid $pid, log ${KLOG#"$ROOT"/}; SSL $KAFKA_SSL_PORT, SASL_SSL $KAFKA_SASL_SSL_PORT, SASL_PLAINTEXT $KAFKA_SASL_PLAIN_PORT)"
}

kafka_stop() {
  local pid
  if ! pid="$(kafka_pid)"; then
    rm -f "$KPID" "$KPORTFILE"
    if port_open "$KAFKA_PORT"; then
      log "kafka: no broker started from this checkout; 127.0.0.1:$KAFKA_PORT is served by another process, left alone"
    else
      log "kafka: not running"
    fi
    return 0
  fi
  log "kafka: stopping broker (pid $pid, SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  local start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS - start >= 30 )); then
      log "kafka: still running after 30s, SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    if (( SECONDS - start > 0 && (SECONDS - start) % 5 == 0 )); then
      log "kafka: waiting for pid $pid to exit ($((SECONDS - start))s/30s)"
    fi
    sleep 0.5
  done
  rm -f "$KPID" "$KPORTFILE"
  log "kafka: stopped after $((SECONDS - start))s"
}

status_line() { # status_line NAME PORT [extra]
  if port_open "$2"; then
    printf '%-14s up    127.0.0.1:%s%s\n' "$1" "$2" "${3:+ ($3)}"
  else
    printf '%-14s down  127.0.0.1:%s\n' "$1" "$2"
    return 1
  fi
}

# Chromium for the dashboard's browser tests (test/integration/ui, driven by playwright-core). Installed from
# Debian when missing; when that fails the browser tests fail and say so (they never skip).
ensure_chromium() {
  [[ -x /usr/bin/chromium ]] && return 0
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    log "chromium: missing and cannot be installed here (needs root and apt-get); the dashboard's browser tests will fail"
    return 0
  fi
  log "chromium: missing, installing it with apt-get"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; }; } 9>&-; then
    log "chromium: apt-get could not install it; the dashboard's browser tests will fail"
  fi
}

# ---------------------------------------------------------------- main

mkdir -p "$STACK"
# One stack.sh at a time per checkout (parallel test jobs may all call `up`). Every daemon
# started below gets `9>&-`: one that kept fd 9 would hold this lock for as long as it runs.
exec 9>"$STACK/.lock"
if ! flock -n 9; then
  log "another scripts/stack.sh is running in this checkout, waiting for it"
  flock -w 300 9 || die "timed out waiting for the other scripts/stack.sh"
fi

cmd="${1:-}"
case "$cmd" in
  up)
    ensure_postgres
    ensure_mariadb
    ensure_nats
    ensure_kafka
    ensure_chromium
    ;;
  down)
    kafka_stop
    ;;
  status)
    rc=0
    kpid="$(kafka_pid)" || kpid=""
    status_line kafka "$KAFKA_PORT" "${kpid:+pid $kpid}" || rc=1
    status_line kafka-ssl "$KAFKA_SSL_PORT" || rc=1
    status_line kafka-sasl-ssl "$KAFKA_SASL_SSL_PORT" || rc=1
    status_line kafka-sasl "$KAFKA_SASL_PLAIN_PORT" || rc=1
    status_line postgres "$PG_PORT" || rc=1
    status_line mariadb "$MARIADB_PORT" || rc=1
    status_line nats "$NATS_PORT" || rc=1
    exit "$rc"
    ;;
  kafka-reset)
    kafka_stop
    log "kafka: deleting ${KDATA#"$ROOT"/} and the cluster id"
    rm -rf "$KDATA" "$KCLUSTER"
    ;;
  *)
    echo "usage: bash scripts/stack.sh up|down|status|kafka-reset" >&2
    exit 2
    ;;
esac
