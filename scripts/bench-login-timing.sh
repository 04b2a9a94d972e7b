#!/usr/bin/env bash
# Login timing benchmark: LOGIN and PROOF round trips for known and unknown user names, interleaved on one connection
# to a real PoolDisk server, and their medians side by side (see LoginTimingBenchmark's comment).
#
# Usage: scripts/bench-login-timing.sh [PAIRS] [WORKERS]      (defaults: 5000 2)
exec "$(dirname "$0")/bench-main.sh" io.pooldisk.bench.LoginTimingBenchmark "$@"
