"""Docs that run: every shell example in README.md and docs/*.md is run, and the output it
shows is compared with what the real `mamori` prints.

Standard library only. Env (set by CMake): MAMORI (the binary of this build tree),
MM_SOURCE_DIR, MM_TMP.

The marking (an HTML comment on the line before the fence, invisible on GitHub):

    <!-- doc-test: run -->             run the block, compare the output it shows
    <!-- doc-test: run exit=N -->      ... and the block (script form) ends with exit status N
    <!-- doc-test: skip REASON -->     not runnable, with the reason (required)

Every fenced block whose info string is sh, shell, bash or console, and every block with no
info string that has a line starting like a command ("$ ", "mamori ", "curl ", "make ",
"jq ", "sh ", "python3 ", "node ", "./", "export "), must carry one of these marks, or this test fails: a new
example cannot escape unnoticed.

Two forms of block:
- transcript: lines starting "$ " are commands (a line ending in "\\" continues on the next);
  the lines after a command, up to the next "$ ", are its output (stdout and stderr as a
  terminal shows them), compared exactly, except that a line "..." stands for any number of
  lines and "..." inside a line for any characters. A "# comment" after a command is a
  comment of the shell. Each command must exit 0, or N when its comment says "exit N".
- script: no "$ " line: the block is run as it stands with `sh -e` and must exit 0 (or N).

How a block runs (the same for all, so a reader can reproduce it):
- the blocks of one document run in order in one fresh temporary folder (no database yet;
  what an earlier block writes, a later one may use, as a reader following the page would),
  each block in its own `sh` process and process group; whatever it leaves running (a
  server started with `&`) is stopped by its group id when the block ends;
- the folder holds `examples` and `tests` (links into the source tree, so paths such as
  examples/hokuto/assessment-r2.json work as from a clone) and the files of
  tests/docs/files/: assessment.json (a copy of examples/hokuto/assessment-r3.json), an
  ODP profile as my-authority.json and authority-profile.json (the example profile of
  docs/assessment-format.md section 5), and two stand-in evidence files, firewall.txt and
  policy.pdf (text: evidence is only hashed);
- `mamori` on PATH is the binary under test; SOURCE_DATE_EPOCH=1773028800
  (2026-03-09T04:00:00Z), NO_COLOR=1, MAMORI_NO_PROGRESS=1, TZ=UTC, LC_ALL=C.UTF-8;
- the one substitution: "127.0.0.1:8171" and ":8171/" become a free port, so a server the
  example starts cannot collide with anything else on the machine.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

MAMORI = os.environ.get("MAMORI", "")
SRC = os.environ.get("MM_SOURCE_DIR", "")
TMP = os.environ.get("MM_TMP", "")

SHELL_INFO = {"sh", "shell", "bash", "console"}
MARK = re.compile(r"^<!--\s*doc-test:\s*(run|skip)\b(.*?)-->\s*$")
EPOCH = "1773028800"
DELIM = "@@doc-test-cmd@@"

failures = []
counts = {"run": 0, "compared": 0, "skip": 0, "commands": 0, "outputs": 0}


def fail(where, msg):
    failures.append("%s: %s" % (where, msg))
    print("FAIL %s: %s" % (where, msg))


def blocks(path):
    """Yields (line number, info, mark or None, mark args, body lines) of each fence."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)(```+|~~~+)(.*)$", lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group(1), m.group(2), m.group(3).strip()
        start = i
        mark = args = None
        if start > 0:
            mm = MARK.match(lines[start - 1].strip())
            if mm:
                mark, args = mm.group(1), mm.group(2).strip()
        body = []
        i += 1
        while i < len(lines) and not re.match(r"^\s*" + re.escape(fence) + r"\s*$", lines[i]):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        yield start + 1, info.split()[0] if info else "", mark, args, body


# an unlabelled block with a line that starts like a command is a shell block too
COMMAND = re.compile(r"^(\$ |mamori |curl |make |jq |sh |python3 |node |\./|export )")


def is_shell(info, body):
    return info in SHELL_INFO or (info == "" and any(COMMAND.match(line) for line in body))


def parse_transcript(body):
    """[(command text, [expected output lines])]"""
    out = []
    i = 0
    while i < len(body):
        line = body[i]
        if line.startswith("$ "):
            cmd = [line[2:]]
            while cmd[-1].endswith("\\") and i + 1 < len(body):
                i += 1
                cmd.append(body[i])
            out.append(["\n".join(cmd), []])
        elif out:
            out[-1][1].append(line)
        i += 1
    for o in out:
        while o[1] and o[1][-1] == "":
            o[1].pop()
    return out


def line_matches(pattern, text):
    if "..." not in pattern:
        return pattern == text
    rx = ".*".join(re.escape(p) for p in pattern.split("..."))
    return re.fullmatch(rx, text, re.S) is not None


def output_matches(expected, actual):
    """expected lines with "..." (a whole line: any number of lines) against actual lines"""
    memo = {}

    def m(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(expected):
            r = j == len(actual)
        elif expected[i] == "...":
            r = any(m(i + 1, k) for k in range(j, len(actual) + 1))
        else:
            r = j < len(actual) and line_matches(expected[i], actual[j]) and m(i + 1, j + 1)
        memo[key] = r
        return r

    return m(0, 0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_shell(script, cwd, env):
    """Runs `sh -e`-less script in its own process group; returns (status, output)."""
    out_path = os.path.join(cwd, ".doc-test.out")
    with open(out_path, "wb") as out:
        p = subprocess.Popen(["sh", "-c", script], cwd=cwd, env=env, stdout=out,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        try:
            status = p.wait(timeout=300)
        except subprocess.TimeoutExpired:
            status = "timeout"
        finally:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    with open(out_path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    os.unlink(out_path)
    return status, text


def substitute(text, port):
    return text.replace("127.0.0.1:8171", "127.0.0.1:%d" % port).replace(
        ":8171/", ":%d/" % port)


def run_block(where, body, args, cwd, env):
    port = free_port()
    transcript = any(line.startswith("$ ") for line in body)
    want_exit = 0
    m = re.search(r"\bexit=(\d+)", args or "")
    if m:
        want_exit = int(m.group(1))
    counts["run"] += 1
    if not transcript:
        counts["commands"] += 1
        status, text = run_shell("set -e\n" + substitute("\n".join(body), port), cwd, env)
        if status != want_exit:
            fail(where, "exit %s, expected %d; output:\n%s" % (status, want_exit, text))
        return
    steps = parse_transcript(body)
    script = []
    for k, (cmd, _) in enumerate(steps):
        # a newline first: an output that does not end in one (curl's JSON) stays apart;
        # $? there is the exit status of the command before
        script.append("printf '\\n%s %d %%d\\n' $?" % (DELIM, k))
        script.append(substitute(cmd, port))
    script.append("printf '\\n%s %d %%d\\n' $?" % (DELIM, len(steps)))
    status, text = run_shell("\n".join(script) + "\n", cwd, env)
    parts = re.split(r"\n" + re.escape(DELIM) + r" (\d+) (\d+)\n", "\n" + text)
    got = {int(parts[n]): parts[n + 2] for n in range(1, len(parts) - 2, 3)}
    rcs = {int(parts[n]) - 1: int(parts[n + 1]) for n in range(1, len(parts) - 2, 3)}
    compared = False
    for k, (cmd, expected) in enumerate(steps):
        counts["commands"] += 1
        if k not in got:
            fail(where, "command %r never ran (the block stopped: %s)" % (cmd, status))
            continue
        m = re.search(r"#.*\bexit (\d+)\b[^\n]*$", cmd)
        want = int(m.group(1)) if m else 0
        if rcs.get(k) != want:
            fail(where, "command %r exited %s, expected %d" % (cmd, rcs.get(k), want))
        actual = got[k].split("\n")
        while actual and actual[-1] == "":
            actual.pop()
        if not expected:
            continue
        compared = True
        counts["outputs"] += 1
        if not output_matches(expected, actual):
            fail(where, "output of %r differs.\n--- shown\n%s\n--- got\n%s" %
                 (cmd, "\n".join(expected), "\n".join(actual)))
    if compared:
        counts["compared"] += 1


def main():
    for v in ("MAMORI", "MM_SOURCE_DIR", "MM_TMP"):
        if not os.environ.get(v):
            sys.exit("needs the environment variable " + v)
    shutil.rmtree(TMP, ignore_errors=True)
    os.makedirs(TMP)
    bindir = os.path.join(TMP, "bin")
    os.makedirs(bindir)
    os.symlink(os.path.abspath(MAMORI), os.path.join(bindir, "mamori"))
    env = dict(os.environ)
    env.update(PATH=bindir + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
               SOURCE_DATE_EPOCH=EPOCH, NO_COLOR="1", MAMORI_NO_PROGRESS="1", TZ="UTC",
               LC_ALL="C.UTF-8")
    for k in ("MAMORI_TOKEN", "MAMORI_CONTENT", "TERM"):
        env.pop(k, None)
    docs = ["README.md"] + sorted("docs/" + f for f in os.listdir(os.path.join(SRC, "docs"))
                                  if f.endswith(".md"))
    for doc in docs:
        cwd = tempfile.mkdtemp(prefix=doc.replace("/", "_") + ".", dir=TMP)
        os.symlink(os.path.join(SRC, "examples"), os.path.join(cwd, "examples"))
        os.symlink(os.path.join(SRC, "tests"), os.path.join(cwd, "tests"))
        files = os.path.join(SRC, "tests", "docs", "files")
        for f in sorted(os.listdir(files)):
            shutil.copy(os.path.join(files, f), cwd)
        for line, info, mark, args, body in blocks(os.path.join(SRC, doc)):
            where = "%s:%d" % (doc, line)
            if not is_shell(info, body):
                if mark:
                    fail(where, "a doc-test mark on a block that is no shell block")
                continue
            if mark is None:
                fail(where, "shell block without a mark: put <!-- doc-test: run --> or "
                     "<!-- doc-test: skip REASON --> on the line before the fence")
            elif mark == "skip":
                counts["skip"] += 1
                if not args:
                    fail(where, "doc-test: skip needs a reason")
                else:
                    print("skip %s: %s" % (where, args))
            else:
                run_block(where, body, args, cwd, env)
                print("ran  %s" % where)
    print("%(run)d blocks run (%(commands)d commands), %(compared)d with their output "
          "compared (%(outputs)d outputs), %(skip)d marked not runnable" % counts)
    if failures:
        print("%d failures" % len(failures))
        sys.exit(1)
    print("all docs blocks ok")


if __name__ == "__main__":
    main()
