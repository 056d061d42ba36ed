#!/usr/bin/env bash
# run.sh - builds the libFuzzer targets (build-fuzz/, clang, ASan+UBSan) and runs
# each for a bounded time from its seed corpus (tests/fuzz/corpus/<name>).
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     default 30 s, all targets
#   tests/fuzz/run.sh --execs N [SECONDS] [TARGET...]
#                         the long run: each target until N executions (-runs=N),
#                         or SECONDS when given (then the run says whether N was
#                         reached: "reached"/"short of N")
#   PARKGIS_FUZZ_JOBS=N   targets run N at a time (default 2)
#   PARKGIS_FUZZ_BUILD=dir build directory (default build-fuzz)
# The checked-in corpus is never modified: each run grows a copy in a scratch
# directory. A finding (crash, leak, UB, a >10 s input, out of memory) fails
# the run; its input is kept as build-fuzz/findings/<target>/crash-* (or
# timeout-*, slow-unit-*, oom-*) and the log is printed. Longer runs: see README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(cd "$here/../.." && pwd)
execs=""
if [ "${1:-}" = --execs ]; then
    execs=${2:?--execs needs a number of executions}; shift 2
    case "$execs" in *[!0-9]*|"") echo "run.sh: --execs $execs: expected a whole number" >&2; exit 2 ;; esac
fi
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then secs=$1; shift; elif [ -n "$execs" ]; then secs=0; else secs=30; fi
b=${PARKGIS_FUZZ_BUILD:-$top/build-fuzz}
jobs=${PARKGIS_FUZZ_JOBS:-2}
CC=${CC:-clang} cmake -S "$top" -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARKGIS_FUZZ=ON >/dev/null || exit 70
cmake --build "$b" -j"$(nproc)" >/dev/null || { cmake --build "$b" 2>&1 | tail -20; exit 70; }
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
    for f in "$b"/fuzz_*; do [ -x "$f" ] && targets+=("$(basename "$f" | sed 's/^fuzz_//')"); done
fi
scratch=$(mktemp -d)
# the harnesses' own files (a definition, a Shapefile, a 四至 table per input) and
# the layer snapshots park_layer_read writes go to memory when /dev/shm is there:
# on ext4 creating and truncating them was half of fuzz_layout's CPU time (perf)
files=$(mktemp -d -p /dev/shm parkgis-fuzz.XXXXXX 2>/dev/null || echo "$scratch/files")
trap 'rm -rf "$scratch" "$files"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
run_one() {
    local t=$1 exe=$b/fuzz_$1 dict="" maxlen=8192
    [ "$t" = snapshot ] && maxlen=65536 # a resolver snapshot of the synthetic map is 15 KB
    mkdir -p "$scratch/$t/corpus" "$b/findings/$t" "$files/$t/tmp" "$files/$t/cache"
    cp -r "$here/corpus/$t/." "$scratch/$t/corpus/" 2>/dev/null || true
    [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
    # TMPDIR: the harnesses' scratch files; XDG_CACHE_HOME: layer snapshots (never the user's cache)
    local limit=(-max_total_time="$secs")
    [ -n "$execs" ] && limit+=(-runs="$execs")
    local t0=$SECONDS
    TMPDIR=$files/$t/tmp XDG_CACHE_HOME=$files/$t/cache "$exe" "$scratch/$t/corpus" $dict "${limit[@]}" -max_len=$maxlen -timeout=10 \
        -rss_limit_mb=2560 -report_slow_units=5 -artifact_prefix="$b/findings/$t/" -print_final_stats=1 \
        >"$scratch/$t.log" 2>&1
    local rc=$? wall=$((SECONDS - t0))
    local n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch/$t.log" | grep -o '[0-9]*$')
    local eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$scratch/$t.log" | grep -o '[0-9]*$')
    local cov=$(grep -o 'cov: [0-9]*' "$scratch/$t.log" | tail -1)
    if [ $rc = 0 ]; then
        local goal=""
        if [ -n "$execs" ]; then
            if [ "${n:-0}" -ge "$execs" ]; then goal="  reached $execs"; else goal="  short of $execs"; fi
        fi
        printf 'fuzz %-14s ok    %8s execs  %6s/s  %s  (%s s)%s\n' "$t" "${n:-?}" "${eps:-?}" "$cov" "$wall" "$goal"
    else
        printf 'fuzz %-14s FAIL  exit %s; input kept in %s\n' "$t" "$rc" "$b/findings/$t/"
        grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "$scratch/$t.log" | head -20
        tail -40 "$scratch/$t.log"
        return 1
    fi
}
fail=0 pids=()
for t in "${targets[@]}"; do
    run_one "$t" > "$scratch/$t.out" 2>&1 &
    pids+=("$!:$t")
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
done
for p in "${pids[@]}"; do
    wait "${p%%:*}" || fail=1
    cat "$scratch/${p#*:}.out"
done
exit $fail
