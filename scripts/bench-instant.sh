#!/usr/bin/env bash
# Instant upload benchmark: what the proof of possession costs the client (a second read of its file) and the server
# (one read of its stored copy), and a whole instant upload next to one that sends its bytes (see
# InstantUploadBenchmark's comment).
#
# Usage: scripts/bench-instant.sh [SIZE_MIB] [ROUNDS]      (defaults: 256 5)
exec "$(dirname "$0")/bench-main.sh" io.pooldisk.bench.InstantUploadBenchmark "$@"
