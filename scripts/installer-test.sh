#!/usr/bin/env bash
# The installed package, tested as a person would run it: unpack the .deb that `mvn -Pinstaller package` built into
# a temporary root (dpkg -x, no root rights, nothing installed on the machine), then run its `pooldisk serve` with 2
# workers, get an ECHO answer from a worker, check that the worker is a child of that server running on the bundled
# runtime, stop the server with SIGTERM and check that no worker is left. Then the same once more with bin/java
# removed from the runtime, for WorkerLauncher's fallback (workers through the pooldisk launcher).
#
#   scripts/installer-test.sh [app/target/installer | path/to/pooldisk_*.deb]
#
# Maven runs it in the installer profile's verify phase. Needs dpkg-deb and bash; no JDK, no network.
set -euo pipefail

where=${1:-"$(dirname "$0")/../app/target/installer"}
if [ -d "$where" ]; then
  debs=("$where"/pooldisk_*.deb)
  deb=${debs[0]}
else
  deb=$where
fi
[ -f "$deb" ] || { echo "installer-test: no .deb at $where (build it: mvn -B -Pinstaller package)" >&2; exit 1; }

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "  ok   $*"; }
bad() { failed=$((failed + 1)); echo "  FAIL $*"; }
check() { # check "what" command...
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pooldisk-installer-test.XXXXXX")
root=$tmp/root
app=$root/opt/pooldisk
cleanup() {
  # Anything still running from the unpacked tree is ours: end it before removing the tree.
  local exe pid
  for exe in /proc/[0-9]*/exe; do
    pid=${exe#/proc/}; pid=${pid%/exe}
    case "$(readlink "$exe" 2>/dev/null)" in "$root"/*) kill -KILL "$pid" 2>/dev/null || true ;; esac
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "installer-test: $deb ($(du -h "$deb" | cut -f1))"

# --- the package ---------------------------------------------------------------------------------------------------
depends=$(dpkg-deb -f "$deb" Depends)
check "Depends declares libgtk-3-0" grep -qw 'libgtk-3-0' <<<"$depends"
dpkg-deb -x "$deb" "$root"
check "console launcher bin/PoolDisk" test -x "$app/bin/PoolDisk"
check "command-line launcher bin/pooldisk" test -x "$app/bin/pooldisk"
check "bundled runtime keeps bin/java (workers run on it)" test -x "$app/lib/runtime/bin/java"
desktop=$app/lib/pooldisk-PoolDisk.desktop
check "desktop entry opens the console" grep -qx 'Exec=/opt/pooldisk/bin/PoolDisk' "$desktop"
icon=$(sed -n 's/^Icon=//p' "$desktop")
check "desktop entry's icon is in the package ($icon)" test -s "$root$icon"
check "only the console has a desktop entry" test "$(find "$app" -type f -name '*.desktop' | wc -l)" -eq 1

# --- the installed command, started as the package's /usr/bin/pooldisk link starts it ------------------------------
mkdir -p "$tmp/bin" "$tmp/home"
ln -s "$app/bin/pooldisk" "$tmp/bin/pooldisk"
clean_env=(env -i HOME="$tmp/home" PATH="$tmp/bin:/usr/bin:/bin" LANG=C.UTF-8) # no JAVA_HOME, no CLASSPATH

version=$(dpkg-deb -f "$deb" Version)
version=${version%-*} # without the Debian revision: 0.1.0-1 is PoolDisk 0.1.0
check "pooldisk --version names the package's version ($version)" \
  bash -c '"$@" | grep -qx "pooldisk $0"' "$version" "${clean_env[@]}" pooldisk --version
check "PoolDisk --version (the console) names it too" \
  bash -c '"$@" | grep -qx "PoolDisk console $0"' "$version" "${clean_env[@]}" "$app/bin/PoolDisk" --version
check "PoolDisk --help answers without a window" \
  bash -c '"$@" | grep -q "^usage: pooldisk-console"' _ "${clean_env[@]}" "$app/bin/PoolDisk" --help

# serve_and_check LABEL WORKER_EXE: start `pooldisk serve` with 2 workers on a free port (the kernel's pick, read back
# from the "listening" line), ECHO, check the answering worker, SIGTERM, check that no process of the tree is left.
serve_and_check() {
  local label=$1 worker_exe=$2 started line server port pids answer worker status left exe
  echo "$label"
  rm -rf "$tmp/data"
  started=$(date +%s%N)
  "${clean_env[@]}" pooldisk serve --host 127.0.0.1 --port 0 --workers 2 --data "$tmp/data" >"$tmp/serve.out" 2>"$tmp/serve.err" &
  server=$! # env execs the launcher: the server's own pid
  line=
  for _ in $(seq 1 600); do
    line=$(grep -m1 'PoolDisk listening' "$tmp/serve.out" || true)
    [ -n "$line" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$line" ]; then
    bad "pooldisk serve starts"
    echo "--- stdout"; cat "$tmp/serve.out"; echo "--- stderr"; grep -v '^[[:space:]]*at ' "$tmp/serve.err" | tail -20
    kill -KILL "$server" 2>/dev/null || true
    return
  fi
  ok "pooldisk serve listening after $(( ($(date +%s%N) - started) / 1000000 )) ms: $line"

  port=$(sed -E 's/.*listening on [^ ]*:([0-9]+) .*/\1/' <<<"$line")
  read -r -a pids <<<"$(sed -E 's/.*\(pids ([0-9 ]+)\).*/\1/' <<<"$line")"
  check "2 workers announced (${pids[*]})" test "${#pids[@]}" -eq 2
  check "server runs the installed launcher" test "$(readlink "/proc/$server/exe")" = "$app/bin/pooldisk"
  # pooldisk.properties gives the headless master the serial collector: G1 would show its threads ("G1 Main Marker"...)
  check "server runs the serial collector (no G1 thread)" \
    bash -c '! grep -qs "^G1 " /proc/"$0"/task/*/comm' "$server"

  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'ECHO hello from the package\r\n' >&3
  IFS= read -r -t 20 answer <&3 || answer=
  printf 'QUIT\r\n' >&3
  exec 3<&- 3>&-
  answer=${answer%$'\r'}
  echo "  answer: $answer"
  worker=$(sed -nE 's/^OK PROCESS\[PID ([0-9]+)\]: HELLO FROM THE PACKAGE$/\1/p' <<<"$answer")
  check "ECHO answered by a worker" test -n "$worker"
  worker=${worker:-0}
  check "that worker is one of the announced" grep -qw "$worker" <<<"${pids[*]}"
  check "that worker is a child of the installed server" \
    test "$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$worker/status" 2>/dev/null)" = "$server"
  check "that worker runs ${worker_exe#"$app"/}" test "$(readlink "/proc/$worker/exe")" = "$worker_exe"
  check "pooldisk status lists the worker" bash -c '"$@" | grep -qw "$0"' "$worker" \
    "${clean_env[@]}" pooldisk status --data "$tmp/data"

  kill -TERM "$server"
  status=0
  for _ in $(seq 1 300); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$server" 2>/dev/null; then
    bad "server stops on SIGTERM within 30 s"
    kill -KILL "$server" 2>/dev/null || true
  else
    wait "$server" || status=$?
    check "server exits 0 on SIGTERM" test "$status" -eq 0
  fi
  left=() # any process of the unpacked tree still alive (a zombie has no exe)
  for exe in /proc/[0-9]*/exe; do
    case "$(readlink "$exe" 2>/dev/null)" in "$root"/*) left+=("${exe//[!0-9]/}") ;; esac
  done
  check "no worker left (${left[*]:-none})" test "${#left[@]}" -eq 0
}

serve_and_check "workers on the bundled runtime, as packaged:" "$app/lib/runtime/bin/java"
# WorkerLauncher's fallback for a runtime linked without bin/java: workers through the pooldisk launcher.
rm "$app/lib/runtime/bin/java"
serve_and_check "the same with bin/java removed from the runtime (WorkerLauncher's fallback):" "$app/bin/pooldisk"

if [ "$failed" -ne 0 ]; then
  echo "--- last server's stderr"; grep -v '^[[:space:]]*at ' "$tmp/serve.err" | tail -20
fi
echo "installer-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
