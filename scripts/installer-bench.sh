#!/usr/bin/env bash
# Size and start time of the installed app (the numbers in docs/BENCHMARKS.md, "Installer").
#
#   scripts/installer-bench.sh [app/target/installer] [runs] [engine/server/target/pooldisk.jar]
#
# Unpacks the .deb into a temporary root and, `runs` times each (default 5), measures from exec to:
#   - `pooldisk serve --workers 2` printing its "PoolDisk listening" line (both workers have said hello), and the
#     same for `java -jar pooldisk.jar serve` (the machine's java) in alternate runs, as the baseline;
#   - the console's window ("PoolDisk console") mapped on a virtual X server, if Xvfb and xdotool are installed.
# The first console run also unpacks JavaFX's native libraries into ~/.openjfx/cache: it is reported apart.
set -euo pipefail

dir=${1:-"$(dirname "$0")/../app/target/installer"}
runs=${2:-5}
debs=("$dir"/pooldisk_*.deb)
deb=${debs[0]}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pooldisk-installer-bench.XXXXXX")
xvfb=
cleanup() {
  local exe pid
  for exe in /proc/[0-9]*/exe; do
    pid=${exe#/proc/}; pid=${pid%/exe}
    case "$(readlink "$exe" 2>/dev/null)" in "$tmp"/*) kill -KILL "$pid" 2>/dev/null || true ;; esac
  done
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

dpkg-deb -x "$deb" "$tmp/root"
app=$tmp/root/opt/pooldisk
mkdir -p "$tmp/home"
clean_env=(env -i HOME="$tmp/home" PATH=/usr/bin:/bin LANG=C.UTF-8)

echo "package   $(basename "$deb"): $(stat -c %s "$deb") bytes ($(du -h "$deb" | cut -f1)), payload $(ar t "$deb" 2>/dev/null | grep '^data' || echo '?')"
echo "installed $(du -sh "$app" | cut -f1) ($(du -sh "$app/lib/runtime" | cut -f1) runtime, $(du -sh "$app/lib/app" | cut -f1) app)"
echo "machine   $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

jar=${3:-"$(dirname "$0")/../engine/server/target/pooldisk.jar"}
serve_ms() { # serve_ms COMMAND...: ms from exec to the "listening" line
  rm -rf "$tmp/data"
  : >"$tmp/serve.out"
  local start pid t
  start=$(now_ms)
  "${clean_env[@]}" "$@" serve --port 0 --workers 2 --data "$tmp/data" >"$tmp/serve.out" 2>/dev/null &
  pid=$!
  until grep -q 'PoolDisk listening' "$tmp/serve.out"; do
    kill -0 "$pid" 2>/dev/null || { echo "serve died: $*" >&2; exit 1; }
    sleep 0.01
  done
  t=$(( $(now_ms) - start ))
  kill -TERM "$pid"; wait "$pid" || true
  echo "$t"
}
serve_times=() jar_times=()
for i in $(seq 1 "$runs"); do
  serve_times+=("$(serve_ms "$app/bin/pooldisk")")
  if [ -f "$jar" ] && command -v java >/dev/null; then
    jar_times+=("$(serve_ms "$(command -v java)" -jar "$(realpath "$jar")")")
  fi
done
echo "serve     to 'PoolDisk listening' with 2 workers, ms: ${serve_times[*]} (median $(printf '%s\n' "${serve_times[@]}" | median))"
if [ "${#jar_times[@]}" -gt 0 ]; then
  echo "baseline  java -jar $(basename "$jar") serve, same, ms: ${jar_times[*]} (median $(printf '%s\n' "${jar_times[@]}" | median))"
fi

if command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then
  Xvfb :93 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  sleep 1
  console_times=()
  for i in $(seq 0 "$runs"); do
    rm -rf "$tmp/data"
    start=$(now_ms)
    "${clean_env[@]}" DISPLAY=:93 "$app/bin/PoolDisk" --port 0 --workers 2 --data "$tmp/data" >/dev/null 2>&1 &
    pid=$!
    DISPLAY=:93 timeout 120 xdotool search --sync --onlyvisible --name 'PoolDisk console' >/dev/null
    t=$(( $(now_ms) - start ))
    if [ "$i" -eq 0 ]; then first=$t; else console_times+=("$t"); fi
    kill -TERM "$pid"; wait "$pid" || true
  done
  echo "console   to its window mapped (Xvfb), ms: first run $first (unpacks JavaFX natives), then ${console_times[*]} (median $(printf '%s\n' "${console_times[@]}" | median))"
else
  echo "console   not measured: needs Xvfb and xdotool"
fi
