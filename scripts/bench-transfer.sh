#!/usr/bin/env bash
# Transfer benchmark: upload and download of one large file (default 1 GiB) through a real PoolDisk server, measured
# in the same run as raw loopback sendfile and Java's single-core SHA-256 (see TransferBenchmark's comment).
#
# Usage: scripts/bench-transfer.sh [SIZE_MIB] [ROUNDS]      (defaults: 1024 3)
exec "$(dirname "$0")/bench-java.sh" io.pooldisk.bench.TransferBenchmark "$@"
