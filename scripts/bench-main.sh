#!/usr/bin/env bash
# Builds the engine and runs one of its test-scope benchmark classes (io.pooldisk.bench) against the built jar.
#
# Usage: scripts/bench-main.sh CLASS [ARGS...]      (CLASS: e.g. io.pooldisk.bench.TransferBenchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl engine/server -am -DskipTests package test-compile
# Run from a copy: the workers load their classes from it while it runs, whatever a later build does to target/.
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
cp engine/server/target/pooldisk.jar "$run/" && cp -r engine/server/target/test-classes "$run/"
java --add-exports java.base/sun.nio.ch=ALL-UNNAMED -cp "$run/pooldisk.jar:$run/test-classes" "$@"
