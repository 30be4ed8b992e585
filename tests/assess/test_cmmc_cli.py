#!/usr/bin/env python3
"""Process tests of issue 11 through the real binary, with SOURCE_DATE_EPOCH fixing "today":
the 3.12.2 plan-of-action rule, CMMC Level 1, the Level 2 status date, close-out and expiry,
the late-POA&M warning, the SPRS record (--format sprs, sprs-csv) and the Rev 3 notes, in the
text, json, html, oscal-ar and sprs formats. Env: MAMORI, MM_SOURCE_DIR, MM_TMP."""
import csv
import io
import json
import os
import shutil
import subprocess
import sys

MAMORI = os.environ["MAMORI"]
SRC = os.environ["MM_SOURCE_DIR"]
TMP = os.environ["MM_TMP"]
shutil.rmtree(TMP, ignore_errors=True)
os.makedirs(TMP)

fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1


def epoch(day):
    """SOURCE_DATE_EPOCH for noon UTC of YYYY-MM-DD."""
    import datetime
    d = datetime.date.fromisoformat(day)
    return str(int(datetime.datetime(d.year, d.month, d.day, 12,
                                     tzinfo=datetime.timezone.utc).timestamp()))


def run(args, today="2026-11-02"):
    env = dict(os.environ, NO_COLOR="1", SOURCE_DATE_EPOCH=epoch(today))
    p = subprocess.run([MAMORI] + args, cwd=SRC, env=env, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


# every Rev 2 requirement, from the template
rc, out, err = run(["assess", "init", "--framework", "800-171r2"])
assert rc == 0, err
R2_IDS = list(json.loads(out)["requirements"].keys())
assert len(R2_IDS) == 110

SSP = {"name": "Enclave SSP", "version": "2.1", "date": "2026-10-15", "cage_codes": ["1ABC2"]}


def r2_file(name, unmet=None, poam=None, posted="2026-11-02", ssp=SSP):
    unmet = unmet or {}
    doc = {"framework": "800-171r2",
           "dates": {"assessed": "2026-11-02"},
           "requirements": {i: unmet.get(i, "met") for i in R2_IDS},
           "poam": poam or []}
    if posted:
        doc["dates"]["posted"] = posted
    if ssp is not None:
        doc["ssp"] = ssp
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def item(req, due):
    return {"weakness": "not implemented", "requirement": req, "scheduled_completion": due}


def fmt(path, f, today="2026-11-02"):
    rc, out, err = run(["assess", path, "--format", f], today)
    if rc != 0:
        print(err, file=sys.stderr)
    return rc, out, err


# ---- 3.12.2 (DoD Assessment Methodology v1.2.1 5(g)(iii): "A lack of plan of action for
# unimplemented security requirements will result in Security Requirement 3.12.2 being
# assessed as 'not implemented'.") -- 3.1.8 (1 point) not met, no POA&M, 3.12.2 claimed met:
# 110 - 1 - 3 = 106, the same in every format
ex = r2_file("no-plan.json", unmet={"3.1.8": "not-met"})
rc, text, _ = fmt(ex, "text")
check(rc == 0 and "SPRS score: 106 / 110" in text, "3.12.2 rule: text shows 106")
check("Without a plan of action: 3.1.8" in text and "5(g)(iii)" in text,
      "3.12.2 rule: text names 3.1.8 as without a plan")
check("[no plan of action: 5(g)(iii)]" in text, "3.12.2 rule: the 3.12.2 gap says why")
rc, js, _ = fmt(ex, "json")
j = json.loads(js)
req = {r["id"]: r for r in j["requirements"]}
check(j["score"]["sprs"] == 106, "3.12.2 rule: json score 106")
check(req["3.12.2"]["status"] == "not-met" and req["3.12.2"]["points_lost"] == 3
      and "5(g)(iii)" in req["3.12.2"]["scored_by"], "3.12.2 rule: json 3.12.2 not met, 3 points")
check(j["plan_of_action"] == {"requirement": "3.12.2", "scored_not_implemented": True,
                              "without_plan": ["3.1.8"]}, "3.12.2 rule: json plan_of_action")
rc, html, _ = fmt(ex, "html")
check('<div class="big">106<span class="of"> / 110</span>' in html, "3.12.2 rule: html 106")
check('id="no-plan"' in html and "3.1.8" in html.split('id="no-plan"')[1][:400],
      "3.12.2 rule: html names 3.1.8")
rc, ar, _ = fmt(ex, "oscal-ar")
res = json.loads(ar)["assessment-results"]["results"][0]
find = [f for f in res["findings"] if f["title"].startswith("3.12.2 ")]
props = {p["name"]: p["value"] for p in res.get("props", [])}
check(len(find) == 1 and "5(g)(iii)" in find[0]["description"]
      and "3.1.8" in find[0]["description"], "3.12.2 rule: OSCAL AR finding says why")
fprops = {p["name"]: p["value"] for p in find[0]["props"]} if find else {}
check(fprops.get("requirement-status") == "not-met" and fprops.get("sprs-points-lost") == "3",
      "3.12.2 rule: OSCAL AR finding not-met, 3 points")
check(props.get("sprs-score") == "106", "3.12.2 rule: OSCAL AR score 106")
rc, ssp, _ = fmt(ex, "oscal-ssp")
check(rc == 0 and "5(g)(iii)" in ssp, "3.12.2 rule: OSCAL SSP 3.12.2 remarks say why")
# with a POA&M item for 3.1.8: 109, 3.12.2 met
planned = r2_file("planned.json", unmet={"3.1.8": "not-met"},
                  poam=[item("3.1.8", "2027-01-31")])
j = json.loads(fmt(planned, "json")[1])
check(j["score"]["sprs"] == 109 and not j["plan_of_action"]["scored_not_implemented"],
      "3.12.2 rule: a POA&M item for 3.1.8 keeps 3.12.2 (109)")

# ---- CMMC Level 2: status date, close-out (32 CFR 170.21(b): close-out within 180 days of
# the conditional status date), expiry, and a plan after the close-out as a warning
cond = r2_file("cond.json", unmet={"3.1.3": "not-met"}, poam=[item("3.1.3", "2027-05-02")])
j = json.loads(fmt(cond, "json")[1])
c2 = j["cmmc_level2"]
check(c2["status"] == "conditional" and c2["status_date"] == "2026-11-02"
      and c2["closeout_by"] == "2027-05-01", "level 2: conditional, status date, +180 days")
check(any("2027-05-02" in w and "170.21(b)" in w for w in j["warnings"])
      and not any("2027-05-02" in r for r in c2["reasons"]),
      "level 2: an item due on day 181 is a warning, not a reason")
text = fmt(cond, "text")[1]
check("CMMC Level 2 (self): conditional  status date 2026-11-02, close-out by 2027-05-01"
      in text, "level 2: text shows the status date and close-out")
# the day of the close-out: still conditional; the day after: expired, in every format
j = json.loads(fmt(cond, "json", "2027-05-01")[1])
check(j["cmmc_level2"]["status"] == "conditional", "level 2: on day 180 still conditional")
j = json.loads(fmt(cond, "json", "2027-05-02")[1])
check(j["cmmc_level2"]["status"] == "conditional-expired"
      and j["cmmc_level2"]["eligible"] is False, "level 2: on day 181 conditional-expired")
text = fmt(cond, "text", "2027-05-02")[1]
check("CMMC Level 2 (self): conditional-expired" in text, "level 2: text says expired")
html = fmt(cond, "html", "2027-05-02")[1]
check("Conditional (expired)" in html, "level 2: html says expired")
ar = json.loads(fmt(cond, "oscal-ar", "2027-05-02")[1])
props = {p["name"]: p["value"] for p in ar["assessment-results"]["results"][0]["props"]}
check(props.get("cmmc-level-2-status") == "conditional-expired", "level 2: OSCAL says expired")
# no dates.posted: the status date is today (SOURCE_DATE_EPOCH)
nopost = r2_file("nopost.json", unmet={"3.1.3": "not-met"}, poam=[item("3.1.3", "2027-01-31")],
                 posted=None)
j = json.loads(fmt(nopost, "json", "2026-12-01")[1])
check(j["cmmc_level2"]["status_date"] == "2026-12-01"
      and j["cmmc_level2"]["closeout_by"] == "2027-05-30", "level 2: no posted date: today")

# ---- CMMC Level 1 (32 CFR 170.21(a)(1): "A POA&M is not permitted at any time for Level 1
# self-assessments"): 3.1.1 (FAR 52.204-21) not met, even with an item: not eligible
l1 = r2_file("l1.json", unmet={"3.1.1": "not-met"}, poam=[item("3.1.1", "2027-01-31")])
j = json.loads(fmt(l1, "json")[1])
check(j["cmmc_level1"]["status"] == "not-eligible"
      and any("3.1.1" in r and "170.21(a)(1)" in r for r in j["cmmc_level1"]["reasons"]),
      "level 1: json not eligible, naming 3.1.1")
check("CMMC Level 1 (self): not eligible" in fmt(l1, "text")[1], "level 1: text")
html = fmt(l1, "html")[1]
check('id="cmmc-level1"' in html and "Not eligible" in html.split('id="cmmc-level1"')[1][:300],
      "level 1: html")
ar = json.loads(fmt(l1, "oscal-ar")[1])
props = {p["name"]: p["value"] for p in ar["assessment-results"]["results"][0]["props"]}
check(props.get("cmmc-level-1-status") == "not-eligible", "level 1: OSCAL")
j = json.loads(fmt(cond, "json")[1])
check(j["cmmc_level1"] == {"status": "final", "reasons": []},
      "level 1: 3.1.3 (not FAR 52.204-21) leaves it final")

# ---- the SPRS record (Methodology Annex B)
rc, out, err = fmt(cond, "sprs")
s = json.loads(out) if rc == 0 else {}
check(s.get("system_security_plan") == {"name": "Enclave SSP", "version": "2.1",
                                        "date": "2026-10-15"}
      and s.get("cage_codes") == ["1ABC2"] and s.get("assessment_date") == "2026-11-02"
      and s.get("score") == 109 and s.get("plan_of_action_completion_date") == "2027-05-02"
      and s.get("assessment_type") == "Basic" and s.get("confidence_level") == "Low",
      "sprs: every Annex B field")
rc, out, err = fmt(cond, "sprs-csv")
rows = list(csv.reader(io.StringIO(out)))
check(rc == 0 and len(rows) == 2 and rows[0][5] == "score" and rows[1] ==
      ["Enclave SSP", "2.1", "2026-10-15", "1ABC2", "2026-11-02", "109", "2027-05-02", "Basic",
       "Low"],
      "sprs-csv: header and one row")
allmet = r2_file("allmet.json")
s = json.loads(fmt(allmet, "sprs")[1])
check(s["score"] == 110 and s["plan_of_action_completion_date"] is None,
      "sprs: 110 has no completion date")
nover = r2_file("nover.json", ssp={"name": "n", "date": "2026-10-15", "cage_codes": ["1ABC2"]})
for f in ("sprs", "sprs-csv"):
    rc, out, err = fmt(nover, f)
    check(rc == 2 and out == "" and
          err.strip() == "mamori: %s: $.ssp.version: missing, needed for the SPRS record" % nover,
          "%s: a missing ssp.version is named, exit 2" % f)
rc, out, err = fmt(os.path.join(SRC, "examples/hokuto/assessment-r3.json"), "sprs")
check(rc == 2 and "Rev 2 only" in err and "2024-O0013" in err, "sprs: Rev 3 refused, saying why")

# ---- Rev 3 next to CMMC: the class deviation note; 03.12.02 reported, not scored
r3 = os.path.join(SRC, "examples/hokuto/assessment-r3.json")
j = json.loads(fmt(r3, "json")[1])
check(j["cmmc_level1"] is None and j["cmmc_level2"] is None
      and "DFARS 252.204-7012" in j["dfars_note"] and "2024-O0013" in j["dfars_note"],
      "rev 3: json carries the class deviation note")
check(j["plan_of_action"]["requirement"] == "03.12.02"
      and j["plan_of_action"]["scored_not_implemented"] is False
      and j["plan_of_action"]["without_plan"], "rev 3: missing plans reported, not scored")
check("2024-O0013" in fmt(r3, "text")[1], "rev 3: text carries the note")
check('id="dfars-note"' in fmt(r3, "html")[1], "rev 3: html carries the note")

# ---- bad input in the new fields
bad = os.path.join(TMP, "bad-posted.json")
with open(bad, "w") as f:
    json.dump({"framework": "800-171r2", "dates": {"posted": "2026-13-45"}}, f)
rc, out, err = fmt(bad, "json")
check(rc == 2 and "$.dates" in err and "posted" in err, "bad dates.posted: exit 2, named")
bad = os.path.join(TMP, "bad-ssp.json")
with open(bad, "w") as f:
    json.dump({"framework": "800-171r2", "ssp": {"name": "n", "cage_codes": 7}}, f)
rc, out, err = fmt(bad, "json")
check(rc == 2 and "$.ssp.cage_codes" in err, "bad ssp.cage_codes: exit 2, named")

print("test_cmmc_cli: %d failure(s)" % fails)
sys.exit(1 if fails else 0)
