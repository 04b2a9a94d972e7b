#!/usr/bin/env bash
# The installed packages, tested as a person would run them: unpack a .deb that `mvn -Pinstaller package` built into
# a temporary root (dpkg -x, no root rights, nothing installed on the machine), then run its `pooldisk serve` with 2
# workers, get an ECHO answer from a worker, check that the worker is a child of that server running on the bundled
# runtime, stop the server with SIGTERM and check that no worker is left. Then the same once more with bin/java
# removed from the runtime, for WorkerLauncher's fallback (workers through the pooldisk launcher). Both packages:
#   - pooldisk (app/target/installer): the desktop console and the command, in /opt/pooldisk;
#   - pooldisk-server (engine/server/target/installer): the command alone, headless (no GTK, X11 or JavaFX), in
#     /usr/lib/pooldisk, with the systemd unit, logrotate snippet and maintainer scripts, checked here too.
# Both carry the pooldisk(1) man page and a copyright file (Apache-2.0).
#
#   scripts/installer-test.sh [app/target/installer | engine/server/target/installer | path/to/pooldisk*.deb]
#
# Maven runs it in the installer profiles' verify phase. Needs dpkg-deb and bash; no JDK, no network. Uses
# systemd-analyze and man when the machine has them (else checks the unit's keys and the page's roff header).
set -euo pipefail

where=${1:-"$(dirname "$0")/../app/target/installer"}
if [ -d "$where" ]; then
  debs=("$where"/pooldisk*.deb)
  deb=${debs[0]}
else
  deb=$where
fi
[ -f "$deb" ] || { echo "installer-test: no .deb at $where (build it: mvn -B -Pinstaller package)" >&2; exit 1; }
package=$(dpkg-deb -f "$deb" Package)
case "$package" in
  pooldisk) prefix=opt/pooldisk man_page=opt/pooldisk/share/man/man1/pooldisk.1.gz ;;
  pooldisk-server) prefix=usr/lib/pooldisk man_page=usr/share/man/man1/pooldisk.1.gz ;;
  *) echo "installer-test: $deb is neither pooldisk nor pooldisk-server but $package" >&2; exit 1 ;;
esac

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
app=$root/$prefix
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

echo "installer-test: $deb ($package, $(du -h "$deb" | cut -f1))"

# --- the package ---------------------------------------------------------------------------------------------------
depends=$(dpkg-deb -f "$deb" Depends)
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$tmp/DEBIAN"
check "command-line launcher bin/pooldisk" test -x "$app/bin/pooldisk"
check "bundled runtime keeps bin/java (workers run on it)" test -x "$app/lib/runtime/bin/java"
check "maintainer scripts parse (sh -n)" sh -n "$tmp/DEBIAN/postinst" "$tmp/DEBIAN/prerm" "$tmp/DEBIAN/postrm"
copyright=$root/usr/share/doc/$package/copyright
check "copyright file /usr/share/doc/$package/copyright states Apache-2.0" grep -qx 'License: Apache-2.0' "$copyright"
# The man page: rendered by man (or groff) when the machine has it, else a gzip that holds a roff page.
page=$root/$man_page
check "man page /$man_page is a whole gzip" gzip -t "$page"
check "man page is pooldisk(1) in roff" bash -c 'zcat "$0" | grep -q "^\.TH \"POOLDISK\" \"1\""' "$page"
if command -v man >/dev/null; then
  rendered=$(MANWIDTH=100 man -l "$page" 2>/dev/null || true)
elif command -v groff >/dev/null; then
  rendered=$(zcat "$page" | groff -man -Tutf8 -P-cbou 2>/dev/null || true) # no bold, underline or colour
else # the roff itself, its section headings and font escapes undone
  rendered=$(zcat "$page" | sed -e 's/^\.SH "\(.*\)"$/\1/' -e 's/\\f[BIPR]//g' -e 's/\\-/-/g')
fi
for section in SYNOPSIS COMMANDS 'POOLDISK SERVE' SIGNALS FILES 'EXIT STATUS'; do
  check "man page has $section" grep -q "^$section" <<<"$rendered"
done
check "man page has serve's options (--grace, --max-sessions)" \
  bash -c 'grep -q -- "--grace=TIME" <<<"$0" && grep -q -- "--max-sessions=N" <<<"$0"' "$rendered"

case "$package" in
pooldisk)
  check "Depends declares libgtk-3-0" grep -qw 'libgtk-3-0' <<<"$depends"
  check "console launcher bin/PoolDisk" test -x "$app/bin/PoolDisk"
  desktop=$app/lib/pooldisk-PoolDisk.desktop
  check "desktop entry opens the console" grep -qx 'Exec=/opt/pooldisk/bin/PoolDisk' "$desktop"
  icon=$(sed -n 's/^Icon=//p' "$desktop")
  check "desktop entry's icon is in the package ($icon)" test -s "$root$icon"
  check "only the console has a desktop entry" test "$(find "$app" -type f -name '*.desktop' | wc -l)" -eq 1
  check "postinst links the man page" grep -q "/$man_page /usr/share/man/man1/pooldisk.1.gz" "$tmp/DEBIAN/postinst"
  # As the package's postinst does on the machine: /usr/bin/pooldisk links to the launcher.
  mkdir -p "$tmp/bin"
  ln -s "$app/bin/pooldisk" "$tmp/bin/pooldisk"
  bin=$tmp/bin
  ;;
pooldisk-server)
  # Headless: nothing of a desktop in its Depends nor in its runtime.
  echo "  Depends: $depends"
  check "Depends names no GTK, X11, ALSA or JavaFX library" \
    bash -c '! grep -Eiq "gtk|libx|libasound|javafx|openjfx|libgl|libfreetype|xdg-utils" <<<"$0"' "$depends"
  modules=$(sed -n 's/^MODULES="\(.*\)"$/\1/p' "$app/lib/runtime/release")
  echo "  runtime modules: $modules"
  check "runtime has no javafx and no java.desktop module (release file)" \
    bash -c '! grep -Eq "javafx|java\.desktop" <<<"$0"' "$modules"
  check "runtime's java lists the same modules, jdk.httpserver among them" \
    bash -c '"$0/bin/java" --list-modules | grep -q "^jdk.httpserver@" && ! "$0/bin/java" --list-modules | grep -Eq "javafx|java\.desktop"' \
    "$app/lib/runtime"
  check "no desktop native library in the tree (libawt_xawt, libglass, libgtk)" \
    test -z "$(find "$root" -name 'libawt_xawt.so' -o -name 'libglass*.so' -o -name 'libgtk*')"
  check "/usr/bin/pooldisk links to the launcher" test "$(readlink -f "$root/usr/bin/pooldisk")" = "$app/bin/pooldisk"
  # The unit: systemd's own check when the machine has it (on a copy whose programs point into the unpacked tree),
  # and its keys either way.
  unit=$root/lib/systemd/system/pooldisk.service
  check "unit starts /usr/lib/pooldisk/bin/pooldisk serve --data /var/lib/pooldisk" \
    grep -qx 'ExecStart=/usr/lib/pooldisk/bin/pooldisk serve --data /var/lib/pooldisk $POOLDISK_OPTS' "$unit"
  if command -v systemd-analyze >/dev/null; then
    mkdir -p "$tmp/unit"
    sed "s|/usr/lib/pooldisk/|$app/|g" "$unit" >"$tmp/unit/pooldisk.service"
    check "systemd-analyze verify pooldisk.service" systemd-analyze --system --man=no verify "$tmp/unit/pooldisk.service"
  fi
  for key in User=pooldisk NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    StateDirectory=pooldisk 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' LimitNOFILE=65536 KillMode=mixed \
    KillSignal=SIGTERM 'ExecReload=/bin/kill -HUP $MAINPID'; do
    check "unit has $key" grep -qxF "$key" "$unit"
  done
  stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s$/\1/p' "$unit")
  check "unit's TimeoutStopSec (${stop:-none}s) is above serve's default --grace (10s)" test "${stop:-0}" -gt 10
  check "/etc/default/pooldisk and /etc/logrotate.d/pooldisk are conffiles" \
    bash -c 'grep -qx /etc/default/pooldisk "$0" && grep -qx /etc/logrotate.d/pooldisk "$0"' "$tmp/DEBIAN/conffiles"
  rotate=$root/etc/logrotate.d/pooldisk
  check "logrotate rotates server.log and audit.log as the pooldisk user" \
    bash -c 'grep -q "^/var/lib/pooldisk/server.log /var/lib/pooldisk/audit.log {" "$0" && grep -qx " *su pooldisk pooldisk" "$0"' \
    "$rotate"
  check "logrotate then sends SIGUSR1 to the master alone" \
    grep -q 'systemctl kill --kill-who=main --signal=USR1 pooldisk.service' "$rotate"
  check "postinst makes the pooldisk system user" grep -q 'adduser --system' "$tmp/DEBIAN/postinst"
  check "Depends declares adduser (postinst)" grep -qw adduser <<<"$depends"
  bin=$root/usr/bin # the package's own /usr/bin/pooldisk link
  ;;
esac

# --- the installed command, started as the package's /usr/bin/pooldisk link starts it ------------------------------
mkdir -p "$tmp/home"
clean_env=(env -i HOME="$tmp/home" PATH="$bin:/usr/bin:/bin" LANG=C.UTF-8) # no JAVA_HOME, no CLASSPATH

version=$(dpkg-deb -f "$deb" Version)
version=${version%-*} # without the Debian revision: 0.1.0-1 is PoolDisk 0.1.0
check "pooldisk --version names the package's version ($version)" \
  bash -c '"$@" | grep -qx "pooldisk $0"' "$version" "${clean_env[@]}" pooldisk --version
check "pooldisk --help lists serve" bash -c '"$@" | grep -q "^  serve "' _ "${clean_env[@]}" pooldisk --help
# The man page is made from the same model as --help: every option serve's help names is in it.
serve_options=$("${clean_env[@]}" pooldisk serve --help | grep -oE -- '--[a-z][a-z-]+' | sort -u | tr '\n' ' ')
missing_options=$(for o in $serve_options; do grep -q -- "$o" <<<"$rendered" || echo "$o"; done | tr '\n' ' ')
check "man page names every option of serve --help (missing: ${missing_options:-none})" test -z "$missing_options"
if [ "$package" = pooldisk ]; then
  check "PoolDisk --version (the console) names it too" \
    bash -c '"$@" | grep -qx "PoolDisk console $0"' "$version" "${clean_env[@]}" "$app/bin/PoolDisk" --version
  check "PoolDisk --help answers without a window" \
    bash -c '"$@" | grep -q "^usage: pooldisk-console"' _ "${clean_env[@]}" "$app/bin/PoolDisk" --help
fi

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
  check "pooldisk status --json (Jackson on the runtime) names it" bash -c '"$@" | grep -q "\"pid\":$0"' "$worker" \
    "${clean_env[@]}" pooldisk status --json --data "$tmp/data"

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
