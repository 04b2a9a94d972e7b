#!/usr/bin/env bash
# Transfer benchmark: upload and download of one large file (default 1 GiB) through a real PoolDisk server, measured
# in the same run as raw loopback sendfile and Java's single-core SHA-256 (see TransferBenchmark's comment).
#
# Usage: scripts/bench-transfer.sh [SIZE_MIB] [ROUNDS]      (defaults: 1024 3)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl engine -DskipTests package test-compile
# Run from a copy: the workers load their classes from it while it runs, whatever a later build does to target/.
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
cp engine/target/pooldisk.jar "$run/" && cp -r engine/target/test-classes "$run/"
java --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "$run/pooldisk.jar:$run/test-classes" io.pooldisk.bench.TransferBenchmark "$@"
