#!/usr/bin/env bash
# The benchmark of market-stream against nchan (bench/README.md). Starts everything itself, on loopback only: a
# Kafka broker, one Redis per server, market-stream (the packaged production jar) and nchan (nginx +
# libnginx-mod-nchan, configured from ../shared/peers/nchan-redis.conf); runs the scenarios with the same load
# generator against both; stops every process it started, by PID; writes JSON, a table and a chart.
#
#   bench/run.sh                 full run, results in bench/results/ (about 15-20 minutes)
#   bench/run.sh --smoke         a few hundred connections for a few seconds; exits non-zero on any gap, duplicate,
#                                incomplete delivery or broken pipeline (CI); results in a temporary directory
#   options: --no-build (use target/market-stream-runner.jar as it is)  --only s1,s3,s1r  --servers ms|nchan|ms,nchan  --profile
#            --hop-probe (during market-stream's scenario 1, a bare Kafka consumer reports the broker hop alone:
#            results/hop-probe-s1.txt; a diagnostic, it adds a consumer to the broker)
#            --kafka-shadow (with --only s1r --servers nchan: until the rounds end, market-stream's live Kafka traffic, a
#            publisher and a bare consumer of a topic of their own, on the broker beside nchan; a diagnostic)
# Durations and sizes: environment variables, see "Settings" below.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")

SMOKE=0; BUILD=1; PROFILE=0; HOP_PROBE=0; KAFKA_SHADOW=0; ONLY=""; SERVERS=""
while (($#)); do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --no-build) BUILD=0 ;;
    --profile) PROFILE=1 ;;
    --hop-probe) HOP_PROBE=1 ;;
    --kafka-shadow) KAFKA_SHADOW=1 ;;
    --only) ONLY=$2; shift ;;
    --servers) SERVERS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if ((KAFKA_SHADOW)) && { [ "$SERVERS" != nchan ] || [ "$ONLY" != s1r ]; }; then
  echo "--kafka-shadow needs --only s1r --servers nchan: it is for nchan's rounds, and would load any other measure" >&2; exit 2
fi

# ---- Settings -----------------------------------------------------------------------------------------------
KAFKA_PORT=${KAFKA_PORT:-29092}          # and KAFKA_PORT+1 for its controller
MS_PORT=${MS_PORT:-28080}
NCHAN_PORT=${NCHAN_PORT:-28081}
MS_REDIS_PORT=${MS_REDIS_PORT:-26379}
NCHAN_REDIS_PORT=${NCHAN_REDIS_PORT:-26380}
PARTITIONS=${PARTITIONS:-3}
MS_APP=${MS_APP:-$ROOT/target}           # the directory of market-stream-runner.jar and its archive
MS_JAVA_OPTS=${MS_JAVA_OPTS:--Xmx1g -XX:+UseParallelGC -Xmn128m -XX:+ExitOnOutOfMemoryError}  # docker/Dockerfile.jvm's, heap as in a 1.5 GiB pod
KAFKA_JAVA_OPTS=${KAFKA_JAVA_OPTS:--Xms512m -Xmx1g}  # the broker's JVM
LOAD_JAVA_OPTS=${LOAD_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC -XX:ParallelGCThreads=1}
IO_THREADS=${IO_THREADS:-1}              # selector threads of each load generator process
NCHAN_WORKER_PROCESSES=${NCHAN_WORKER_PROCESSES:-}  # override the peer configuration's worker_processes (not for comparisons)
LOAD_PER_PROCESS=${LOAD_PER_PROCESS:-}   # connections per load process (default: its open-file limit - 500)
STEP_SECONDS=${STEP_SECONDS:-10}         # scenario 1: length of each rate step
STEP_RATES=${STEP_RATES:-100,250,500,750,1000,1250,1500,2000,2500,3000}
SUSTAIN_P99_MS=${SUSTAIN_P99_MS:-1000}   # scenario 1: a step with a higher p99 is behind (the smoke allows any)
STEADY_SECONDS=${STEADY_SECONDS:-30}     # scenarios 2 and 3
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
# Scenario 1 compares efficiency, so both servers are measured warm, as a pod that has run for a while: a JVM
# compiles its hot paths in its first minute or so under load (start-up is scenario 5).
S1_WARMUP_SECONDS=${S1_WARMUP_SECONDS:-60}; S1_WARMUP_RATE=${S1_WARMUP_RATE:-250}
STEADY_WARMUP_SECONDS=${STEADY_WARMUP_SECONDS:-30}  # scenario 2: warm-up at its rate
# Scenario 3 is beyond both servers (1,000,000 deliveries/s): a short warm-up at a rate both deliver completely.
# (With a 30 s one, nchan closes the publisher's connection during the measured window; not investigated.)
S3_WARMUP_SECONDS=${S3_WARMUP_SECONDS:-5}; S3_WARMUP_RATE=${S3_WARMUP_RATE:-10}
GRACE_SECONDS=${GRACE_SECONDS:-3}        # time after a window for the last events to arrive
PROFILE_SCENARIO=${PROFILE_SCENARIO:-s1}            # --profile: the scenario of market-stream profiled
PROFILE_DELAY_SECONDS=${PROFILE_DELAY_SECONDS:-80}  # ... the profiler starts this long after it starts
PROFILE_SECONDS=${PROFILE_SECONDS:-30}              # ... and samples for this long
PROFILE_EVENT=${PROFILE_EVENT:-cpu}                 # ... of this async-profiler event: cpu, alloc (allocated bytes), wall
HOP_PROBE_SECONDS=${HOP_PROBE_SECONDS:-5}           # --hop-probe: its reporting interval
QUIET_BUSY_PCT=${QUIET_BUSY_PCT:-25}     # before a scenario, wait until the machine is at most this busy ...
QUIET_WAIT_SECONDS=${QUIET_WAIT_SECONDS:-120}  # ... for at most this long
S1_CONNS=${S1_CONNS:-10000}; S1_CHANNELS=${S1_CHANNELS:-100}
# 20,000 connections, unless the open-file hard limit of a process (which root may be unable to raise) is lower:
# then as many as a server can hold with its own files (bench/README.md).
S2_CONNS=${S2_CONNS:-$(( $(ulimit -Hn) >= 21000 ? 20000 : $(ulimit -Hn) - 500 ))}
S2_CHANNELS=${S2_CHANNELS:-1000}; S2_RATE=${S2_RATE:-1000}
S3_CONNS=${S3_CONNS:-5000}; S3_RATE=${S3_RATE:-200}
S4_CONNS=${S4_CONNS:-5000}; S4_CHANNELS=${S4_CHANNELS:-10}; S4_EVENTS=${S4_EVENTS:-100}
S4_WARMUP_STORMS=${S4_WARMUP_STORMS:-1}  # unmeasured storms before the measured one (servers measured warm)
# Scenario s1r: the 500 events/s point of scenario 1 again, in rounds alternated between the servers (below); a
# round is a window of each, S1R_PERIOD seconds apart; the first starts S1R_LEAD_SECONDS after the loads start.
S1R_ROUNDS=${S1R_ROUNDS:-5}; S1R_RATE=${S1R_RATE:-500}; S1R_PERIOD=${S1R_PERIOD:-18}; S1R_LEAD_SECONDS=${S1R_LEAD_SECONDS:-120}
# In s1r the server not measured must be quiet. market-stream sends its idle streams a heartbeat (15 s by default),
# nchan as configured sends none, so between its own windows market-stream's 10,000 idle streams would be written to
# during nchan's windows (measured: nchan's s1r p99 median 9.0 and 10.4 ms with this, 14.2 and 37.1 without). Its
# own windows are unaffected: a stream with events is sent no heartbeat.
S1R_MS_HEARTBEAT=${S1R_MS_HEARTBEAT:-10m}
SCENARIOS=${ONLY:-s1,s2,s3,s4,s1r}
RESULTS=${RESULTS:-$BENCH/results}
if ((SMOKE)); then
  STEP_SECONDS=2; STEP_RATES=100,200; WARMUP_SECONDS=1; S1_WARMUP_SECONDS=1; S1_WARMUP_RATE=100; GRACE_SECONDS=3; SUSTAIN_P99_MS=60000
  S1_CONNS=300; S1_CHANNELS=10; S4_CONNS=200; S4_CHANNELS=10
  SCENARIOS=${ONLY:-s1,s4}
  RESULTS=${RESULTS_SMOKE:-}
fi

WORK=$(mktemp -d /tmp/market-stream-bench.XXXXXX)
[ -n "$RESULTS" ] || RESULTS=$WORK/results
mkdir -p "$RESULTS"
CP="$BENCH/target/classes:$BENCH/target/lib/*"
QUIET="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"

# ---- Processes: everything started is remembered by PID and stopped on exit --------------------------------
STARTED=()
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED[$i]}"; done
  rm -rf "$WORK/kafka"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
now_ns() { date +%s%N; }

wait_for() { # seconds, command...: true once the command succeeds
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || return 1
    sleep 0.02
  done
}

# ---- Machine ------------------------------------------------------------------------------------------------
# Every process gets the highest open-file limit allowed (raising the hard limit needs CAP_SYS_RESOURCE, which root
# may lack in a container: then each process is capped at the inherited hard limit, e.g. 20,000 fds, and a server
# cannot hold 20,000 clients plus its own files; see bench/README.md). No sysctl is changed: client sockets are
# spread over source addresses 127.0.0.2-9, so the ephemeral port range is never short.
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# Every port must be free: a server of someone else's answering in place of ours would be measured instead.
for port in "$KAFKA_PORT" $((KAFKA_PORT + 1)) "$MS_PORT" "$NCHAN_PORT" "$MS_REDIS_PORT" "$NCHAN_REDIS_PORT"; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    echo "port $port is in use (set KAFKA_PORT, MS_PORT, NCHAN_PORT, MS_REDIS_PORT, NCHAN_REDIS_PORT)" >&2; exit 1
  fi
done

# ---- Build ----------------------------------------------------------------------------------------------------
command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install -y redis-server" >&2; exit 1; }
if ((BUILD)); then
  log "packaging market-stream (./mvnw package -DskipTests)"
  (cd "$ROOT" && ./mvnw -B -ntp -q package -DskipTests)
fi
[ -f "$MS_APP/market-stream-runner.jar" ] || { echo "no $MS_APP/market-stream-runner.jar: run without --no-build" >&2; exit 1; }
# The class-data archive the build makes (as docker/Dockerfile.jvm uses its own); it names the jar relative to its
# directory, so the JVM runs there.
MS_CDS=""; [ -f "$MS_APP/market-stream.jsa" ] && MS_CDS="-XX:SharedArchiveFile=market-stream.jsa"
log "building the load generator (bench/pom.xml)"
(cd "$ROOT" && ./mvnw -B -ntp -q -f bench/pom.xml package)

# The machine and what runs on it (after the build, so that the jar's time is the one measured).
{
  echo "{"
  echo "  \"date\": \"$(date -u +%FT%TZ)\","
  echo "  \"commit\": \"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet -- src pom.xml 2>/dev/null || echo '+dirty')\","
  echo "  \"msApp\": \"$MS_APP\", \"msAppBuilt\": \"$(date -u -r "$MS_APP/market-stream-runner.jar" +%FT%TZ 2>/dev/null || echo unknown)\","
  echo "  \"cpus\": $(nproc),"
  echo "  \"cpuModel\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//;s/"//g')\","
  echo "  \"memTotalKb\": $(awk '/MemTotal/ {print $2}' /proc/meminfo),"
  echo "  \"kernel\": \"$(uname -r)\","
  echo "  \"java\": \"$(java -version 2>&1 | head -1 | sed 's/"//g')\","
  echo "  \"nginx\": \"$(nginx -v 2>&1 | sed 's/"//g' || true)\","
  echo "  \"nchan\": \"$(dpkg-query -W -f='${Version}' libnginx-mod-nchan 2>/dev/null || echo none)\","
  echo "  \"redis\": \"$(redis-server --version | sed 's/"//g')\","
  echo "  \"somaxconn\": $(sysctl -n net.core.somaxconn), \"ipLocalPortRange\": \"$(sysctl -n net.ipv4.ip_local_port_range | tr '\t' ' ')\","
  echo "  \"fileMax\": $(sysctl -n fs.file-max), \"ulimitN\": $(ulimit -n),"
  echo "  \"msJavaOpts\": \"$MS_JAVA_OPTS\", \"loadJavaOpts\": \"$LOAD_JAVA_OPTS\", \"ioThreads\": $IO_THREADS,"
  echo "  \"kafkaShadow\": $( ((KAFKA_SHADOW)) && echo true || echo false),"
  echo "  \"smoke\": $( ((SMOKE)) && echo true || echo false)"
  echo "}"
} > "$RESULTS/environment.json"

if ((PROFILE)); then # async-profiler's native library, from its Maven jar
  PROFILER_LIB=$WORK/libasyncProfiler.so
  unzip -p "$(ls "$BENCH"/target/lib/async-profiler-*.jar)" linux-x64/libasyncProfiler.so > "$PROFILER_LIB"
fi

NCHAN_CONF=$ROOT/../shared/peers/nchan-redis.conf
nchan_available() { command -v nginx >/dev/null && [ -f /usr/lib/nginx/modules/ngx_nchan_module.so ] && [ -f "$NCHAN_CONF" ]; }
if [ -z "$SERVERS" ]; then
  if nchan_available; then SERVERS=ms,nchan
  elif ((SMOKE)); then
    log "WARNING: nchan is not installed (apt-get install -y nginx libnginx-mod-nchan): smoke of market-stream only"
    SERVERS=ms
  else
    echo "nchan is missing: apt-get install -y nginx libnginx-mod-nchan (or --servers ms)" >&2; exit 1
  fi
fi

# ---- Servers ------------------------------------------------------------------------------------------------
start_redis() { # port -> REDIS_PID
  redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$WORK" \
    --logfile "$WORK/redis-$1.log" &
  REDIS_PID=$!; STARTED+=("$REDIS_PID")
  wait_for 20 redis-cli -p "$1" ping || { echo "redis on $1 did not start" >&2; exit 1; }
}

start_kafka() {
  log "starting the Kafka broker on 127.0.0.1:$KAFKA_PORT"
  java $KAFKA_JAVA_OPTS $QUIET -cp "$CP" bench.KafkaBroker "$KAFKA_PORT" "$WORK/kafka" "$PARTITIONS" \
    > "$WORK/kafka.log" 2>&1 &
  KAFKA_PID=$!; STARTED+=("$KAFKA_PID")
  wait_for 120 grep -q '^READY' "$WORK/kafka.log" || { tail -20 "$WORK/kafka.log" >&2; exit 1; }
}

start_ms() { # scenario -> MS_PID, REDIS_PID; records start-up time and idle RSS
  start_redis "$MS_REDIS_PORT"
  local t0; t0=$(now_ns)
  local settings=(); [ -z "${MS_HEARTBEAT:-}" ] || settings=(MARKET_STREAM_HEARTBEAT="$MS_HEARTBEAT")
  env "${settings[@]}" KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$MS_REDIS_PORT \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$MS_PORT MARKET_STREAM_DRAIN_WINDOW=0.2s \
    bash -c 'cd "$1" && shift && exec "$@"' ms "$MS_APP" java $MS_JAVA_OPTS $MS_CDS -jar market-stream-runner.jar > "$WORK/ms-$1.log" 2>&1 &
  MS_PID=$!; STARTED+=("$MS_PID")
  wait_for 90 curl -fsS "http://127.0.0.1:$MS_PORT/q/health/ready" || { tail -30 "$WORK/ms-$1.log" >&2; exit 1; }
  local ready_ms=$(( ($(now_ns) - t0) / 1000000 ))
  kill -0 "$MS_PID" 2>/dev/null || { tail -30 "$WORK/ms-$1.log" >&2; exit 1; }
  sleep 2
  local rss; rss=$(awk '/VmRSS/ {print $2}' "/proc/$MS_PID/status")
  local redis_rss; redis_rss=$(awk '/VmRSS/ {print $2}' "/proc/$REDIS_PID/status")
  local quarkus; quarkus=$(grep -o 'started in [0-9.]*s' "$WORK/ms-$1.log" | grep -o '[0-9.]*' || echo null)
  echo "{\"server\":\"market-stream\",\"scenario\":\"$1\",\"readyMs\":$ready_ms,\"quarkusStartedS\":${quarkus:-null},\"idleRssKb\":$rss,\"redisIdleRssKb\":$redis_rss}" \
    > "$RESULTS/startup-ms-$1.json"
  log "market-stream ready in $ready_ms ms (Quarkus: ${quarkus}s), idle RSS $((rss / 1024)) MiB"
}

start_nchan() { # scenario -> NGINX_PID, NCHAN_WORKERS, REDIS_PID
  start_redis "$NCHAN_REDIS_PORT"
  local dir=$WORK/nchan-$1
  mkdir -p "$dir"
  local edits=(-e "s/127\.0\.0\.1:8081/127.0.0.1:$NCHAN_PORT/" -e "s#redis://127\.0\.0\.1:6379#redis://127.0.0.1:$NCHAN_REDIS_PORT#")
  [ -z "$NCHAN_WORKER_PROCESSES" ] || edits+=(-e "s/worker_processes [0-9a-z]*;/worker_processes $NCHAN_WORKER_PROCESSES;/")
  sed "${edits[@]}" "$NCHAN_CONF" > "$dir/nginx.conf"
  local t0; t0=$(now_ns)
  nginx -p "$dir" -c nginx.conf -e "$dir/error.log" -g 'daemon off;' &
  NGINX_PID=$!; STARTED+=("$NGINX_PID")
  wait_for 30 curl -fsS "http://127.0.0.1:$NCHAN_PORT/nchan_status" || { tail -20 "$dir/error.log" >&2; exit 1; }
  local ready_ms=$(( ($(now_ns) - t0) / 1000000 ))
  NCHAN_WORKERS=$(ps -o pid= --ppid "$NGINX_PID" | tr -d ' ' | paste -sd, -)
  sleep 2
  local rss=0 p
  for p in $NGINX_PID ${NCHAN_WORKERS//,/ }; do rss=$((rss + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done
  local redis_rss; redis_rss=$(awk '/VmRSS/ {print $2}' "/proc/$REDIS_PID/status")
  echo "{\"server\":\"nchan\",\"scenario\":\"$1\",\"readyMs\":$ready_ms,\"idleRssKb\":$rss,\"redisIdleRssKb\":$redis_rss}" \
    > "$RESULTS/startup-nchan-$1.json"
  log "nchan ready in $ready_ms ms, workers $NCHAN_WORKERS, idle RSS $((rss / 1024)) MiB"
}

stop_server() {
  for p in ${MS_PID:-} ${NGINX_PID:-} ${REDIS_PID:-}; do stop_pid "$p"; done
  MS_PID=""; NGINX_PID=""; REDIS_PID=""
}

# ---- Scenarios ----------------------------------------------------------------------------------------------
scenario_args() { # scenario -> the load generator's arguments
  local common=(--warmup "$WARMUP_SECONDS" --grace "$GRACE_SECONDS" --io-threads "$IO_THREADS" --max-p99-ms "$SUSTAIN_P99_MS")
  [ -z "$LOAD_PER_PROCESS" ] || common+=(--per-process "$LOAD_PER_PROCESS")
  case "$1" in
    s1) echo --name s1 --scenario steps --conns "$S1_CONNS" --channels "$S1_CHANNELS" --rates "$STEP_RATES" \
          --duration "$STEP_SECONDS" --rate 100 --prefix S1X "${common[@]}" \
          --warmup "$S1_WARMUP_SECONDS" --warmup-rate "$S1_WARMUP_RATE" ;;
    s2) echo --name s2 --scenario steady --conns "$S2_CONNS" --channels "$S2_CHANNELS" --rate "$S2_RATE" \
          --duration "$STEADY_SECONDS" --prefix S2X "${common[@]}" \
          --warmup "$STEADY_WARMUP_SECONDS" --warmup-rate "$S2_RATE" ;;
    s3) echo --name s3 --scenario steady --conns "$S3_CONNS" --channels 1 --rate "$S3_RATE" \
          --duration "$STEADY_SECONDS" --prefix S3X "${common[@]}" \
          --warmup "$S3_WARMUP_SECONDS" --warmup-rate "$S3_WARMUP_RATE" ;;
    s1r) echo --name s1r --scenario rounds --conns "$S1_CONNS" --channels "$S1_CHANNELS" --rate "$S1R_RATE" \
          --rounds "$S1R_ROUNDS" --period "$S1R_PERIOD" --duration "$STEP_SECONDS" --prefix S1R "${common[@]}" \
          --warmup "$S1_WARMUP_SECONDS" --warmup-rate "$S1_WARMUP_RATE" ;;
    s4) echo --name s4 --scenario storm --conns "$S4_CONNS" --channels "$S4_CHANNELS" --storm-events "$S4_EVENTS" \
          --rate 200 --duration 3 --prefix S4X "${common[@]}" --warmup-storms "$S4_WARMUP_STORMS" ;;
  esac
}

# The box may be shared (builds, other tests): before each scenario, wait (bounded) until the machine is nearly idle,
# so that the numbers are ours. Each phase also reports the CPU used meanwhile by processes it does not measure.
machine_busy_pct() { # over one second, percent of one core: the root cgroup's CPU time where there is one (the
  # scheduler's own count), else /proc/stat (timer-tick samples, which can miss much of a load of short bursts)
  local a b usage
  for usage in /sys/fs/cgroup/cpuacct/cpuacct.usage /sys/fs/cgroup/cpu,cpuacct/cpuacct.usage; do
    if [ -r "$usage" ]; then
      a=$(< "$usage"); sleep 1; b=$(< "$usage")
      echo $(( (b - a) / 10000000 )); return
    fi
  done
  read -r -a a < /proc/stat; sleep 1; read -r -a b < /proc/stat
  local busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[6]+a[7]+a[8]) ))
  echo $(( busy * 100 / $(getconf CLK_TCK) ))
}
wait_quiet() {
  local deadline=$(( $(date +%s) + QUIET_WAIT_SECONDS )) busy
  while busy=$(machine_busy_pct); ((busy > QUIET_BUSY_PCT)); do
    if (( $(date +%s) >= deadline )); then log "WARNING: machine still ${busy}% busy with other work; measuring anyway"; return; fi
    log "machine ${busy}% busy with other work: waiting"
    sleep 4
  done
}

load_target() { # server -> TARGET: the load generator's arguments naming the server and the processes it measures
  TARGET=(--target ms --port "$MS_PORT" --bootstrap "127.0.0.1:$KAFKA_PORT" --app-pids "$MS_PID")
  [ "$1" = ms ] || TARGET=(--target nchan --port "$NCHAN_PORT" --app-pids "$NGINX_PID,$NCHAN_WORKERS")
}

FAILED=()
run_load() { # server scenario
  local server=$1 scenario=$2 out=$2-$1 args
  ((SMOKE)) || wait_quiet
  read -r -a args <<< "$(scenario_args "$scenario")"
  load_target "$server"
  log "$scenario on $server: ${args[*]}"
  if ((PROFILE)) && [ "$server" = ms ] && [ "$scenario" = "$PROFILE_SCENARIO" ]; then
    # async-profiler (by default CPU samples, Java and kernel frames, per thread), over the first steps of scenario 1
    # after connecting and warming up; loaded into the running JVM with jcmd (options in quotes: jcmd would parse a=b itself).
    (sleep "$PROFILE_DELAY_SECONDS" && jcmd "$MS_PID" JVMTI.agent_load "$PROFILER_LIB" "\"start,event=$PROFILE_EVENT,threads$([ "$PROFILE_EVENT" = alloc ] || echo ,interval=1ms)\"" >/dev/null \
      && sleep "$PROFILE_SECONDS" \
      && jcmd "$MS_PID" JVMTI.agent_load "$PROFILER_LIB" "\"stop,collapsed,file=$RESULTS/profile-ms-$scenario.collapsed\"" >/dev/null) &
    STARTED+=("$!")
  fi
  local probe=""
  if ((HOP_PROBE)) && [ "$server" = ms ] && [ "$scenario" = s1 ]; then
    java -Xmx64m -XX:+UseSerialGC $QUIET -cp "$CP" bench.HopProbe "127.0.0.1:$KAFKA_PORT" market.prices "$HOP_PROBE_SECONDS" \
      > "$RESULTS/hop-probe-s1.txt" 2> "$WORK/hop-probe.log" &
    probe=$!; STARTED+=("$probe")
  fi
  if ! java $LOAD_JAVA_OPTS $QUIET -cp "$CP" bench.Load "${TARGET[@]}" --redis-pids "$REDIS_PID" \
      --broker-pids "$KAFKA_PID" --out "$RESULTS/$out.json" "${args[@]}" 2>&1 | tee "$WORK/load-$out.log" | grep -E 'PASS|FAIL|Exception'; then
    :
  fi
  if [ -n "$probe" ]; then
    kill "$probe" 2>/dev/null || true; wait "$probe" 2>/dev/null || true
    log "hop probe: $RESULTS/hop-probe-s1.txt"
  fi
  if ! grep -q '"pass" : true' "$RESULTS/$out.json" 2>/dev/null; then
    FAILED+=("$out")
  fi
}

start_kafka
for server in ${SERVERS//,/ }; do
  started=0
  for scenario in ${SCENARIOS//,/ }; do
    [ "$scenario" != s1r ] || continue
    # A fresh server (and Redis) for each scenario, so memory is measured from idle; the smoke reuses one.
    if ((! SMOKE)) || ((! started)); then
      stop_server
      ((SMOKE)) || wait_quiet  # start-up (scenario 5) is measured on a quiet machine too
      if [ "$server" = ms ]; then start_ms "$scenario"; else start_nchan "$scenario"; fi
      started=1
    fi
    run_load "$server" "$scenario"
  done
  stop_server
done

# Scenario s1r: the p99 target is one point (10,000 connections, 500 events/s), and one 10 s window of each server,
# minutes apart, differs from run to run by as much as the servers differ (the box is shared with the broker, the load
# generator and whatever else runs). So the point is measured again in rounds, both servers up at once (each with its
# Redis) and one load process per server, both connected and warmed up together and holding their connections
# throughout, their windows alternated by the clock: market-stream, nchan, market-stream, ... (the server not measured
# is idle, its clients connected). Report: each window, the medians.
if [[ ",$SCENARIOS," == *,s1r,* ]] && ((! SMOKE)); then
  stop_server
  wait_quiet
  declare -A S1R_REDIS=()
  if [[ ",$SERVERS," == *,ms,* ]]; then MS_HEARTBEAT=$S1R_MS_HEARTBEAT start_ms s1r; S1R_REDIS[ms]=$REDIS_PID; fi
  if [[ ",$SERVERS," == *,nchan,* ]]; then start_nchan s1r; S1R_REDIS[nchan]=$REDIS_PID; fi
  SHADOW_PID=""
  if ((KAFKA_SHADOW)); then
    log "kafka shadow: $S1R_RATE events/s published to the broker and read back, until the rounds end"
    java -Xmx256m -XX:+UseParallelGC $QUIET -cp "$CP" bench.KafkaShadow "127.0.0.1:$KAFKA_PORT" "$S1R_RATE" \
      "$PARTITIONS" > "$RESULTS/kafka-shadow.log" 2>&1 &
    SHADOW_PID=$!; STARTED+=("$SHADOW_PID")
  fi
  read -r -a args <<< "$(scenario_args s1r)"
  start_at=$(( $(date +%s%3N) + S1R_LEAD_SECONDS * 1000 )) slot=0 loads=()
  log "s1r: ${args[*]}, first window at $(date -d @$((start_at / 1000)) +%T)"
  for server in ${SERVERS//,/ }; do
    load_target "$server"
    java $LOAD_JAVA_OPTS $QUIET -cp "$CP" bench.Load "${TARGET[@]}" --redis-pids "${S1R_REDIS[$server]}" --broker-pids "$KAFKA_PID" \
      --out "$RESULTS/s1r-$server.json" "${args[@]}" --start-at "$start_at" --slot "$slot" > "$WORK/load-s1r-$server.log" 2>&1 &
    loads+=("$!"); STARTED+=("$!"); slot=$((slot + 1))
  done
  for pid in "${loads[@]}"; do wait "$pid" || true; done
  if [ -n "$SHADOW_PID" ]; then
    kill -0 "$SHADOW_PID" 2>/dev/null || { log "the kafka shadow stopped early: $RESULTS/kafka-shadow.log"; FAILED+=(kafka-shadow); }
    stop_pid "$SHADOW_PID"
  fi
  for server in ${SERVERS//,/ }; do
    grep -E 'PASS|FAIL|Exception' "$WORK/load-s1r-$server.log" || true
    grep -q '"pass" : true' "$RESULTS/s1r-$server.json" 2>/dev/null || FAILED+=("s1r-$server")
  done
  REDIS_PID=""
  stop_server
  for p in "${S1R_REDIS[@]}"; do stop_pid "$p"; done
  unset S1R_REDIS
fi

# Scenario 5: every start of this run and of earlier partial runs into the same directory.
{ echo "["; cat "$RESULTS"/startup-*.json 2>/dev/null | paste -sd, -; echo "]"; } > "$RESULTS/s5-startup.json"
java $QUIET -cp "$CP" bench.Report "$RESULTS"
if ((PROFILE)) && [ -f "$RESULTS/profile-ms-$PROFILE_SCENARIO.collapsed" ]; then
  java -cp "$CP" bench.ProfileTop "$RESULTS/profile-ms-$PROFILE_SCENARIO.collapsed" > "$RESULTS/profile-ms-$PROFILE_SCENARIO.txt" \
    && log "profile: $RESULTS/profile-ms-$PROFILE_SCENARIO.txt"
fi
log "logs in $WORK; results in $RESULTS"
if ((${#FAILED[@]})); then
  log "FAILED: ${FAILED[*]}"
  exit 1
fi
log "all scenarios passed"
