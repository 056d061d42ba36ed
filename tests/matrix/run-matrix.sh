#!/usr/bin/env bash
# run-matrix.sh PARKGIS [TABLE] [--valgrind] - runs the bad-input matrix
# (bad-input.tsv, format in its header): each row's command in tests/data with a
# fresh scratch directory $T; checks the exit code and the stderr fragment.
# --valgrind: only the rows marked "v", each parkgis run under valgrind memcheck
# (an error or a definite leak fails the row); skipped (77) for sanitizer builds.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); table=${2:-$(dirname "$0")/bad-input.tsv}; vg=0
[ "${3:-}" = --valgrind ] || [ "${2:-}" = --valgrind ] && vg=1
[ "${2:-}" = --valgrind ] && table=$(dirname "$0")/bad-input.tsv
table=$(cd "$(dirname "$table")" && pwd)/$(basename "$table")
here=$(cd "$(dirname "$0")/../data" && pwd)
if [ $vg = 1 ]; then
    command -v valgrind >/dev/null || { echo "SKIPPED: valgrind not installed"; exit 77; }
    grep -q "PARKGIS_SANITIZE:BOOL=ON" "$(dirname "$bin")/CMakeCache.txt" 2>/dev/null && { echo "SKIPPED: sanitizer build"; exit 77; }
fi
# the binary the commands call: a wrapper under valgrind
wrap=$(mktemp -d)
if [ $vg = 1 ]; then
    cat > "$wrap/parkgis" <<EOV
#!/usr/bin/env bash
log=\$(mktemp)
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --log-file="\$log" "$bin" "\$@"
rc=\$?
if [ \$rc = 99 ] || grep -q "Invalid \|uninitialised\|definitely lost" "\$log"; then echo "VALGRIND:" >&2; head -30 "\$log" >&2; rc=99; fi
rm -f "\$log"; exit \$rc
EOV
else
    printf '#!/usr/bin/env bash\nexec "%s" "$@"\n' "$bin" > "$wrap/parkgis"
fi
chmod +x "$wrap/parkgis"
pass=0 fail=0 n=0
while IFS=$'\t' read -r item cmd want frag v || [ -n "$item" ]; do
    n=$((n+1))
    case "$item" in ""|\#*) continue ;; esac
    [ $vg = 1 ] && [ "$v" != v ] && continue
    T=$(mktemp -d)
    err=$(cd "$here" && T=$T PATH="$wrap:$PATH" bash -c "$cmd" 2>&1 >/dev/null)
    rc=$?
    chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"
    ok=1 why=""
    [ "$rc" = "$want" ] || { ok=0; why="exit $rc, expected $want"; }
    [ "$frag" = - ] || [[ "$err" == *"$frag"* ]] || { ok=0; why="$why; stderr lacks '$frag'"; }
    [[ "$err" == *VALGRIND:* ]] && { ok=0; why="$why; valgrind error"; }
    if [ $ok = 1 ]; then pass=$((pass+1)); else
        fail=$((fail+1)); echo "FAIL $(basename "$table"):$n (item $item): $why"; echo "  \$ $cmd"; echo "  stderr: $(echo "$err" | head -8)"
    fi
done < "$table"
rm -rf "$wrap"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
