#!/bin/sh
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, seeded from tests/fuzz/corpus/
# and tests/fixtures. A crash fails the run and leaves the input in the working directory.
# tests/fuzz/<target>.dict, when present, is passed as the libFuzzer dictionary.
set -eu
build=$1
seconds=$2
cd "$(dirname "$0")/.."
found=0
for t in "$build"/fuzz_*; do
    [ -x "$t" ] || continue
    found=1
    name=$(basename "$t")
    seeds="tests/fuzz/corpus/$name"
    work=$(mktemp -d)
    mkdir -p "$work/corpus"
    [ -d "$seeds" ] && cp "$seeds"/* "$work/corpus/" 2>/dev/null || true
    dict=""
    [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
    echo "fuzz: $name for ${seconds}s"
    ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$t" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144 \
        -print_final_stats=0 $dict "$work/corpus" 2>"$work/log" || {
        tail -n 60 "$work/log" >&2
        echo "fuzz: $name FAILED (log above)" >&2
        rm -rf "$work"
        exit 1
    }
    grep -E '^#[0-9]+.*DONE' "$work/log" | tail -n 1 || true
    rm -rf "$work"
done
[ "$found" = 1 ] || { echo "fuzz: no targets in $build" >&2; exit 1; }
