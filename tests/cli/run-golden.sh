#!/usr/bin/env bash
# run-golden.sh PARKGIS FILE.t - golden CLI tests, shapelib style.
#
# A .t file is a list of cases separated by blank lines. In each case:
#   # text          a comment naming the case
#   $ ARGS          the command; "parkgis" is replaced by the binary under test.
#                   Runs with bash -c in tests/data (so pipes and files work).
#   | LINE          expected stdout, line by line, exactly (all | lines = whole stdout)
#   ~ TEXT          stdout must contain TEXT (substring), when exact output is too brittle
#   ! TEXT          stderr must contain TEXT
#   ? N             expected exit code (default 0)
set -u
bin=$1 file=$2
here=$(cd "$(dirname "$0")/../data" && pwd)
pass=0 fail=0
cmd="" want_out="" has_out=0 want_rc=0 subs=() errs=() name="" lineno=0 case_line=0

run_case() {
    [ -z "$cmd" ] && return
    local out err rc
    out=$(cd "$here" && PARKGIS="$bin" bash -c "${cmd//parkgis /\"\$PARKGIS\" }" 2>/tmp/golden.err.$$ </dev/null)
    rc=$?
    err=$(cat /tmp/golden.err.$$)
    local ok=1 why=""
    if [ "$rc" != "$want_rc" ]; then ok=0; why+="exit code $rc, expected $want_rc; "; fi
    if [ $has_out = 1 ] && [ "$out" != "$want_out" ]; then ok=0; why+="stdout differs; "; fi
    for s in "${subs[@]+"${subs[@]}"}"; do [[ "$out" == *"$s"* ]] || { ok=0; why+="stdout lacks '$s'; "; }; done
    for s in "${errs[@]+"${errs[@]}"}"; do [[ "$err" == *"$s"* ]] || { ok=0; why+="stderr lacks '$s'; "; }; done
    if [ $ok = 1 ]; then pass=$((pass+1)); else
        fail=$((fail+1))
        echo "FAIL $file:$case_line: $name"
        echo "  \$ $cmd"
        echo "  $why"
        if [ $has_out = 1 ] && [ "$out" != "$want_out" ]; then diff <(printf '%s\n' "$want_out") <(printf '%s\n' "$out") | sed 's/^/  /' | head -40; fi
        [ -n "$err" ] && echo "  stderr: $(echo "$err" | head -5)"
    fi
    cmd="" want_out="" has_out=0 want_rc=0 subs=() errs=() name=""
}

while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno+1))
    case "$line" in
        "") run_case ;;
        "# "*) [ -n "$cmd" ] && run_case; name=${line#\# }; case_line=$lineno ;;
        "\$ "*) [ -n "$cmd" ] && run_case; cmd=${line#\$ }; [ $case_line -lt $((lineno-1)) ] && case_line=$lineno ;;
        "|"*) l=${line#|}; l=${l# }; if [ $has_out = 1 ]; then want_out+=$'\n'"$l"; else want_out=$l; has_out=1; fi ;;
        "~ "*) subs+=("${line#\~ }") ;;
        "! "*) errs+=("${line#! }") ;;
        "? "*) want_rc=${line#\? } ;;
        *) echo "$file:$lineno: cannot read line (expected '# ', '\$ ', '| ', '~ ', '! ' or '? ')"; fail=$((fail+1)) ;;
    esac
done < "$file"
run_case
rm -f /tmp/golden.err.$$
echo "$pass passed, $fail failed"
[ $fail = 0 ]
