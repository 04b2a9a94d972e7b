#!/bin/sh
# Regenerates screenshots/*.png from the real console under load, headless (Monocle, software rendering).
# Builds the app and its test classes, compiles scripts/bench-c/loadgen.c when a C compiler is there,
# then runs io.pooldisk.console.ScreenshotMain (app/src/test/java): six workers, two chatty clients,
# three parked ones and two loadgen threads; it also prints how fast the FX thread answered under load. The Pool tab
# is taken twice: at 1280x800 (pool.png) and at 1280x720 (pool-1280x720.png).
# Usage, from the project root: scripts/screenshots.sh [OUTPUT_DIR]   (default: screenshots)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "$root" && mkdir -p "${1:-screenshots}" && cd "${1:-screenshots}" && pwd)
cd "$root"
classpath="$root/app/target/screenshots.classpath"
mvn -B -q -pl app -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$classpath" -Dmdep.includeScope=test
loadgen=""
if command -v cc >/dev/null 2>&1 && [ -f scripts/bench-c/loadgen.c ]; then
    cc -O2 -pthread -o app/target/loadgen scripts/bench-c/loadgen.c
    loadgen="$root/app/target/loadgen"
fi
java --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
    -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -Dprism.text=t2k \
    -Djava.awt.headless=true \
    -cp "app/target/test-classes:app/target/classes:$(cat "$classpath")" \
    io.pooldisk.console.ScreenshotMain "$out" $loadgen
