#!/bin/sh
# The body of `make run`: scan this machine, assess the example organization (Rev 3 and
# Rev 2) with that scan merged in, write every report to OUT, and print a short summary
# (at most 40 lines; tests/docs/test_run_summary.py holds it to that). The details stay in
# the files.
#
#   scripts/run-summary.sh MAMORI OUT R3-ASSESSMENT R2-ASSESSMENT
set -eu
if [ $# -ne 4 ]; then
    echo "usage: $0 MAMORI OUT R3-ASSESSMENT R2-ASSESSMENT" >&2
    exit 2
fi
M=$1 OUT=$2 R3=$3 R2=$4
export MAMORI_NO_PROGRESS=1
mkdir -p "$OUT"

# this machine, read-only
"$M" scan -o "$OUT/scan.txt"
"$M" scan --format json -o "$OUT/scan.json"
"$M" scan --format html -o "$OUT/scan.html"
# Rev 3, against the embedded DoD ODP profile, with the scan merged in
S="--scan $OUT/scan.json"
"$M" assess "$R3" $S -o "$OUT/assessment-r3.txt"
"$M" assess "$R3" $S --format json -o "$OUT/result.json"
"$M" assess "$R3" $S --format html -o "$OUT/report.html"
"$M" assess "$R3" $S --format oscal-ssp -o "$OUT/ssp.json"
"$M" assess "$R3" $S --format oscal-poam -o "$OUT/poam.json"
"$M" assess "$R3" $S --format oscal-ar -o "$OUT/assessment-results.json"
"$M" assess "$R3" $S --format csv-poam -o "$OUT/poam.csv"
# Rev 2: SPRS score and CMMC status
"$M" assess "$R2" $S -o "$OUT/assessment-r2.txt"
"$M" assess "$R2" $S --format json -o "$OUT/result-r2.json"
"$M" assess "$R2" $S --format html -o "$OUT/report-r2.html"

# the summary: a line is taken from the reports only where it says what the files say. The
# reports are in the language mamori picks (LC_ALL, then LC_MESSAGES, then LANG; ja_JP* is
# Japanese): so is the summary, whose report labels are content/i18n's txt.* strings.
lang=en
for v in "${LC_ALL:-}" "${LC_MESSAGES:-}" "${LANG:-}"; do
    if [ -n "$v" ]; then
        case $v in ja | ja_* | ja.* | ja@*) lang=ja ;; esac
        break
    fi
done
line() { grep -m1 "$1" "$2" | sed 's/^ *//'; }
if [ $lang = ja ]; then
    org=$(sed -n 's/ の NIST SP 800-171 Rev 3 評価$//p' "$OUT/assessment-r3.txt" | head -1)
    echo "mamori run: 例の組織 $org"
else
    echo "mamori run: the example organization $(sed -n 's/^NIST SP 800-171 Rev 3 assessment of //p' "$OUT/assessment-r3.txt" | head -1)"
fi
echo "  $(head -1 "$OUT/scan.txt" | sed 's/^mamori //')"
echo "  $(sed -n 2p "$OUT/scan.txt" | sed 's/^ *//')"
if [ $lang = ja ]; then
    echo "  技術的な回答はホストスキャンで決まります（失敗したルールの要件は未実施）。対策していないマシンではスコアが低くなります。"
    echo "Rev 3（$R3、DoD ODP プロファイル）:"
    echo "  $(line '^達成した要件:' "$OUT/assessment-r3.txt")"
    echo "  $(line '^達成した評価目標:' "$OUT/assessment-r3.txt")"
    echo "Rev 2（$R2）:"
    echo "  $(line '^SPRSスコア:' "$OUT/assessment-r2.txt")"
    echo "  $(line '^CMMC レベル2' "$OUT/assessment-r2.txt")"
    echo "報告書の出力先 $OUT/:"
    echo "  scan.txt scan.json scan.html: ホストスキャン（ルールごと、対処方法付き）"
    echo "  assessment-r3.txt result.json report.html ssp.json poam.json assessment-results.json poam.csv: Rev 3"
    echo "  assessment-r2.txt result-r2.json report-r2.html: Rev 2"
    exit 0
fi
echo "  The host scan drives the technical answers (a failed rule makes its requirements not met), so an unhardened machine scores low."
echo "Rev 3 ($R3, DoD ODP profile):"
echo "  $(line '^Requirements met:' "$OUT/assessment-r3.txt")"
echo "  $(line '^Objectives met:' "$OUT/assessment-r3.txt")"
echo "Rev 2 ($R2):"
echo "  $(line '^SPRS score:' "$OUT/assessment-r2.txt")"
echo "  $(line '^CMMC Level 2' "$OUT/assessment-r2.txt")"
echo "Reports in $OUT/:"
echo "  scan.txt scan.json scan.html: the host scan, rule by rule, with fixes"
echo "  assessment-r3.txt result.json report.html ssp.json poam.json assessment-results.json poam.csv: Rev 3"
echo "  assessment-r2.txt result-r2.json report-r2.html: Rev 2"
