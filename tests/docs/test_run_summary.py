"""`make run`'s summary (scripts/run-summary.sh, which the Makefile calls): at most 40 lines,
saying where the reports went, the Rev 3 and Rev 2 results as the report files give them, and
that the host scan drives the technical answers; every report it names is written.

Runs the script with the binary of this build tree (MAMORI), so it never rebuilds.
Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
"""

import json
import os
import re
import shutil
import subprocess
import sys

MAMORI = os.environ.get("MAMORI", "")
SRC = os.environ.get("MM_SOURCE_DIR", "")
TMP = os.environ.get("MM_TMP", "")
failures = []


def check(ok, what):
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        failures.append(what)


def main():
    for v in ("MAMORI", "MM_SOURCE_DIR", "MM_TMP"):
        if not os.environ.get(v):
            sys.exit("needs the environment variable " + v)
    shutil.rmtree(TMP, ignore_errors=True)
    os.makedirs(TMP)
    r3 = "examples/hokuto/assessment-r3.json"
    r2 = "examples/hokuto/assessment-r2.json"
    p = subprocess.run(["sh", os.path.join(SRC, "scripts", "run-summary.sh"), MAMORI, TMP + "/out",
                        r3, r2], cwd=SRC, capture_output=True, text=True, timeout=600)
    out = p.stdout
    print(out + p.stderr)
    check(p.returncode == 0, "run-summary.sh exits 0 (got %d)" % p.returncode)
    lines = out.rstrip("\n").split("\n")
    check(0 < len(lines) <= 40, "summary has at most 40 lines (%d)" % len(lines))
    check(p.stderr == "", "nothing on stderr")
    o = os.path.join(TMP, "out")
    named = re.findall(r"^  ((?:\S+\.(?:txt|json|html|csv) ?)+):", out, re.M)
    files = " ".join(named).split()
    check(len(files) >= 13, "the summary names the report files (%d)" % len(files))
    for f in files:
        path = os.path.join(o, f)
        check(os.path.isfile(path) and os.path.getsize(path) > 0, "report %s written" % f)
    check(("Reports in %s/:" % o) in out, "says where the reports went")
    check(any("host scan drives the technical answers" in l and "unhardened" in l
              for l in lines), "one line says the host scan drives the technical answers")
    scan = json.load(open(os.path.join(o, "scan.json")))
    check(re.search(r"^  \d+ rules in \d+ ms: \d+ pass, \d+ fail, \d+ error, \d+ not applicable$",
                    out, re.M) is not None, "the scan's counts")
    check(isinstance(scan, dict), "scan.json is a JSON object")
    res3 = json.load(open(os.path.join(o, "result.json")))
    res2 = json.load(open(os.path.join(o, "result-r2.json")))
    check(("Requirements met: %d / %d" % (res3["requirements_met"], res3["requirements_total"]))
          in out, "Rev 3 requirements met as in result.json")
    check(("Objectives met:   %d / %d" % (res3["objectives_met"], res3["objectives_total"]))
          in out, "Rev 3 objectives met as in result.json")
    check(("SPRS score: %d / 110" % res2["score"]["sprs"]) in out,
          "Rev 2 SPRS score as in result-r2.json")
    check(re.search(r"^  CMMC Level 2 \(self\): %s\b" %
                    re.escape(res2["cmmc_level2"]["status"].replace("-", " ")), out, re.M)
          is not None, "Rev 2 CMMC Level 2 status as in result-r2.json")
    check("  - " not in out, "no per-requirement detail in the summary")
    if failures:
        sys.exit("%d failures" % len(failures))
    print("run summary ok: %d lines" % len(lines))


if __name__ == "__main__":
    main()
