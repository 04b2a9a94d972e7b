#!/usr/bin/env bash
# Builds the engine and runs one benchmark class from its test classes, with the arguments given after it; what the
# bench-*.sh scripts that measure through Java share.
#
# Usage: scripts/bench-java.sh CLASS [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
class=$1
shift
mvn -B -q -pl engine -DskipTests package test-compile
# Run from a copy: the workers load their classes from it while it runs, whatever a later build does to target/.
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
cp engine/target/pooldisk.jar "$run/" && cp -r engine/target/test-classes "$run/"
java --add-exports java.base/sun.nio.ch=ALL-UNNAMED -cp "$run/pooldisk.jar:$run/test-classes" "$class" "$@"
