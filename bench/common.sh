# bench/common.sh - sourced by bench/batch.sh and bench/single.sh: the options they
# share, the Release build, the temporary directory and the scratch PostGIS cluster.
#
#   bench_parse USAGE "$@"   --runs N, --no-pg and --help; sets runs, pg (keep their
#                            defaults before calling) and leaves the other arguments
#                            in the array `rest` for the script's own options
#   bench_usage              prints USAGE to stderr, exits 2
#   bench_build TARGET...    Release build in $b (PARKGIS_BUILD, default build-bench)
#   bench_tmp PREFIX         $tmp: a new temporary directory, removed on exit with the
#                            scratch cluster (if bench_pg_start started one)
#   bench_pg_start           starts tools/pg-scratch.sh, exports its PG* variables,
#                            sets pg_dir; status 77 when PostgreSQL is not installed
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
b=${PARKGIS_BUILD:-build-bench}
bench_usage_text=""
bench_usage() { echo "usage: $bench_usage_text" >&2; exit 2; }
bench_parse() {
    bench_usage_text=$1; shift
    rest=()
    while [ $# -gt 0 ]; do
        case $1 in
        --runs) [ $# -ge 2 ] || bench_usage; runs=$2; shift ;;
        --no-pg) pg=0 ;;
        -h | --help) echo "usage: $bench_usage_text"; exit 0 ;;
        *) rest+=("$1") ;;
        esac
        shift
    done
}
bench_build() {
    cmake -S . -B "$b" -DCMAKE_BUILD_TYPE=Release -DPARKGIS_SANITIZE=OFF >/dev/null
    cmake --build "$b" -j"$(nproc)" --target "$@" >/dev/null
}
tmp="" pg_dir=""
bench_cleanup() {
    [ -n "$tmp" ] && rm -rf "$tmp"
    [ -n "$pg_dir" ] && bash tools/pg-scratch.sh stop "$pg_dir" >/dev/null 2>&1
    return 0
}
bench_tmp() {
    tmp=$(mktemp -d "/tmp/$1.XXXXXX")
    trap bench_cleanup EXIT
}
bench_pg_start() {
    local env_lines rc=0
    env_lines=$(bash tools/pg-scratch.sh start 2>/dev/null) || rc=$?
    [ $rc = 0 ] || return $rc
    eval "$env_lines"
    pg_dir=$PG_SCRATCH_DIR
}
