#!/usr/bin/env bash
# Adds the pooldisk(1) man page and the Debian copyright file to the desktop .deb that jpackage built (issue 15): JDK
# 17's jpackage puts files only under the install directory and writes a copyright file of its own ("License:
# Unknown", or the licence's whole text after "License:") in /opt/pooldisk/share/doc/. This rebuilds the package with
# /usr/share/doc/pooldisk/copyright (engine/server/src/deb/copyright, as in pooldisk-server) in its place and the man
# page in /opt/pooldisk/share/man/man1/, which postinst links into /usr/share/man/man1 when no other package (such as
# pooldisk-server, whose own copy is a file of its package) has put one there, as it does for /usr/bin/pooldisk.
#
#   scripts/deb-add-docs.sh app/target/installer|path/to/pooldisk_*.deb path/to/pooldisk.1.gz
#
# Run by app/pom.xml's installer profile after jpackage; the man page comes from engine/server's installer profile
# (scripts/server-deb.sh). Honours DPKG_DEB_COMPRESSOR_TYPE (gzip in CI).
set -euo pipefail

deb=$1 man=$2
if [ -d "$deb" ]; then
  debs=("$deb"/pooldisk_*.deb)
  deb=${debs[0]}
fi
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$man" ] || { echo "deb-add-docs: no man page at $man (build engine/server with -Pinstaller first)" >&2; exit 1; }
package=$(dpkg-deb -f "$deb" Package)
prefix=opt/pooldisk
tree=$(mktemp -d "${TMPDIR:-/tmp}/pooldisk-deb-add-docs.XXXXXX")
trap 'rm -rf "$tree"' EXIT

dpkg-deb -R "$deb" "$tree/pkg"
rm -rf "$tree/pkg/$prefix/share/doc"
install -D -m 644 "$man" "$tree/pkg/$prefix/share/man/man1/pooldisk.1.gz"
mkdir -p "$tree/pkg/usr/share/doc/$package"
sed -e "s|@PACKAGE@|$package|g" -e "s|@INSTALL_DIR@|$prefix|g" "$here/../engine/server/src/deb/copyright" \
  >"$tree/pkg/usr/share/doc/$package/copyright"
chmod 644 "$tree/pkg/usr/share/doc/$package/copyright"
size=$(du -sk --exclude=DEBIAN "$tree/pkg" | cut -f1)
sed -i "s/^Installed-Size: .*/Installed-Size: $size/" "$tree/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -b "$tree/pkg" "$deb" >/dev/null
echo "deb-add-docs: $deb with /$prefix/share/man/man1/pooldisk.1.gz and /usr/share/doc/$package/copyright"
