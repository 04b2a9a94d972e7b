#!/usr/bin/env bash
# Connection hand-off benchmark: PoolDisk's pool against the seed chapter's pool in C, side by side in one run.
# Both get 4 workers; scripts/bench-c/loadgen.c drives each with 4 client threads (connect, one line, reply, close).
# Rounds alternate C, PoolDisk, C, PoolDisk so that drift on a shared machine hits both alike.
# Each round also reports the CPU time the server (master and workers) spent per connection, user and system, from
# /proc/PID/stat: steadier than connections/s on a shared machine, where the load generator competes for the cores.
# Also reports PoolDisk's worker start-up time and resident memory.
#
# The master's JVM gets the options the installed `pooldisk` command runs it with (app/src/installer/pooldisk.properties):
# the serial collector. POOLDISK_MASTER_JAVA_OPTS replaces them, e.g. POOLDISK_MASTER_JAVA_OPTS=-XX:+UseG1GC.
#
# POOLDISK_JAR=FILE benches that jar instead of building engine/server/target/pooldisk.jar.
# POOLDISK_SERVE_ARGS adds options to its serve, e.g. POOLDISK_SERVE_ARGS="--metrics 127.0.0.1:0".
#
# Usage: scripts/bench-handoff.sh [SECONDS_PER_ROUND] [ROUNDS]      (defaults: 10 2)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rounds=${2:-2}
sources=scripts/bench-c
out=target/bench
mkdir -p "$out"

cc -O2 -o "$out/seed-pool" "$sources/seed-pool.c"
cc -O2 -pthread -o "$out/loadgen" "$sources/loadgen.c"
if [ -n "${POOLDISK_JAR:-}" ]; then   # a jar built before, to compare builds in the same hour
  jar=$POOLDISK_JAR
else
  mvn -B -q -pl engine/server -am -DskipTests package
  jar=engine/server/target/pooldisk.jar
fi
# Run from a copy: the workers load their classes from it while it runs, whatever a later build does to target/.
cp "$jar" "$out/pooldisk.jar"

c_port=19101
p_port=19102
data=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$data"' EXIT

# CPU ticks (user, system) of a server: the process listening on port $1 and its children, the workers.
tick=$(getconf CLK_TCK)
server_ticks() {
  local master u=0 s=0 f
  master=$(ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  for p in $master $(pgrep -P "$master"); do
    read -r -a f <"/proc/$p/stat" && u=$((u + f[13])) && s=$((s + f[14]))
  done
  echo "$u $s"
}

wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

"$out/seed-pool" 127.0.0.1 $c_port 4 >/dev/null 2>&1 &
start_ns=$(date +%s%N)
read -r -a master_opts <<<"${POOLDISK_MASTER_JAVA_OPTS--XX:+UseSerialGC}"
java "${master_opts[@]}" -jar "$out/pooldisk.jar" serve --port $p_port --workers 4 --data "$data" ${POOLDISK_SERVE_ARGS:-} >"$out/serve.out" 2>"$out/serve.err" &
wait_port $c_port
wait_port $p_port
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

"$out/loadgen" 127.0.0.1 $c_port 4 3 >/dev/null                        # warm-up
"$out/loadgen" --line 'ECHO hello' 127.0.0.1 $p_port 4 15 >/dev/null   # warm-up: JIT in the master and 4 workers

printf '%-8s %-6s %10s %8s %8s %10s %10s\n' server round conns/s p50_ms p99_ms user_us/c sys_us/c
for r in $(seq "$rounds"); do
  for server in seed-c pooldisk; do
    port=$([ $server = seed-c ] && echo $c_port || echo $p_port)
    read -r u0 s0 < <(server_ticks $port)
    if [ $server = seed-c ]; then line=$("$out/loadgen" 127.0.0.1 $c_port 4 "$secs")
    else line=$("$out/loadgen" --line 'ECHO hello' 127.0.0.1 $p_port 4 "$secs"); fi
    read -r u1 s1 < <(server_ticks $port)
    read -r _ cps _ ok _ _ _ p50 _ p99 <<<"$line"
    read -r user sys < <(awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v n="$ok" -v t="$tick" \
      'BEGIN{printf "%.1f %.1f\n", u / t / n * 1e6, s / t / n * 1e6}')
    printf '%-8s %-6s %10s %8s %8s %10s %10s\n' $server "$r" "$cps" "$p50" "$p99" "$user" "$sys"
    echo "$server $cps $p50 $p99 $user $sys" >>"$out/handoff.results"
  done
done | tee "$out/handoff.table"

awk '$1=="seed-c"{cc+=$2;c50+=$3;c99+=$4;ccpu+=$5+$6;nc++} $1=="pooldisk"{pc+=$2;p50+=$3;p99+=$4;pcpu+=$5+$6;np++}
     END{printf "ratio pooldisk/seed-c: conns/s %.2f  p50 %.2f  p99 %.2f  server CPU per connection %.2f\n",
         (pc/np)/(cc/nc), (p50/np)/(c50/nc), (p99/np)/(c99/nc), (pcpu/np)/(ccpu/nc)}' \
  <(grep -E '^(seed-c|pooldisk) ' "$out/handoff.results" | tail -n $((2 * rounds)))
rm -f "$out/handoff.results"

echo "pooldisk: master JVM options: ${master_opts[*]:-(none)}"
echo "pooldisk: listening with 4 workers ready ${ready_ms} ms after launch"
grep -o 'ready in [0-9]* ms' "$out/serve.err" | awk '{s+=$3; if($3>m)m=$3} END{printf "pooldisk: worker start-up (spawn to hello) mean %d ms, max %d ms\n", s/NR, m}'
java -jar "$out/pooldisk.jar" status --json --data "$data" |
  grep -o '"rssBytes":[0-9]*' | awk -F: '{s+=$2; if($2>m)m=$2; n++} END{printf "pooldisk: worker resident memory mean %.1f MB, max %.1f MB\n", s/n/1048576, m/1048576}'
