"""Japanese output of the command line (src/i18n, content/i18n): the catalog has every key in
both languages; LANG=ja_JP.UTF-8 (or --lang ja) gives Japanese headings and labels in the HTML
and text reports, <html lang="ja"> with NIST's English text marked lang="en", and a Japanese
`mamori --help`; LANG=C, en_US and an unknown language give exactly the English of before (the
golden files); LC_ALL, then LC_MESSAGES, then LANG decide; make run's summary follows.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

MAMORI = os.environ.get("MAMORI", "")
SRC = os.environ.get("MM_SOURCE_DIR", "")
TMP = os.environ.get("MM_TMP", "")
R3 = "examples/hokuto/assessment-r3.json"
R2 = "examples/hokuto/assessment-r2.json"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
failures = []


def check(ok, what):
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        failures.append(what)


def run(args, **loc):
    """mamori args with only the locale variables given (the others removed)."""
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    env.update({"NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1790000000"}, **loc)
    return subprocess.run([MAMORI] + args, cwd=SRC, env=env, capture_output=True, timeout=300)


def out(args, **loc):
    p = run(args, **loc)
    if p.returncode != 0:
        print(p.stderr.decode(errors="replace"))
    return p.stdout.decode("utf-8")


# ---- the catalog ---------------------------------------------------------------------------

def load(path):
    with open(os.path.join(SRC, path), encoding="utf-8") as f:
        return json.load(f)


def catalog_tests():
    en, ja = load("content/i18n/en.json"), load("content/i18n/ja.json")
    web_en, web_ja = load("content/web/i18n/en.json"), load("content/web/i18n/ja.json")
    # cli.cmd.NAME: the Japanese of a command's one-line help, whose English is the command
    # table in src/cli/main.c (what `mamori completion commands` prints)
    cmds = [l.split("\t")[0] for l in out(["completion", "commands"]).splitlines()
            if l and " " not in l.split("\t")[0]]
    cmd_keys = {"cli.cmd." + c for c in cmds}
    missing_ja = sorted(k for k in en if k not in ja)
    missing_en = sorted(k for k in ja if k not in en and k not in cmd_keys and
                        not k.startswith("cli.help."))
    check(not missing_ja, "every key of content/i18n/en.json is in ja.json; missing: %s"
          % missing_ja)
    check(not missing_en, "every key of content/i18n/ja.json is in en.json (or is a command's "
          "help); missing: %s" % missing_en)
    no_help = sorted(k for k in cmd_keys if k not in ja)
    check(len(cmds) >= 15 and not no_help,
          "every command has its Japanese one-line help; missing: %s" % no_help)
    stale = sorted(k for k in ja if k.startswith("cli.cmd.") and k not in cmd_keys)
    check(not stale, "no Japanese help for a command that does not exist: %s" % stale)
    both_en, both_ja = {**web_en, **en}, {**web_ja, **ja}
    bad = [k for k in en if set(re.findall(r"\{\d\}", en[k])) !=
           set(re.findall(r"\{\d\}", ja.get(k, "")))]
    check(not bad, "each translation has the same {0}..{3} as its English: %s" % bad)
    empty = [k for k in ja if not ja[k].strip()]
    check(not empty, "no empty translation: %s" % empty)

    # every key the C code names, in both languages (the CLI's catalog or the dashboard's)
    used = set()
    for f in ("src/report/text.c", "src/report/html.c", "src/report/html_parts.c",
              "src/cli/main.c", "src/report/json.c", "src/report/report_internal.h",
              "src/check/scan_report.c", "src/cli/cmd_assess.c", "src/cli/cmd_scan.c",
              "src/report/html_compare.c", "src/cli/cmd_crosswalk.c"):
        text = open(os.path.join(SRC, f), encoding="utf-8").read()
        used |= set(re.findall(r'"((?:txt|htm|rpt|cli|scan|col|gap|chart|cmmc|status|requirement)'
                               r'\.[a-z0-9_.-]*[a-z0-9_])"', text))
    # keys the code builds from a prefix and a machine word of the assessment or the scan
    for prefix, words in (("gap.", ("not-met", "partial", "not-assessed")),
                          ("milestone.", ("planned", "in-progress", "completed")),
                          ("cmmc.status.", ("final", "conditional", "conditional-expired",
                                            "not-eligible")),
                          ("txt.poam.", ("open", "closed", "risk-accepted")),
                          ("scan.status.", ("pass", "fail", "error", "not-applicable")),
                          ("htm.cmp.rel.", ("equivalent", "subset", "superset", "intersects",
                                            "no-relationship", "unknown"))):
        used |= {prefix + w for w in words}
    check(len(used) > 100, "the code names the catalog's keys (%d found)" % len(used))
    lacking = sorted(k for k in used if k not in both_en or k not in both_ja)
    check(not lacking, "every key the code uses has English and Japanese; missing: %s" % lacking)


# ---- the reports and --help ------------------------------------------------------------------

class Balance(HTMLParser):
    VOID = {"meta", "br", "rect", "img", "input", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.stack, self.problems, self.en = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
        if ("lang", "en") in attrs:
            self.en += 1

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else ""))
            return
        self.stack.pop()


def html_tests():
    ja3 = out(["assess", R3, "--format", "html"], LANG="ja_JP.UTF-8")
    ja2 = out(["assess", R2, "--format", "html"], LANG="ja_JP.UTF-8")
    for name, page in (("Rev 3", ja3), ("Rev 2", ja2)):
        check(page.startswith('<!DOCTYPE html>\n<html lang="ja">'), name + ": <html lang=\"ja\">")
        p = Balance()
        p.feed(page)
        check(not p.problems and not p.stack, name + ": ja page balanced %s %s"
              % (p.problems[:3], p.stack))
        check(p.en > 10, name + ": English text marked lang=\"en\" (%d)" % p.en)
        heads = re.findall(r"<h2>([^<]*)</h2>", page)
        for h in ("概要", "分野別の要件達成状況", "未達の要件（", "行動計画とマイルストーン（POA&amp;M、"):
            check(any(x.startswith(h) for x in heads), "%s: heading %s in %s" % (name, h, heads))
        check(not any(re.search("[A-Za-z]{4}", x.replace("POA&amp;M", "").replace("ODP", ""))
                      for x in heads), name + ": no English heading " + str(heads))
        check('"Noto Sans CJK JP"' in page and '"Hiragino Sans"' in page,
              name + ": a CJK-capable font stack")
        check('<p class="stmt" lang="en">' in page, name + ": NIST statements marked lang=\"en\"")
        check('<h3 lang="en">' in page, name + ": NIST titles marked lang=\"en\"")
        check('<nav class="toc" aria-label="目次">' in page, name + ": the contents in Japanese")
        check("<dt>評価日</dt><dd>2026年11月2日</dd>" in page, name + ": the date written for ja")
        check("mamori" in page and "から作成しました。" in page and "認証ではありません" in page,
              name + ": the footer in Japanese")
    check('<div class="label">SPRSスコア</div><div class="big">106<span class="of"> / 110' in ja2,
          "Rev 2: the SPRS score card in Japanese with the same score")
    check('<div class="big word">条件付き</div>' in ja2, "Rev 2: CMMC Level 2 status in Japanese")
    check('<span class="badge warn">未完了</span>' in ja2 and "<dt>担当</dt>" in ja2 and
          "<th>期限</th><th>マイルストーン</th><th>状況</th><th>完了日</th>" in ja2,
          "Rev 2: POA&M status, field names and milestone columns in Japanese")
    check('<div class="label">要件</div><div class="big">91<span class="of"> / 97' in ja3,
          "Rev 3: the requirements card in Japanese with the same counts")
    check('<span class="badge bad">非充足</span>' in ja3 or
          '<span class="badge warn">未評価</span>' in ja3, "Rev 3: determinations in Japanese")
    check('<p class="note" id="dfars-note">DFARS 252.204-7012 の契約は' in ja3,
          "Rev 3: the DFARS note in Japanese")

    # English: the default, and the same bytes whatever non-Japanese locale
    en3 = out(["assess", R3, "--format", "html"])
    check(en3.startswith('<!DOCTYPE html>\n<html lang="en">') and "<h2>Summary</h2>" in en3
          and 'lang="en"' not in en3[40:], "no locale: the English report, no lang=\"en\" spans")
    for loc in ({"LANG": "C"}, {"LANG": "en_US.UTF-8"}, {"LANG": "fr_FR.UTF-8"},
                {"LANG": "japanese"}, {"LANG": "jam"}, {"LC_ALL": "C", "LANG": "ja_JP.UTF-8"},
                {"LC_ALL": "C.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}):
        check(out(["assess", R3, "--format", "html"], **loc) == en3,
              "%s: exactly the English report" % loc)
    check(out(["assess", R3, "--format", "html", "--lang", "en"], LANG="ja_JP.UTF-8") == en3,
          "--lang en overrides LANG=ja_JP.UTF-8")
    for loc in ({"LC_ALL": "ja_JP.UTF-8", "LANG": "C"},
                {"LC_ALL": "", "LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"},
                {"LANG": "ja"}, {"LANG": "ja_JP.eucJP"}):
        check(out(["assess", R3, "--format", "html"], **loc) == ja3, "%s: Japanese" % loc)
    check(out(["assess", R3, "--format", "html", "--lang", "ja"], LANG="C") == ja3,
          "--lang ja with LANG=C: Japanese")
    p = run(["assess", R3, "--lang", "fr"])
    check(p.returncode == 2 and b"--lang fr: expected en or ja" in p.stderr,
          "--lang fr: exit 2 naming the option")
    check(out(["assess", R3, "--format", "json"], LANG="ja_JP.UTF-8") ==
          out(["assess", R3, "--format", "json"]), "JSON stays the same in Japanese")


def text_tests():
    for case in ("hokuto/assessment-r3", "hokuto/assessment-r2", "short-r2"):
        golden = open(os.path.join(SRC, "tests/fixtures/golden",
                                   case.replace("/", "-") + ".text"), encoding="utf-8").read()
        for loc in ({}, {"LANG": "C"}, {"LANG": "en_US.UTF-8"}, {"LANG": "de_DE.UTF-8"}):
            check(out(["assess", "examples/%s.json" % case], **loc) == golden,
                  "%s text %s: the golden English" % (case, loc))
    t3 = out(["assess", R3], LANG="ja_JP.UTF-8")
    t2 = out(["assess", R2], LANG="ja_JP.UTF-8")
    r2 = json.loads(out(["assess", R2, "--format", "json"]))
    check(t3.startswith("Hokuto Precision Engineering K.K. の NIST SP 800-171 Rev 3 評価\n"),
          "text: the title in Japanese")
    check(re.search(r"^達成した要件: 91 / 97", t3, re.M) is not None and
          re.search(r"^達成した評価目標: 406 / 422", t3, re.M) is not None,
          "text: requirements and objectives met in Japanese, same counts")
    check("\n分野別\n" in t3 and "評価目標" in t3 and "Access Control" in t3,
          "text: families in Japanese, NIST family titles in English")
    check(re.search(r"^SPRSスコア: %d / 110" % r2["score"]["sprs"], t2, re.M) is not None,
          "text: the SPRS score in Japanese")
    check("CMMC レベル2（自己評価）: 条件付き" in t2 and "2027年5月1日" in t2,
          "text: CMMC status and close-out date in Japanese")
    check(re.search(r"^  POAM-1 +3\.1\.8 +未完了 ", t2, re.M) is not None and "予定" in t2,
          "text: POA&M and milestone statuses in Japanese")


def help_tests():
    en = out(["--help"])
    check(en.startswith("usage: mamori <command> [options]\n"), "--help: English by default")
    for loc in ({"LANG": "C"}, {"LANG": "en_US.UTF-8"}, {"LANG": "xx_YY"}):
        check(out(["--help"], **loc) == en, "--help %s: the English" % loc)
    ja = out(["--help"], LANG="ja_JP.UTF-8")
    check(ja.startswith("使い方: mamori <コマンド> [オプション]\n"), "--help: Japanese usage line")
    rows = re.findall(r"^  (\S+) +(.*)$", ja, re.M)
    en_rows = re.findall(r"^  (\S+) +(.*)$", en, re.M)
    check([r[0] for r in rows] == [r[0] for r in en_rows] and len(rows) >= 15,
          "--help: the same commands in both languages")
    check(all(re.search("[\u3040-\u30ff\u4e00-\u9fff]", h) for _, h in rows),
          "--help: every command's one-line help in Japanese")
    check("'mamori <コマンド> --help'" in ja, "--help: the closing line in Japanese")
    assess = out(["assess", "--help"], LANG="ja_JP.UTF-8")
    check("--lang en|ja" in assess, "assess --help documents --lang")

    # a command's whole --help (cli.help.WORDS, Japanese only: the English is the command's
    # usage text): Japanese under a Japanese locale, every option and usage word kept; the
    # English the same bytes under any other locale, and on stderr after a usage error too
    ja_cat = load("content/i18n/ja.json")
    translated = {"cli.help.assess": ["assess"], "cli.help.scan": ["scan"],
                  "cli.help.sign": ["sign"], "cli.help.verify": ["verify"],
                  "cli.help.keygen": ["keygen"], "cli.help.submit": ["submit"],
                  "cli.help.affirm": ["affirm"], "cli.help.receipt.verify": ["receipt"],
                  "cli.help.crosswalk": ["crosswalk"]}
    stale = sorted(k for k in ja_cat if k.startswith("cli.help.") and k not in translated)
    check(not stale, "every cli.help key is a translated command's (tested here): %s" % stale)
    for key, cmd in translated.items():
        en_h = out(cmd + ["--help"], LANG="C")
        check(en_h.startswith("usage: mamori " + cmd[0]) and
              out(cmd + ["--help"], LANG="en_US.UTF-8") == en_h and out(cmd + ["--help"]) == en_h,
              "%s --help: English outside a Japanese locale" % cmd[0])
        ja_h = out(cmd + ["--help"], LANG="ja_JP.UTF-8")
        check(ja_h == ja_cat.get(key) and ja_h.startswith("使い方: mamori " + cmd[0]),
              "%s --help: the Japanese of %s" % (cmd[0], key))
        lines = [l for l in ja_h.split("\n")[1:] if l.strip()]
        check(sum(bool(re.search("[\u3040-\u30ff\u4e00-\u9fff]", l)) for l in lines) >=
              len(lines) // 2, "%s --help: mostly Japanese" % cmd[0])
        opts = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", en_h))
        missing = sorted(o for o in opts if o not in ja_h)
        check(len(opts) >= 2 and not missing, "%s --help in Japanese keeps every option: %s"
              % (cmd[0], missing))
        en_usage = en_h.split("\n\n")[0].split("\n")
        ja_usage = ja_h.split("\n\n")[0].split("\n")
        check([l.strip() for l in ja_usage[1:]] == [l.strip() for l in en_usage[1:]] and
              ja_usage[0][len("使い方: "):] == en_usage[0][len("usage: "):],
              "%s --help in Japanese: the usage lines as in English" % cmd[0])
    p = run(["scan", "--no-such-option"], LANG="ja_JP.UTF-8")
    check(p.returncode == 2 and "使い方: mamori scan" in p.stderr.decode(),
          "a usage error prints the Japanese usage on stderr")
    check(out(["admin", "--help"], LANG="ja_JP.UTF-8") == out(["admin", "--help"], LANG="C"),
          "a command without a translation keeps its English --help")


def error_tests():
    cases = [(["assess"], "assess needs an assessment file", "assess には評価ファイルが必要です"),
             (["assess", "examples/short-r2.json", "--framework", "800-171r3"],
              "examples/short-r2.json: $.framework: the file is for 800-171r2 but --framework "
              "asks for 800-171r3",
              "examples/short-r2.json: $.framework: ファイルは 800-171r2 用ですが、"
              "--framework は 800-171r3 を指定しています"),
             (["scan", "--jobs", "99"], "--jobs must be a number from 1 to 64, not '99'",
              "--jobs には 1〜64 の数を指定してください（'99' は使えません）")]
    for args, en, ja in cases:
        for loc in ({}, {"LANG": "C"}, {"LANG": "pt_BR.UTF-8"}):
            p = run(args, **loc)
            check(p.returncode == 2 and p.stderr.decode().startswith("mamori: " + en + "\n"),
                  "%s %s: the English message" % (" ".join(args), loc))
        p = run(args, LANG="ja_JP.UTF-8")
        check(p.returncode == 2 and p.stderr.decode().startswith("mamori: " + ja + "\n"),
              "%s: the Japanese message, where first" % " ".join(args))


def lang_option_tests():
    """--lang is the language of the command's own messages and --help, not only its reports."""
    cases = [(["assess", "examples/short-r2.json", "--framework", "800-171r3"],
              "examples/short-r2.json: $.framework: the file is for 800-171r2 but --framework "
              "asks for 800-171r3",
              "examples/short-r2.json: $.framework: ファイルは 800-171r2 用ですが、"
              "--framework は 800-171r3 を指定しています"),
             (["assess"], "assess needs an assessment file", "assess には評価ファイルが必要です"),
             (["scan", "--jobs", "99"], "--jobs must be a number from 1 to 64, not '99'",
              "--jobs には 1〜64 の数を指定してください（'99' は使えません）")]
    for args, en, ja in cases:
        p = run(args + ["--lang", "ja"], LANG="C")
        check(p.returncode == 2 and p.stderr.decode().startswith("mamori: " + ja + "\n"),
              "%s --lang ja (LANG=C): the Japanese message" % " ".join(args))
        p = run(args + ["--lang", "en"], LANG="ja_JP.UTF-8")
        check(p.returncode == 2 and p.stderr.decode().startswith("mamori: " + en + "\n"),
              "%s --lang en (LANG=ja): the English message" % " ".join(args))
    for cmd in ("assess", "scan", "crosswalk"):
        check(out([cmd, "--help", "--lang", "ja"], LANG="C") ==
              out([cmd, "--help"], LANG="ja_JP.UTF-8"), cmd + " --help --lang ja: the Japanese")
        check(out([cmd, "--help", "--lang", "en"], LANG="ja_JP.UTF-8") ==
              out([cmd, "--help"], LANG="C"), cmd + " --help --lang en: the English")
    p = run(["assess", "--lang", "fr", "examples/short-r2.json"], LANG="ja_JP.UTF-8")
    check(p.returncode == 2 and p.stderr.decode().startswith("mamori: --lang fr: en または ja"),
          "an unknown --lang: the message in the environment's language")


def scan_tests():
    root = "tests/fixtures/roots/debian-hardened"
    def ms(t):  # the time a scan takes and its start differ from run to run
        return re.sub(r"\d+ ms", "N ms", re.sub(r"Started [^,]*", "Started T", t))
    en_t, en_h = out(["scan", "--root", root]), out(["scan", "--root", root, "--format", "html"])
    check(en_t.startswith("mamori scan of ") and '<html lang="en">' in en_h,
          "scan: English by default")
    for loc in ({"LANG": "C"}, {"LANG": "en_US.UTF-8"}, {"LANG": "it_IT.UTF-8"}):
        check(ms(out(["scan", "--root", root], **loc)) == ms(en_t) and
              ms(out(["scan", "--root", root, "--format", "html"], **loc)) == ms(en_h),
              "scan %s: the English text and HTML" % loc)
    ja_t = out(["scan", "--root", root], LANG="ja_JP.UTF-8")
    ja_h = out(["scan", "--root", root, "--format", "html"], LANG="ja_JP.UTF-8")
    check(re.search(r"^  \d+ルール、\d+ ms: 合格 \d+、不合格 \d+、エラー \d+、該当なし \d+$", ja_t,
                    re.M) is not None, "scan text: the counts in Japanese")
    check(ja_h.startswith('<!DOCTYPE html>\n<html lang="ja">') and "<h1>mamori スキャン: " in ja_h
          and "<th>状況</th><th>ルール</th>" in ja_h, "scan html: Japanese page and headings")
    check('<strong lang="en">' in ja_h, "scan html: the rules' English titles marked lang=\"en\"")
    p = Balance()
    p.feed(ja_h)
    check(not p.problems and not p.stack, "scan html in Japanese balanced")


def compare_tests():
    """mamori crosswalk A B --format html (and the dashboard's /frameworks): the page's words in
    Japanese, the frameworks' own words as published and marked with their language."""
    args = ["crosswalk", "800-171r2", "800-171r3", "--format", "html"]
    en = out(args)
    check(en.startswith('<!DOCTYPE html>\n<html lang="en">') and
          "<h1>800-171r2 and 800-171r3 side by side</h1>" in en and
          "<th>Criterion</th><th>Title and text</th><th>Published relation</th>" in en and
          "lang=" not in en.split("</head>")[1], "crosswalk html: English by default, unmarked")
    for loc in ({"LANG": "C"}, {"LANG": "en_US.UTF-8"}):
        check(out(args, **loc) == en, "crosswalk html %s: the English" % loc)
    check(out(args + ["--lang", "en"], LANG="ja_JP.UTF-8") == en, "crosswalk --lang en: English")
    ja = out(args, LANG="ja_JP.UTF-8")
    check(out(args + ["--lang", "ja"], LANG="C") == ja, "crosswalk --lang ja: as LANG=ja")
    check(ja.startswith('<!DOCTYPE html>\n<html lang="ja">') and
          "<h1>800-171r2 と 800-171r3 の対照</h1>" in ja and
          "<th>項目</th><th>タイトルと本文</th><th>公表された対応関係</th>" in ja,
          "crosswalk html: Japanese page, title and headings")
    heads = re.findall(r"<h2>([^<]*)</h2>", ja)
    check(len(heads) == 3 and all(re.search("[\u3040-\u30ff\u4e00-\u9fff]", h) for h in heads),
          "crosswalk html: every heading in Japanese %s" % heads)
    check('<td class="rel">交差<div class="src">出典: <span lang="en">NIST SP 800-171' in ja,
          "crosswalk html: the relation in Japanese, the citation English and marked")
    check("<span lang=\"en\">Limit system access to authorized users, processes acting on "
          "behalf of authorized users, and devices" in ja, "crosswalk html: NIST text English, "
          "marked lang=\"en\"")
    p = Balance()
    p.feed(ja)
    check(not p.problems and not p.stack and p.en > 100, "crosswalk html in Japanese balanced")
    # JC-STAR's Japanese text: marked lang="ja" on the English page, unmarked on the Japanese
    jc = ["crosswalk", "jc-star-star1", "uk-psti", "--format", "html"]
    check('<span lang="ja">IP通信を介した' in out(jc) and
          "<br>IP通信を介した" in out(jc, LANG="ja_JP.UTF-8"),
          "crosswalk html: a criterion's own language (text-language) marked where it differs")


def summary_tests():
    shutil.rmtree(TMP, ignore_errors=True)
    os.makedirs(TMP)
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    env["LANG"] = "ja_JP.UTF-8"
    p = subprocess.run(["sh", "scripts/run-summary.sh", MAMORI, TMP + "/out", R3, R2], cwd=SRC,
                       env=env, capture_output=True, timeout=600)
    s = p.stdout.decode("utf-8")
    print(s)
    check(p.returncode == 0 and p.stderr == b"", "run-summary.sh in Japanese exits 0, quiet")
    res3 = json.load(open(os.path.join(TMP, "out", "result.json")))
    check(s.startswith("mamori run: 例の組織 Hokuto Precision Engineering K.K.\n"),
          "summary: the organization named from the Japanese report")
    check(("達成した要件: %d / %d" % (res3["requirements_met"], res3["requirements_total"])) in s,
          "summary: Rev 3 requirements met as result.json has them")
    check(re.search(r"^  SPRSスコア: -?\d+ / 110", s, re.M) is not None and
          re.search(r"^  CMMC レベル2（自己評価）: \S", s, re.M) is not None,
          "summary: SPRS and CMMC lines taken from the Japanese report")
    check(len(s.splitlines()) <= 40, "summary: at most 40 lines")


def main():
    for v in ("MAMORI", "MM_SOURCE_DIR", "MM_TMP"):
        if not os.environ.get(v):
            sys.exit("needs the environment variable " + v)
    catalog_tests()
    html_tests()
    compare_tests()
    lang_option_tests()
    text_tests()
    help_tests()
    error_tests()
    scan_tests()
    summary_tests()
    if failures:
        sys.exit("%d failures" % len(failures))
    print("test_i18n ok")


if __name__ == "__main__":
    main()
