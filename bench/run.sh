#!/bin/sh
# Runs mamori's benchmarks and writes docs/benchmarks.md.
#
#   bench/run.sh BUILD_DIR        (BUILD_DIR configured with -DMM_BENCH=ON; `make bench`)
#
# BENCH_RUNS (default 21): runs per library measurement (bench_report, the median is kept).
# BENCH_CLI_RUNS (default 11): runs per whole-process CLI measurement.
# BENCH_OUT (default docs/benchmarks.md): where the report goes.
# The CLI is timed with hyperfine when it is installed, else with a shell loop and
# `date +%s%N`; peak RSS of a CLI run comes from /usr/bin/time -v when it is there.
set -eu
build=${1:-build}
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-21}
cli_runs=${BENCH_CLI_RUNS:-11}
out=${BENCH_OUT:-docs/benchmarks.md}
bin=$build/mamori
bench=$build/bench_report
for x in "$bin" "$bench"; do
    if [ ! -x "$x" ]; then
        echo "bench: $x not found: configure $build with -DMM_BENCH=ON and build it" >&2
        exit 1
    fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
full=$tmp/full-r3.json
example=examples/hokuto/assessment-r3.json
example2=examples/hokuto/assessment-r2.json

echo "bench: library measurements ($runs runs each)" >&2
"$bench" -n "$runs" --example "$example" --write-full "$full" >"$tmp/lib.md"

formats="text json html oscal-ssp oscal-poam oscal-ar csv-poam"

# median, min and max (ms, 1 decimal) of the nanosecond figures on stdin, one per line
stats_ns() {
    sort -n | awk '{ v[NR] = $1 }
        END {
            if (NR == 0) { print "- - -"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.1f %.1f %.1f\n", m / 1e6, v[1] / 1e6, v[NR] / 1e6
        }'
}

# Times `mamori assess FILE --format FMT` as whole processes; prints "median min max" in ms.
# The report goes to standard output redirected to /dev/null, not to `-o /dev/null`: -o
# writes atomically (a temporary file next to the target, then rename), which /dev/null
# does not allow.
time_cli() {
    file=$1
    fmt=$2
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine --style none --warmup 1 --runs "$cli_runs" --export-csv "$tmp/hf.csv" \
            "'$bin' assess '$file' --format $fmt" >/dev/null 2>&1
        # command,mean,stddev,median,user,system,min,max (seconds)
        awk -F, 'NR == 2 { printf "%.1f %.1f %.1f\n", $4 * 1e3, $7 * 1e3, $8 * 1e3 }' "$tmp/hf.csv"
        return
    fi
    "$bin" assess "$file" --format "$fmt" >/dev/null # warm-up
    i=0
    : >"$tmp/ns"
    while [ "$i" -lt "$cli_runs" ]; do
        t0=$(date +%s%N)
        "$bin" assess "$file" --format "$fmt" >/dev/null
        t1=$(date +%s%N)
        echo $((t1 - t0)) >>"$tmp/ns"
        i=$((i + 1))
    done
    stats_ns <"$tmp/ns"
}

if command -v hyperfine >/dev/null 2>&1; then
    timer="hyperfine ($(hyperfine --version | head -n 1)), $cli_runs runs after 1 warm-up"
else
    timer="a shell loop with \`date +%s%N\`, $cli_runs runs after 1 warm-up"
fi

echo "bench: CLI measurements ($cli_runs runs each)" >&2
{
    printf '| input | format | median (ms) | min (ms) | max (ms) | output |\n'
    printf '|---|---|---:|---:|---:|---|\n'
    for input in example full r2; do
        case $input in
        example) file=$example label="example Rev 3 ($(basename "$example"))" fmts=$formats ;;
        full) file=$full label="full Rev 3 (422 objectives)" fmts=$formats ;;
        r2) file=$example2 label="example Rev 2 ($(basename "$example2"))" fmts="text json" ;;
        esac
        for fmt in $fmts; do
            if ! "$bin" assess "$file" --format "$fmt" >"$tmp/report" 2>"$tmp/err"; then
                why=$(head -n 1 "$tmp/err" | sed 's/|/\\|/g')
                printf '| %s | %s | not available | | | %s |\n' "$label" "$fmt" "$why"
                continue
            fi
            size=$(wc -c <"$tmp/report" | tr -d ' ')
            set -- $(time_cli "$file" "$fmt")
            printf '| %s | %s | %s | %s | %s | %s bytes |\n' "$label" "$fmt" "$1" "$2" "$3" "$size"
        done
    done
} >"$tmp/cli.md"

# Peak RSS of single CLI runs
{
    if [ -x /usr/bin/time ]; then
        printf '| run | peak RSS |\n|---|---:|\n'
        for spec in "$example text" "$full json" "$full oscal-ssp" "$full oscal-ar"; do
            set -- $spec
            if /usr/bin/time -v "$bin" assess "$1" --format "$2" >/dev/null 2>"$tmp/time"; then
                kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")
                name="\`mamori assess $1 --format $2\`"
                [ "$1" = "$full" ] && name="\`mamori assess full-r3.json --format $2\` (the generated full Rev 3)"
                printf '| %s | %s KiB |\n' "$name" "$kb"
            else
                printf '| `mamori assess %s --format %s` | not available |\n' "$1" "$2"
            fi
        done
    else
        echo "/usr/bin/time is not installed (Debian package \`time\`): no CLI peak RSS."
    fi
} >"$tmp/rss.md"

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
[ -n "$cpu" ] || cpu=$(uname -m)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no -- src include content 2>/dev/null)" ]; then
    commit="$commit (with uncommitted changes under src/, include/ or content/)"
fi
buildtype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
ccver=$("${cc:-cc}" --version 2>/dev/null | head -n 1 || true)

mkdir -p "$(dirname "$out")"
{
    echo "# Benchmarks"
    echo
    echo "What mamori costs in time and memory on the embedded data: loading the catalogs,"
    echo "parsing and evaluating assessments, rendering every report format, and the whole"
    echo "\`mamori assess\` command as a process. Written by \`bench/run.sh\`; do not edit by hand."
    echo
    echo "## Machine"
    echo
    echo "- CPU: $cpu ($(nproc) online CPUs, \`nproc\`)"
    echo "- OS: $(uname -sr)"
    echo "- compiler: ${ccver:-unknown}; build type: ${buildtype:-default}"
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- commit: $commit"
    echo
    echo "## Library (bench/bench_report.c)"
    echo
    echo "Median, min and max of $runs runs each after one warm-up run, timed with"
    echo "\`clock_gettime(CLOCK_MONOTONIC)\` around the call alone (freeing is not counted)."
    echo "The example is \`$example\`; the full assessment is generated by bench_report"
    echo "from \`mamori assess init\`'s template with every Rev 3 objective answered on its own."
    echo "Rev 3 evaluation and reports use the embedded DoD ODP profile."
    cat "$tmp/lib.md"
    echo
    echo "## Command line (whole processes)"
    echo
    echo "\`mamori assess FILE --format F\` with the report on standard output sent to /dev/null."
    echo "Timed with $timer."
    echo "Each run includes starting the process, loading the embedded catalog and profile,"
    echo "parsing, evaluating and rendering. \"not available\": the command failed (its first"
    echo "line of error is shown), e.g. a report format not implemented yet."
    echo
    cat "$tmp/cli.md"
    echo
    echo "### Peak RSS of one run (\`/usr/bin/time -v\`)"
    echo
    cat "$tmp/rss.md"
    echo
    echo "## Reproduce"
    echo
    echo '```sh'
    echo 'make bench                      # configures build/ with -DMM_BENCH=ON, runs bench/run.sh build'
    echo 'BENCH_RUNS=51 BENCH_CLI_RUNS=21 ./bench/run.sh build   # more runs'
    echo '```'
    echo
    echo "Figures vary with CPU frequency scaling and other load on the machine; compare runs"
    echo "made on the same machine only. hyperfine is used for the CLI when installed."
    # keep the section bench/scan-vs-oscap maintains
    if [ -f "$out" ] && grep -q '<!-- scan-vs-oscap:begin -->' "$out"; then
        echo
        sed -n '/<!-- scan-vs-oscap:begin -->/,/<!-- scan-vs-oscap:end -->/p' "$out"
    fi
    # and the one bench/server/run.sh maintains
    if [ -f "$out" ] && grep -q '<!-- server-bench:begin -->' "$out"; then
        echo
        sed -n '/<!-- server-bench:begin -->/,/<!-- server-bench:end -->/p' "$out"
    fi
} >"$tmp/out.md"
mv "$tmp/out.md" "$out"
echo "bench: wrote $out" >&2
