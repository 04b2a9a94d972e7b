#!/usr/bin/env bash
# Builds the pooldisk-server .deb (issue 15): the `pooldisk` command alone, headless, with a jlinked runtime of only
# the modules the server needs (no GTK, X11 or JavaFX), a systemd unit, a logrotate snippet, the pooldisk system user
# (postinst) and the pooldisk(1) man page, which this script also renders for the desktop package.
#
#   scripts/server-deb.sh POOLDISK_JAR MAN_GENDIR OUTDIR VERSION
#
# POOLDISK_JAR is engine/server/target/pooldisk.jar; MAN_GENDIR holds the AsciiDoc that picocli's ManPageGenerator
# wrote from the command's model (engine/server/pom.xml's installer profile runs it, then this script). Writes into
# OUTDIR: man/pooldisk.1.gz, pooldisk/ (the jpackage app-image, runnable in place) and pooldisk-server_VERSION-1_ARCH.deb.
#
# Why dpkg-deb and not jpackage --type deb: JDK 17's jpackage puts a package's files only under its install directory,
# so the unit, /etc/logrotate.d/pooldisk and /etc/default/pooldisk (conffiles), the man page, the copyright file and
# the /usr/bin link would be files that postinst copies and dpkg does not know. jpackage still makes the app-image
# (launcher and jlinked runtime), as for the desktop package.
#
# Needs: a JDK 17 (jpackage; JAVA_HOME or the PATH), asciidoctor, dpkg-deb, gzip. DPKG_DEB_COMPRESSOR_TYPE=gzip (CI)
# builds it in seconds.
set -euo pipefail

jar=$1 gendir=$2 out=$3 version=$4
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../engine/server/src/deb
jpackage=${JAVA_HOME:+$JAVA_HOME/bin/}jpackage
package=pooldisk-server
prefix=usr/lib/pooldisk
arch=$(dpkg --print-architecture)

# What `jdeps --print-module-deps --ignore-missing-deps --multi-release 17 pooldisk.jar` finds, less java.desktop
# (only Jackson's optional java.beans annotations and JLine's unused ConsoleEngineImpl name it, and its native
# libraries would pull in X11), plus jdk.httpserver (the metrics endpoint), jdk.charsets (terminals not in UTF-8),
# jdk.crypto.ec and jdk.zipfs (libraries that load them by name). java.sql brings java.logging and java.xml.
modules=java.base,java.management,java.sql,jdk.charsets,jdk.crypto.ec,jdk.httpserver,jdk.net,jdk.unsupported,jdk.zipfs

for tool in "$jpackage" asciidoctor dpkg-deb gzip; do
  command -v "$tool" >/dev/null || { echo "server-deb: $tool not found" >&2; exit 1; }
done
mkdir -p "$out"

# --- pooldisk(1), from the picocli model ----------------------------------------------------------------------------
rm -rf "$out/man" && mkdir -p "$out/man"
asciidoctor -b manpage --failure-level WARN -a reproducible -a gendir="$(cd "$gendir" && pwd)" \
  -a mansource="PoolDisk $version" -a manmanual="PoolDisk Manual" -o "$out/man/pooldisk.1" "$src/pooldisk.adoc"
gzip -9n "$out/man/pooldisk.1"

# --- the app-image: bin/pooldisk and lib/runtime (keeping bin/java: workers run on it, see WorkerLauncher) ----------
rm -rf "$out/input" "$out/pooldisk"
mkdir -p "$out/input"
cp "$jar" "$out/input/pooldisk.jar"
"$jpackage" --type app-image --dest "$out" --name pooldisk --app-version "$version" --vendor PoolDisk \
  --description "PoolDisk server: a network disk served by a prefork process pool" \
  --input "$out/input" --main-jar pooldisk.jar --main-class io.pooldisk.cli.PoolDiskCommand \
  --add-modules "$modules" --jlink-options "--strip-debug --no-man-pages --no-header-files" \
  --java-options "--add-exports java.base/sun.nio.ch=ALL-UNNAMED -XX:+UseSerialGC"

# --- the package tree -----------------------------------------------------------------------------------------------
stage=$out/deb
rm -rf "$stage"
mkdir -p "$stage/$prefix" "$stage/usr/bin" "$stage/DEBIAN"
cp -a "$out/pooldisk/." "$stage/$prefix/"
rm -f "$stage/$prefix/lib/pooldisk.png" # jpackage's default icon: a command has none
# jlink leaves its files read-only (0444): Debian's are 0644, and a shared library is not executable.
chmod -R u+w "$stage/$prefix"
chmod 644 "$stage/$prefix/lib/libapplauncher.so"
ln -s "../lib/pooldisk/bin/pooldisk" "$stage/usr/bin/pooldisk"
install -D -m 644 "$src/pooldisk.service" "$stage/lib/systemd/system/pooldisk.service"
install -D -m 644 "$src/pooldisk.logrotate" "$stage/etc/logrotate.d/pooldisk"
install -D -m 644 "$src/pooldisk.default" "$stage/etc/default/pooldisk"
install -D -m 644 "$out/man/pooldisk.1.gz" "$stage/usr/share/man/man1/pooldisk.1.gz"
mkdir -p "$stage/usr/share/doc/$package"
sed -e "s|@PACKAGE@|$package|g" -e "s|@INSTALL_DIR@|$prefix|g" "$src/copyright" >"$stage/usr/share/doc/$package/copyright"
chmod 644 "$stage/usr/share/doc/$package/copyright"
# Debian's changelog of the package (the project's own history is its git log); SOURCE_DATE_EPOCH for a fixed date.
printf '%s (%s-1) unstable; urgency=medium\n\n  * PoolDisk %s.\n\n -- PoolDisk <pooldisk@localhost>  %s\n' \
  "$package" "$version" "$version" "$(LC_ALL=C date -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")" |
  gzip -9n >"$stage/usr/share/doc/$package/changelog.Debian.gz"
chmod 644 "$stage/usr/share/doc/$package/changelog.Debian.gz"
install -m 755 "$src/postinst" "$src/prerm" "$src/postrm" "$stage/DEBIAN/"
printf '%s\n' /etc/default/pooldisk /etc/logrotate.d/pooldisk >"$stage/DEBIAN/conffiles"

# Depends: the packages that hold the shared libraries the runtime's programs and libraries load (as jpackage finds
# them), and adduser for postinst.
depends=$(
  find "$stage/$prefix" -type f \( -name '*.so' -o -perm -u+x \) -exec sh -c 'head -c4 "$1" | grep -q ELF' _ {} \; \
    -print0 | xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u |
    while read -r lib; do
      dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || true
    done | cut -d: -f1 | sort -u | paste -sd, | sed 's/,/, /g'
)
depends="${depends:+$depends, }adduser"

cat >"$stage/DEBIAN/control" <<CONTROL
Package: $package
Version: $version-1
Section: net
Priority: optional
Architecture: $arch
Maintainer: PoolDisk <pooldisk@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Description: PoolDisk network disk server (headless)
 The pooldisk command and the pooldisk.service system service: a network disk
 served by a prefork process pool (a master process hands each connection to
 worker processes over UNIX sockets). With its own Java runtime; no desktop
 libraries. Data in /var/lib/pooldisk, run by the pooldisk user. The desktop
 admin console is the pooldisk package.
CONTROL
# Debian's control files carry no License field: the licence (Apache-2.0) is stated in the copyright file.

rm -f "$out/${package}_"*.deb
dpkg-deb --root-owner-group -b "$stage" "$out/${package}_$version-1_$arch.deb" >/dev/null
echo "server-deb: $out/${package}_$version-1_$arch.deb ($(du -h "$out/${package}_$version-1_$arch.deb" | cut -f1))"
