#!/bin/sh
# Process-level tests of the HTML report and the POA&M spreadsheet (--format html, csv-poam)
# on the Hokuto examples and a hostile fixture: escaping, no external loads, the SVG and its
# text alternative, the score, CSV shape and formula neutralising, reproducible output.
# Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
cd "$MM_SOURCE_DIR" || exit 1
T=$MM_TMP
fails=0
export NO_COLOR=1 SOURCE_DATE_EPOCH=1790000000

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else no "$2"; fi; }

command -v python3 >/dev/null || { echo "python3 is required"; exit 1; }

# Checks one HTML page with Python's HTML parser: balanced elements, no script, no element
# or attribute that loads anything from outside (only #fragments and data: URLs), no @import
# or url() in CSS, an inline SVG with a text alternative. Prints problems, exits 1 on any.
cat >"$T/check_html.py" <<'PY'
import re, sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
LOADS = {"src", "href", "action", "formaction", "srcset", "poster", "data", "background",
         "xlink:href", "ping", "manifest", "codebase", "cite", "longdesc"}
FORBIDDEN = {"script", "iframe", "frame", "object", "embed", "link", "base", "form", "img",
             "video", "audio", "source", "image", "use", "foreignobject"}

class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.in_style = [], [], False
        self.svg = self.svg_title = self.svg_labelled = False
        self.in_svg_title = False
        self.doctype = None

    def handle_decl(self, decl):
        self.doctype = decl

    def attrs_ok(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append("event handler %s on <%s>" % (name, tag))
            if name in LOADS and not (value.startswith("#") or value.startswith("data:")):
                self.problems.append("<%s %s=%r> loads from outside" % (tag, name, value))
            if name == "style" and re.search(r"@import|url\s*\(", value, re.I):
                self.problems.append("style attribute loads: %r" % value)

    def handle_starttag(self, tag, attrs):
        self.attrs_ok(tag, attrs)
        if tag in FORBIDDEN:
            self.problems.append("forbidden element <%s>" % tag)
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.problems.append("meta refresh")
        if tag == "svg":
            self.svg = True
            a = dict(attrs)
            self.svg_labelled = bool(a.get("aria-labelledby") or a.get("aria-label"))
        if tag == "title" and "svg" in self.stack:
            self.in_svg_title = True
        if tag == "style":
            self.in_style = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.attrs_ok(tag, attrs)
        if tag in FORBIDDEN:
            self.problems.append("forbidden element <%s>" % tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> does not close <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()
        if tag == "style":
            self.in_style = False
        if tag == "title":
            self.in_svg_title = False

    def handle_data(self, data):
        if self.in_style and re.search(r"@import|url\s*\(|https?:", data, re.I):
            self.problems.append("CSS loads from outside")
        if self.in_svg_title and data.strip():
            self.svg_title = True

text = open(sys.argv[1], encoding="utf-8").read()
c = Check()
c.feed(text)
c.close()
if c.stack:
    c.problems.append("unclosed elements: %s" % c.stack)
if (c.doctype or "").lower() != "doctype html":
    c.problems.append("no <!DOCTYPE html>")
if not (c.svg and c.svg_title and c.svg_labelled):
    c.problems.append("no inline SVG with a <title> and aria-labelledby")
for p in c.problems:
    print("  " + p)
sys.exit(1 if c.problems else 0)
PY

# Checks a POA&M CSV: CRLF line ends only, a header, every row as wide as the header, the
# expected number of rows (POA&M items + unmet requirements without an open item, from the
# JSON report), no field that a spreadsheet would run as a formula, the statuses used.
cat >"$T/check_csv.py" <<'PY'
import csv, io, json, sys
raw = open(sys.argv[1], "rb").read()
report = json.load(open(sys.argv[2], encoding="utf-8"))
problems = []
if raw.count(b"\n") != raw.count(b"\r\n") or not raw.endswith(b"\r\n"):
    problems.append("line ends are not all CRLF")
if not raw.startswith(b"\xef\xbb\xbf"):
    problems.append("does not start with the UTF-8 BOM (Excel on Japanese Windows needs it)")
raw = raw[3:]
rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
header, body = rows[0], rows[1:]
if header[:4] != ["POA&M ID", "Controls", "Weakness Name", "Weakness Description"]:
    problems.append("header: %s" % header[:4])
r2 = report["framework"] == "800-171r2"
if ("SPRS Points" in header) != r2:
    problems.append("SPRS Points column present: %s, Rev 2: %s" % ("SPRS Points" in header, r2))
widths = {len(r) for r in rows}
if widths != {len(header)}:
    problems.append("rows of different widths: %s" % sorted(widths))
gaps_without = [g["id"] for g in report["gaps"] if not g["on_poam"]]
want = len(report["poam"]) + len(gaps_without)
if len(body) != want:
    problems.append("%d rows, want %d" % (len(body), want))
col = {name: i for i, name in enumerate(header)}
items = body[:len(report["poam"])]
for row, item in zip(items, report["poam"]):
    if row[col["Controls"]] != item["requirement"]:
        problems.append("row for %s names %s" % (item["id"], row[col["Controls"]]))
    want_status = {"open": "Open", "closed": "Closed", "risk-accepted": "Risk Accepted"}[item["status"]]
    if row[col["Status"]] != want_status:
        problems.append("%s status %r" % (item["id"], row[col["Status"]]))
    for m in item["milestones"]:
        if m["due"] + ": " not in row[col["Planned Milestones"]]:
            problems.append("%s lacks milestone %s" % (item["id"], m["due"]))
rest = body[len(report["poam"]):]
if [r[col["Controls"]] for r in rest] != gaps_without:
    problems.append("unmet without an item: %s, want %s" % ([r[col["Controls"]] for r in rest], gaps_without))
for r in rest:
    if r[col["Status"]] not in ("No POA&M item", "No open POA&M item"):
        problems.append("gap row status %r" % r[col["Status"]])
for r in rows:
    for f in r:
        if f[:1] in ("=", "+", "-", "@", "\t", "\r"):
            problems.append("formula-like field %r" % f)
if r2:
    for r in body:
        if not (r[col["SPRS Points"]].isdigit() or r[col["SPRS Points"]] == "n/a") or not r[col["SPRS Points Lost"]].isdigit():
            problems.append("SPRS points %r / %r" % (r[col["SPRS Points"]], r[col["SPRS Points Lost"]]))
for p in dict.fromkeys(problems):
    print("  " + p)
sys.exit(1 if problems else 0)
PY

for f in examples/hokuto/assessment-r3.json examples/hokuto/assessment-r2.json \
         tests/fixtures/hostile-r2.json; do
    n=$(basename "$f" .json)
    "$MAMORI" assess "$f" --format html -o "$T/$n.html" 2>"$T/err"
    check $? "$n: html exits 0"
    "$MAMORI" assess "$f" --format html -o "$T/$n.2.html" 2>>"$T/err"
    cmp -s "$T/$n.html" "$T/$n.2.html"
    check $? "$n: html is identical across runs"
    "$MAMORI" assess "$f" --format csv-poam -o "$T/$n.csv" 2>>"$T/err"
    check $? "$n: csv-poam exits 0"
    "$MAMORI" assess "$f" --format csv-poam -o "$T/$n.2.csv" 2>>"$T/err"
    cmp -s "$T/$n.csv" "$T/$n.2.csv"
    check $? "$n: csv is identical across runs"
    "$MAMORI" assess "$f" --format json -o "$T/$n.json" 2>>"$T/err"
    [ -s "$T/err" ] && cat "$T/err"

    python3 "$T/check_html.py" "$T/$n.html"
    check $? "$n: html balanced, loads nothing, has an SVG with a text alternative"
    ! grep -qi '<script' "$T/$n.html"
    check $? "$n: no <script in the page"
    ! grep -Eqi '<[a-z][^>]*(src|href|action)=["'\'']?(https?:)?//' "$T/$n.html"
    check $? "$n: no src=/href= to http(s)"
    ! sed -n '/<style>/,/<\/style>/p' "$T/$n.html" | grep -Eqi '@import|url *\('
    check $? "$n: no @import or url() in the style sheet"
    head -n 2 "$T/$n.html" | grep -q '^<html lang="en">' &&
        grep -q '<meta charset="utf-8">' "$T/$n.html" &&
        grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$T/$n.html"
    check $? "$n: lang, charset, Content-Security-Policy"
    grep -q '<table class="families">' "$T/$n.html"
    check $? "$n: family table next to the chart"

    python3 "$T/check_csv.py" "$T/$n.csv" "$T/$n.json"
    check $? "$n: csv parses, rows = POA&M items + unmet without an item, no formulas"
done

# Rev 2 example: score and CMMC status.
grep -q '<div class="big">106<span class="of"> / 110</span>' "$T/assessment-r2.html"
check $? "r2: SPRS score 106 / 110 shown"
grep -q 'Conditional' "$T/assessment-r2.html" && grep -q '2027-05-01' "$T/assessment-r2.html"
check $? "r2: CMMC conditional with its close-out date"
grep -q 'POAM-2' "$T/assessment-r2.html" && grep -q 'Apply the lockout GPO to CAD stations' "$T/assessment-r2.html"
check $? "r2: POA&M items and milestones"

# Rev 3 example: counts, no invented score, ODPs in the text, conflicts, gaps in order.
grep -q '91<span class="of"> / 97' "$T/assessment-r3.html" &&
    grep -q '406<span class="of"> / 422' "$T/assessment-r3.html"
check $? "r3: requirements 91/97 and objectives 406/422"
! grep -qi 'SPRS score</div>' "$T/assessment-r3.html"
check $? "r3: no SPRS score card"
grep -q 'ODP profile' "$T/assessment-r3.html" && grep -q 'id="odp-conflicts"' "$T/assessment-r3.html"
check $? "r3: ODP profile and ODP conflicts"
grep -q '<span class="odp">at least weekly</span>' "$T/assessment-r3.html"
check $? "r3: requirement text rendered with ODP values"
grep -q 'No documented weekly review; last review found was 2026-08-14.' "$T/assessment-r3.html"
check $? "r3: objective notes in the gap"
order=$(grep -o 'id="req-[0-9.]*"' "$T/assessment-r3.html" | sed 's/id="req-//; s/"//' | tr '\n' ' ')
[ "$order" = "03.14.06 03.11.04 03.16.03 03.17.03 03.03.05 03.13.11 " ]
check $? "r3: gaps in priority order ($order)"

# Hostile input: escaped, never live.
H=$T/hostile-r2.html
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; 北斗精密 &quot;quotes&quot; &amp; &#39;Co&#39;' "$H"
check $? "hostile: organization name escaped, Japanese text intact"
grep -q '&lt;b onmouseover=alert(1)&gt;' "$H" && ! grep -q '<b onmouseover' "$H"
check $? "hostile: identifier escaped"
grep -q 'No valid score' "$H" && grep -q '3.12.4 (system security plan) is not-met' "$H"
check $? "hostile: no valid score, with the reason"
grep -q "\"'=cmd|' /C calc'!A0\"" "$T/hostile-r2.csv"
check $? "hostile: formula cell neutralised in the CSV"
grep -q '北斗精密' "$T/hostile-r2.csv"
check $? "hostile: UTF-8 kept in the CSV"

# Trojan Source: a name with U+202E (right-to-left override) is isolated in <bdi> in the HTML
# and shown escaped in the text summary, so it cannot reverse what a reader sees around it.
python3 - "$T/bidi-r2.json" <<'PY'
import json, sys
a = json.load(open("examples/hokuto/assessment-r2.json", encoding="utf-8"))
a["organization"]["name"] = "Hokuto \u202egnp.exe Co"
json.dump(a, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
"$MAMORI" assess "$T/bidi-r2.json" --format html -o "$T/bidi-r2.html" 2>>"$T/err"
check $? "bidi: html exits 0"
grep -q "<bdi>Hokuto $(printf '\342\200\256')gnp.exe Co</bdi>" "$T/bidi-r2.html"
check $? "bidi: the name with U+202E is isolated in <bdi>"
"$MAMORI" assess "$T/bidi-r2.json" --format text >"$T/bidi-r2.txt" 2>>"$T/err"
grep -q 'Hokuto <U+202E>gnp.exe Co' "$T/bidi-r2.txt" && ! grep -q "$(printf '\342\200\256')" "$T/bidi-r2.txt"
check $? "bidi: the text summary shows U+202E escaped, never raw"

if [ "$fails" -ne 0 ]; then
    echo "$fails failed"
    exit 1
fi
echo "all passed"
