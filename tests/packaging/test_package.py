#!/usr/bin/env python3
"""The Debian package, built with Debian's tools and installed into a clean root.

1. dpkg-buildpackage -b builds mamori_*.deb from a copy of the source tree (the files git
   knows, so nothing of a local build leaks in) in MM_TMP; lintian finds no error or warning
   (the one override in debian/mamori.lintian-overrides says why).
2. The package is unpacked with `dpkg -x` into an empty folder (no debootstrap: it would fetch
   a whole Debian from the network on every run); everything below runs from that root.
3. `mamori version` and `mamori assess` on the example the package ships.
4. The service: the unit's ExecStart line, run by hand (systemd cannot run here) with the
   unit's environment and a configuration of the test's, sends READY=1 to NOTIFY_SOCKET
   (Type=notify), answers /readyz, and stops on SIGTERM with STOPPING=1; the maintainer
   scripts create the mamori user (systemd-sysusers) and enable the unit.
5. `man -l` and `man mamori-assess` (MANPATH in the root) show the installed pages.
6. bash completion: sourcing the installed file defines `complete -F _mamori mamori`, and
   completing `mamori admin mi` gives `migrate`, `mamori receipt verify --s` the options;
   the zsh function parses (zsh -n).
7. systemd-analyze security --offline=true on the installed unit: exposure under 2.0.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import mmserver as mm  # noqa: E402


def sh(args, timeout=120, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)


def main():
    tmp = mm.fresh_tmp()
    c = mm.Checker()
    src = os.path.join(tmp, "src")
    os.makedirs(src)
    files = sh(["git", "-C", mm.SRC, "ls-files", "-co", "--exclude-standard", "-z"]).stdout
    names = [n for n in files.split("\0") if n and os.path.lexists(os.path.join(mm.SRC, n))
             and not re.match(r"(build[^/]*|node_modules|out)/", n)]
    for n in names:
        dst = os.path.join(src, n)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        s = os.path.join(mm.SRC, n)
        if os.path.islink(s):
            os.symlink(os.readlink(s), dst)
        else:
            shutil.copy2(s, dst)

    # 1. build and lint
    t0 = time.time()
    env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=2")
    for v in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "MAKEFLAGS", "MFLAGS"):
        env.pop(v, None)
    b = sh(["dpkg-buildpackage", "-b", "-uc", "-us"], timeout=600, cwd=src, env=env)
    debs = [f for f in os.listdir(tmp) if re.match(r"mamori_.*_.*\.deb$", f)]
    if not c.check(b.returncode == 0 and len(debs) == 1, "dpkg-buildpackage -b builds the .deb",
                   mm.short(b.stdout[-1500:] + b.stderr[-1500:], 3000)):
        c.finish()
    print("build: %.0f s" % (time.time() - t0))
    deb = os.path.join(tmp, debs[0])
    changes = [f for f in os.listdir(tmp) if f.endswith(".changes")][0]
    lint = sh(["lintian", "--pedantic", os.path.join(tmp, changes)], timeout=300)
    tags = [ln for ln in lint.stdout.splitlines() if re.match(r"[EW]: ", ln)]
    c.check(not tags, "lintian: no error or warning", "\n".join(tags))

    # 2. a clean root
    root = os.path.join(tmp, "root")
    os.makedirs(root)
    x = sh(["dpkg-deb", "-x", deb, root])
    c.check(x.returncode == 0, "dpkg -x into an empty root", x.stderr)
    mamori = os.path.join(root, "usr", "bin", "mamori")
    for rel in ("usr/bin/mamori", "usr/share/man/man1/mamori.1.gz",
                "usr/share/man/man1/mamori-assess.1.gz", "usr/share/man/man1/mamori-serve.1.gz",
                "usr/share/bash-completion/completions/mamori",
                "usr/share/zsh/vendor-completions/_mamori", "lib/systemd/system/mamori.service",
                "usr/lib/sysusers.d/mamori.conf", "etc/mamori/mamori.json",
                "usr/share/doc/mamori/operations.md.gz", "usr/share/doc/mamori/copyright"):
        c.check(os.path.exists(os.path.join(root, rel)), "installed: /" + rel)
    ctrl = os.path.join(tmp, "control")
    sh(["dpkg-deb", "-e", deb, ctrl])
    with open(os.path.join(ctrl, "conffiles")) as f:
        c.check("/etc/mamori/mamori.json" in f.read().split(), "the configuration is a conffile")
    with open(os.path.join(ctrl, "postinst")) as f:
        post = f.read()
    c.check("systemd-sysusers" in post and "mamori.conf" in post,
            "postinst creates the mamori user (systemd-sysusers)")
    c.check("deb-systemd-helper" in post and "mamori.service" in post, "postinst enables the unit")

    # 3. the command
    v = sh([mamori, "version"])
    c.check(v.returncode == 0 and v.stdout.startswith("mamori "), "mamori version", v.stdout)
    example = os.path.join(root, "usr/share/doc/mamori/examples/hokuto/assessment-r3.json")
    a = sh([mamori, "assess", example, "--format", "json"])
    ok = a.returncode == 0
    try:
        score = json.loads(a.stdout)
    except ValueError:
        score, ok = None, False
    c.check(ok and isinstance(score, dict), "mamori assess on the shipped example",
            mm.short(a.stderr))

    # 4. the service: ExecStart of the unit by hand
    with open(os.path.join(root, "lib/systemd/system/mamori.service")) as f:
        unit = f.read()
    exec_start = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1).split()
    unit_env = dict(re.findall(r"^Environment=(\w+)=(.*)$", unit, re.M))
    c.check(re.search(r"^Type=notify$", unit, re.M) is not None, "the unit is Type=notify")
    c.check(exec_start[0] == "/usr/bin/mamori" and exec_start[1] == "serve",
            "ExecStart runs /usr/bin/mamori serve", " ".join(exec_start))
    state = os.path.join(tmp, "state")
    os.makedirs(state)
    config = os.path.join(tmp, "mamori.json")
    with open(os.path.join(root, "etc/mamori/mamori.json")) as f:
        cfg = json.load(f)
    c.check(cfg.get("db", "").startswith("/var/lib/mamori/"),
            "the example configuration keeps the database in the state directory")
    cfg["db"] = mm.db_url(os.path.join(state, "mamori.db"))
    cfg["listen"] = "127.0.0.1:0"
    with open(config, "w") as f:
        json.dump(cfg, f)
    argv = [mamori] + ["--config" if a_ == "--config" else a_ for a_ in exec_start[1:]]
    argv[argv.index("--config") + 1] = config
    npath = os.path.join(tmp, "notify")
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(npath)
    ns.settimeout(60)
    log_path = os.path.join(tmp, "serve.log")
    senv = dict(os.environ, NOTIFY_SOCKET=npath, **unit_env)
    with open(log_path, "wb") as log:
        p = subprocess.Popen(argv, stderr=log, env=senv, cwd=state)
    try:
        msgs = []
        try:
            while "READY=1" not in msgs:
                msgs += ns.recv(4096).decode().split("\n")
        except socket.timeout:
            pass
        c.check("READY=1" in msgs, "the service sends READY=1 (sd_notify)", str(msgs))
        port = 0
        with open(log_path) as f:
            for line in f:
                if '"listening"' in line:
                    port = json.loads(line)["port"]
        try:
            r = urllib.request.urlopen("http://127.0.0.1:%d/readyz" % port, timeout=10)
            status = r.status
        except OSError as e:
            status = str(e)
        c.check(status == 200, "and answers /readyz with 200", str(status))
        p.send_signal(signal.SIGTERM)
        try:
            while "STOPPING=1" not in msgs:
                msgs += ns.recv(4096).decode().split("\n")
        except socket.timeout:
            pass
        c.check("STOPPING=1" in msgs, "STOPPING=1 on SIGTERM", str(msgs))
        c.check(p.wait(timeout=30) == 0, "the service exits 0")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()

    # 5. man pages
    m = sh(["man", "-l", os.path.join(root, "usr/share/man/man1/mamori-assess.1.gz")],
           env=dict(os.environ, MANPAGER="cat", PAGER="cat", MANWIDTH="100"))
    c.check(m.returncode == 0 and "mamori-assess" in m.stdout and "--fail-on-gaps" in m.stdout,
            "man -l on the installed mamori-assess(1)", mm.short(m.stdout + m.stderr))
    m = sh(["man", "mamori-assess"], env=dict(os.environ, MANPATH=os.path.join(root,
                                                                               "usr/share/man"),
                                                 MANPAGER="cat", PAGER="cat"))
    c.check(m.returncode == 0 and "--oscal-dir" in m.stdout, "man mamori-assess (MANPATH)",
            mm.short(m.stderr))
    m = sh(["man", "-l", os.path.join(root, "usr/share/man/man1/mamori.1.gz")],
           env=dict(os.environ, MANPAGER="cat", PAGER="cat"))
    c.check(m.returncode == 0 and "mamori-serve(1)" in m.stdout and "NOTIFY_SOCKET" in m.stdout,
            "man -l on mamori(1): the commands and the environment", mm.short(m.stderr))

    # 6. completion
    comp = os.path.join(root, "usr/share/bash-completion/completions/mamori")
    script = ("source %s; complete -p mamori; "
              "COMP_WORDS=(mamori admin mi); COMP_CWORD=2; _mamori; echo \"1:${COMPREPLY[*]}\"; "
              "COMP_WORDS=(mamori receipt verify --s); COMP_CWORD=3; _mamori; "
              "echo \"2:${COMPREPLY[*]}\"; "
              "COMP_WORDS=(mamori ser); COMP_CWORD=1; _mamori; echo \"3:${COMPREPLY[*]}\"; "
              "COMP_WORDS=(mamori serve --tls-); COMP_CWORD=2; _mamori; "
              "echo \"4:${COMPREPLY[*]}\"" % comp)
    bc = sh(["bash", "-c", script])
    out = bc.stdout.splitlines()
    c.check(bc.returncode == 0 and out and out[0] == "complete -o default -F _mamori mamori",
            "bash: complete -p mamori", bc.stdout + bc.stderr)
    c.check("1:migrate" in out, "bash: mamori admin mi<TAB> -> migrate", bc.stdout)
    c.check("2:--server-key --signed" in out, "bash: receipt verify --s<TAB>", bc.stdout)
    c.check("3:serve" in out, "bash: ser<TAB> -> serve", bc.stdout)
    c.check("4:--tls-cert --tls-key" in out, "bash: serve --tls-<TAB>", bc.stdout)
    z = sh(["zsh", "-n", os.path.join(root, "usr/share/zsh/vendor-completions/_mamori")])
    c.check(z.returncode == 0, "zsh -n _mamori", z.stderr)

    # make install's rules with another prefix and DESTDIR (the package's build tree again)
    obj = [d for d in os.listdir(src) if d.startswith("obj-")]
    stage = os.path.join(tmp, "stage")
    if c.check(len(obj) == 1, "the package's build tree"):
        objdir = os.path.join(src, obj[0])
        r = sh(["cmake", "-S", src, "-B", objdir, "-DCMAKE_INSTALL_PREFIX=/opt/mamori",
                "-UMM_SYSTEMD_UNITDIR", "-UMM_SYSUSERSDIR"], timeout=300)
        if r.returncode == 0:
            r = sh(["cmake", "--build", objdir, "-j", "2"], timeout=300, env=env)
        if r.returncode == 0:
            r = sh(["cmake", "--install", objdir], timeout=300, env=dict(env, DESTDIR=stage))
        c.check(r.returncode == 0, "install with PREFIX=/opt/mamori DESTDIR=stage",
                mm.short(r.stdout + r.stderr, 2000))
        for rel in ("bin/mamori", "share/man/man1/mamori-serve.1",
                    "share/bash-completion/completions/mamori"):
            c.check(os.path.exists(os.path.join(stage, "opt/mamori", rel)),
                    "make install: DESTDIR/PREFIX/" + rel)
        unit = os.path.join(stage, "opt/mamori/lib/systemd/system/mamori.service")
        with open(unit) as f:
            unit_text = f.read()
        c.check("ExecStart=/opt/mamori/bin/mamori serve" in unit_text,
                "make install: the unit runs PREFIX/bin/mamori")
        # the configuration where the unit looks for it (GNUInstallDirs: /etc/opt/... for /opt)
        m = re.search(r"--config (\S+)", unit_text)
        c.check(m is not None and os.path.exists(stage + m.group(1)),
                "make install: the configuration is where the unit reads it",
                m.group(1) if m else unit_text)

    # 7. systemd-analyze security
    unit_copy = os.path.join(tmp, "mamori.service")
    shutil.copy(os.path.join(root, "lib/systemd/system/mamori.service"), unit_copy)
    sa = sh(["systemd-analyze", "security", "--offline=true", unit_copy])
    mo = re.search(r"Overall exposure level for mamori\.service: ([0-9.]+)", sa.stdout)
    score_ = float(mo.group(1)) if mo else 99.0
    print("systemd-analyze security: %s" % (mo.group(1) if mo else sa.stdout[-400:]))
    c.check(score_ < 2.0, "systemd-analyze security: exposure under 2.0", str(score_))
    with open(os.path.join(mm.SRC, "docs", "operations.md")) as f:
        c.check(("exposure %.1f" % score_) in f.read(),
                "docs/operations.md gives the score (exposure %.1f)" % score_)
    c.finish()


if __name__ == "__main__":
    main()
