#!/usr/bin/env bash
# Issue 12's fault: a server with few file descriptors (ulimit -n 256) holding 6 sessions while 400 more clients
# connect and say nothing. Prints what the crowd was told, the master's CPU time over 3 s while the crowd stays
# connected, whether the 6 sessions are still served, whether a newcomer is served once the crowd leaves, and how
# many bytes the server logged.
#
# Usage: scripts/out-of-descriptors.sh [CROWD] [PORT]      (defaults: 400 18411; needs python3 and a built engine)
# POOLDISK_JAR: the server jar to try (default engine/server/target/pooldisk.jar), e.g. an older build to compare.
set -euo pipefail
cd "$(dirname "$0")/.."
crowd=${1:-400}
port=${2:-18411}
data=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$data"' EXIT
(ulimit -n 256; exec java -XX:+UseSerialGC -jar "${POOLDISK_JAR:-engine/server/target/pooldisk.jar}" serve --data "$data/data" --port "$port" \
    --workers 3 2>/dev/null) &
server=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null && break
  sleep 0.2
done
python3 - "$port" "$crowd" "$server" <<'PY'
import os, socket, sys, time
port, crowd, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def cpu_seconds(p):
    try:
        fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")  # the server is gone
def ask(s, line):
    try:
        s.sendall(line.encode() + b"\n")
        return s.recv(200).decode().strip() or "(closed)"
    except OSError as e:
        return f"({e.strerror})"
def served(replies):
    return f"{sum(r.startswith('OK PROCESS') for r in replies)} served, others: {[r for r in replies if not r.startswith('OK PROCESS')]}"
sessions = [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
print("6 sessions:", served([ask(s, "ECHO hi") for s in sessions]))
told, idle = {}, []
for _ in range(crowd):
    try:
        idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    except OSError as e:
        told[f"(connect: {e.strerror})"] = told.get(f"(connect: {e.strerror})", 0) + 1
time.sleep(1)  # let the master answer the ones it refuses
for s in idle:
    s.setblocking(False)
    try:
        said = s.recv(200).decode().strip() or "(closed)"
    except BlockingIOError:
        said = "(nothing: held as a session)"
    except OSError as e:
        said = f"({e.strerror})"
    told[said] = told.get(said, 0) + 1
for said, n in sorted(told.items()):
    print(f"{n:5d} of the crowd: {said}")
before = cpu_seconds(pid); time.sleep(3)
print(f"master CPU over 3 s with the crowd connected: {cpu_seconds(pid) - before:.2f} s")
print("6 sessions again:", served([ask(s, "ECHO still") for s in sessions]))
# A worker dies while the crowd holds the descriptors: the master must start another (a socketpair: two more).
victim = int(ask(sessions[0], "ECHO whose").split("[PID ")[1].split("]")[0])
os.kill(victim, 9)
time.sleep(3)
workers = {int(l.split()[0]) for l in os.popen(f"ps -o pid= --ppid {pid}")}
print(f"worker {victim} killed; workers now: {len(workers)}, a new one among them: {bool(workers - {victim}) and victim not in workers}")
print("6 sessions after the kill:", served([ask(s, "ECHO after kill") for s in sessions]))
for s in idle:
    s.close()
time.sleep(1)
try:
    print("a newcomer after the crowd left:", ask(socket.create_connection(("127.0.0.1", port)), "ECHO after"))
except OSError as e:
    print("a newcomer after the crowd left: cannot connect:", e.strerror)
PY
echo "server.log: $(wc -c < "$data/data/server.log") bytes; master: $(kill -0 "$server" 2>/dev/null && echo running || echo exited)"
