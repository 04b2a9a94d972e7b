#!/usr/bin/env bash
# Slow clients against `pooldisk serve --workers 3`: 500 connections that send one byte of a line that never ends
# every 3 s (slowloris) and 500 that say nothing, while a plain client connects, sends ECHO and reads the reply, 20
# times. Prints that ECHO's median and worst time, how many ECHOs were refused, and how many of the slow connections
# the server closed. A pool whose workers wait on their clients serves the ECHO only when a slow client's wait ends,
# and refuses sessions once its queue is full; one whose master holds the slow clients answers in milliseconds.
#
# POOLDISK_JAR=FILE benches that jar instead of building engine/server/target/pooldisk.jar (a build from before a change).
# Needs python3 (the clients) and `ulimit -n` above 1,100.
#
# Usage: scripts/bench-slow-clients.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
if [ -n "${POOLDISK_JAR:-}" ]; then
  jar=$POOLDISK_JAR
else
  mvn -B -q -pl engine/server -am -DskipTests package
  jar=engine/server/target/pooldisk.jar
fi
cp "$jar" "$out/pooldisk-slow.jar"
port=${POOLDISK_BENCH_PORT:-19104}
data=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$data"' EXIT
ulimit -n "$(ulimit -Hn)"
java -XX:+UseSerialGC -jar "$out/pooldisk-slow.jar" serve --port "$port" --workers 3 --data "$data" \
  >"$out/slow-serve.out" 2>"$out/slow-serve.err" &
for _ in $(seq 400); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

echo "bench-slow-clients: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "jar $jar, serve --workers 3"
python3 - "$port" <<'PY'
import socket, statistics, sys, threading, time

port = int(sys.argv[1])
dripping = [socket.create_connection(("127.0.0.1", port)) for _ in range(500)]
silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(500)]
for s in dripping + silent:
    s.setblocking(False)
stop = threading.Event()

def drip():
    while not stop.is_set():
        for s in dripping:
            try:
                s.send(b"E")
            except OSError:
                pass
        stop.wait(3)

threading.Thread(target=drip, daemon=True).start()
time.sleep(4)
times, refused = [], 0
for _ in range(20):
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as c:
        c.sendall(b"ECHO hello\n")
        reply = c.makefile().readline()
    times.append((time.monotonic() - start) * 1000)
    refused += not reply.startswith("OK")
    time.sleep(0.25)
stop.set()
closed = 0
for s in dripping + silent:
    try:
        data = s.recv(100)
        closed += data == b"" or data.startswith(b"ERR")
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
print("ECHO among 500 dripping and 500 silent connections: median %.1f ms, worst %.1f ms, %d of 20 refused; "
      "slow connections closed by the server: %d of 1000" % (statistics.median(times), max(times), refused, closed))
PY
