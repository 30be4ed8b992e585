#!/usr/bin/env python3
"""Notifications, what each user relies on (issue 18, docs/notifications.md):

1. read marks are each user's own: two users of one organization, one marks a notification
   read (API) or all of them (the page's form), the other still sees them unread (API, page,
   the header's bell with its accessible name in English and Japanese); another organization's
   user cannot mark it (404); migration 18 turns an organization's old read mark into a read
   mark of each of its users;
2. a daily digest end to end through an SMTP sink: several events make exactly one mail, in
   the user's language, at the digest time (the rounds' clock moved by the tests-only
   MAMORI_TEST_NOTIFY_OFFSET), and nothing again for what was digested; an immediate user of
   the same organization gets one mail per event;
3. STARTTLS: a sink that offers it with a certificate from a throwaway CA (made here with the
   openssl CLI) and notify-smtp-cacert naming that CA: the mail arrives over TLS; the same
   sink with another CA named: the delivery fails, the attempt records the certificate error,
   and no MAIL, RCPT or DATA is ever sent in clear; a sink that does not offer STARTTLS while
   TLS is required: fails, recorded, nothing sent;
4. webhook URLs are compared with the operator's prefixes as URLs, not text: user
   information, a host that only begins with the allowed one, a path without its boundary, an
   IP literal, dot segments and encoded separators are refused, naming $.webhook_url.
SQLite, and PostgreSQL as test_notify_user_py_pg.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library and the openssl CLI.
"""

import asyncio
import email
import email.header
import email.policy
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

C = mm.Checker()


# the notification tests' shared state and helpers (free_port, submit, worse_r2, run_round):
# test_notify.py's, one copy
from test_notify import W, free_port, run_round, submit, worse_r2  # noqa: E402


# ---- an SMTP sink on loopback that may offer STARTTLS ------------------------------------

class Sink:
    """RFC 5321 as libcurl speaks it; with ctx, EHLO offers STARTTLS (RFC 3207) and the session
    goes on over TLS. Every command is kept with whether it came over TLS."""

    def __init__(self, port, ctx=None):
        self.port = port
        self.ctx = ctx
        self.messages = []  # (tls, [rcpt], bytes)
        self.commands = []  # (tls, command line)
        self.handshake_errors = []
        self.lock = threading.Lock()
        self.loop = None
        self.thread = None

    async def _session(self, reader, writer):
        tls = False
        writer.write(b"220 sink.test ESMTP mamori test sink\r\n")
        await writer.drain()
        rcpts = []
        while True:
            line = await reader.readline()
            if not line:
                break
            cmd = line.decode("ascii", "replace").strip()
            up = cmd.upper()
            with self.lock:
                self.commands.append((tls, cmd))
            if up.startswith("EHLO") or up.startswith("HELO"):
                offer = b"250-STARTTLS\r\n" if self.ctx and not tls else b""
                writer.write(b"250-sink.test\r\n" + offer + b"250 SIZE 10485760\r\n")
            elif up == "STARTTLS" and self.ctx and not tls:
                writer.write(b"220 ready to start TLS\r\n")
                await writer.drain()
                try:
                    await writer.start_tls(self.ctx)
                except (ssl.SSLError, ConnectionError, OSError) as e:
                    with self.lock:
                        self.handshake_errors.append(str(e))
                    break
                tls = True
                continue
            elif up.startswith("MAIL FROM:"):
                rcpts = []
                writer.write(b"250 OK\r\n")
            elif up.startswith("RCPT TO:"):
                rcpts.append(cmd[8:].strip())
                writer.write(b"250 OK\r\n")
            elif up == "DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                data = []
                while True:
                    l = await reader.readline()
                    if not l or l == b".\r\n":
                        break
                    data.append(l[1:] if l.startswith(b"..") else l)
                with self.lock:
                    self.messages.append((tls, rcpts, b"".join(data)))
                writer.write(b"250 queued\r\n")
            elif up == "QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            elif up in ("RSET", "NOOP"):
                writer.write(b"250 OK\r\n")
            else:
                writer.write(b"502 not implemented\r\n")
            await writer.drain()
        try:
            writer.close()
        except (ssl.SSLError, OSError):
            pass

    def start(self):
        ready = threading.Event()

        def run():
            self.loop = asyncio.new_event_loop()
            server = self.loop.run_until_complete(
                asyncio.start_server(self._session, "127.0.0.1", self.port))
            ready.set()
            self.loop.run_forever()
            server.close()
            self.loop.run_until_complete(server.wait_closed())
            self.loop.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)
        return self

    def stop(self):
        if self.loop:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop = None

    def all(self):
        with self.lock:
            return list(self.messages)

    def to(self, addr):
        return [m for m in self.all() if m[1] == ["<%s>" % addr]]


def openssl(T, *args):
    subprocess.run(["openssl"] + list(args), cwd=T, check=True, capture_output=True)


def make_ca(T, name):
    """A throwaway CA (EC P-256) in T: name.key, name.pem"""
    openssl(T, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", name + ".key", "-out", name + ".pem", "-days", "2",
            "-subj", "/CN=mamori test " + name,
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return os.path.join(T, name + ".pem")


def make_server_cert(T, ca):
    """A certificate for 127.0.0.1 (subjectAltName IP) signed by ca: relay.pem, relay.key"""
    with open(os.path.join(T, "relay.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
    openssl(T, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "relay.key", "-out", "relay.csr", "-subj", "/CN=127.0.0.1")
    openssl(T, "x509", "-req", "-in", "relay.csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
            "-CAcreateserial", "-out", "relay.pem", "-days", "2", "-extfile", "relay.ext")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.path.join(T, "relay.pem"), os.path.join(T, "relay.key"))
    return ctx


# ---- helpers ------------------------------------------------------------------------------

def deliveries(client):
    r = client.get("/api/v1/notify/deliveries?per_page=1000")
    mm.expect(r, 200, "deliveries")
    return r.json["items"]


def notes(client, unread=False):
    r = client.get("/api/v1/notifications?per_page=1000" + ("&unread=1" if unread else ""))
    mm.expect(r, 200, "notifications")
    return r.json


def bell(client, lang="en"):
    """(the bell's accessible name, the badge's count or None) on a page"""
    page = client.session.get("/my?lang=" + lang)
    m = re.search(r'<a href="/notifications" id="nav-notifications" class="bell"'
                  r'(?: aria-label="([^"]*)")?>(.*?)</a>', page.text, re.S)
    if not m:
        return None, None, page.text[:300]
    badge = re.search(r'id="notification-badge" class="count" data-unread="(\d+)" aria-hidden="true">(\d+)<',
                      m.group(2))
    icon = '<svg aria-hidden="true" focusable="false"' in m.group(2)
    return m.group(1), (int(badge.group(1)) if badge and badge.group(1) == badge.group(2) else None), icon


def page_rows(client):
    """{notification id: unread flag} on the notifications page"""
    page = client.session.get("/notifications")
    return {int(a): b == "1" for a, b in re.findall(r'data-notification="(\d+)" data-unread="([01])"', page.text)}


def form_post(client, path, fields):
    f = dict(fields, csrf=client.session.csrf)
    return client.session.req("POST", path, urllib.parse.urlencode(f),
                              {"Content-Type": "application/x-www-form-urlencoded"})


def setup(srv, T):
    root = mm.activate(srv, "root", W.otp)
    W.rt = mm.token_client(srv, root, "root")
    W.org, W.adm, W.key = {}, {}, {}
    for name in ("A", "B", "C"):
        W.org[name] = mm.create_org(W.rt, "Org " + name)["id"]
        W.adm[name] = mm.make_user(srv, W.rt, W.org[name], "adm-" + name.lower(), "contractor-admin")
    W.mem = mm.make_user(srv, W.rt, W.org["A"], "mem-a", "contractor-member")


# ---- 1. read marks per user ---------------------------------------------------------------

def reads(srv, T):
    submit("A", mm.EXAMPLE_R2, T)
    submit("A", worse_r2(T), T)  # a status drop
    submit("A", mm.EXAMPLE_R3, T)
    run_round()
    a0, m0 = notes(W.adm["A"]), notes(W.mem)
    n = a0["unread"]
    C.check(n >= 4 and m0["unread"] == n and a0["total"] == n,
            "two users of A: the same %d notifications, all unread for each" % n,
            "%s %s" % (a0["unread"], m0["unread"]))
    name, count, icon = bell(W.adm["A"])
    C.check(name == "Notifications, %d unread" % n and count == n and icon,
            "the bell: its name carries the count, a visible badge, an icon hidden from AT",
            "%r %r %r" % (name, count, icon))
    name, count, _ = bell(W.adm["A"], "ja")
    C.check(name == "通知 %d 件（未読）" % n and count == n, "the bell in Japanese", "%r %r" % (name, count))
    first = a0["items"][0]["id"]
    r = W.adm["A"].post("/api/v1/notifications/%d/read" % first)
    C.check(r.status == 200 and r.json.get("id") == first, "adm-a marks one read (API)", mm.short(r.text))
    r = W.adm["A"].post("/api/v1/notifications/%d/read" % first)
    C.check(r.status == 200, "marking it again is no error", mm.short(r.text))
    a1, m1 = notes(W.adm["A"]), notes(W.mem)
    mine = {i["id"]: i["read"] for i in a1["items"]}
    theirs = {i["id"]: i["read"] for i in m1["items"]}
    C.check(a1["unread"] == n - 1 and mine[first] is not None, "adm-a: one fewer unread, it is read",
            json.dumps(a1)[:300])
    C.check(m1["unread"] == n and theirs[first] is None, "mem-a (same organization): still unread",
            json.dumps(m1)[:300])
    C.check(first not in {i["id"] for i in notes(W.adm["A"], unread=True)["items"]}
            and first in {i["id"] for i in notes(W.mem, unread=True)["items"]},
            "?unread=1 follows each user's own marks", "")
    C.check(bell(W.adm["A"])[:2] == ("Notifications, %d unread" % (n - 1), n - 1)
            and bell(W.mem)[:2] == ("Notifications, %d unread" % n, n),
            "the bell counts each user's own unread", "%s %s" % (bell(W.adm["A"])[:2], bell(W.mem)[:2]))
    rows_a, rows_m = page_rows(W.adm["A"]), page_rows(W.mem)
    C.check(rows_a.get(first) is False and rows_m.get(first) is True,
            "the page: read for adm-a, unread for mem-a", "%s %s" % (rows_a, rows_m))
    # another organization's user cannot mark it, nor see it
    C.status(W.adm["B"].post("/api/v1/notifications/%d/read" % first), 404, "B marking A's: 404")
    r = form_post(W.adm["B"], "/notifications/read", {"id": str(first)})
    C.check(r.status == 404, "B marking A's on the page: 404", str(r.status))
    C.check(notes(W.mem)["unread"] == n, "mem-a unchanged by B's tries", "")
    # the page: mem-a marks one, then all; adm-a unchanged
    second = a0["items"][1]["id"]
    r = form_post(W.mem, "/notifications/read", {"id": str(second)})
    C.check(r.status == 200 and 'id="notifications-done"' in r.text, "mem-a marks one on the page", str(r.status))
    C.check(notes(W.mem)["unread"] == n - 1 and {i["id"]: i["read"] for i in notes(W.adm["A"])["items"]}[second] is None,
            "mem-a's mark is its own", "")
    r = form_post(W.mem, "/notifications/read", {"all": "1"})
    C.check(r.status == 200, "mem-a marks all read on the page", str(r.status))
    m2 = notes(W.mem)
    C.check(m2["unread"] == 0 and all(i["read"] for i in m2["items"]), "mem-a: none unread",
            json.dumps(m2)[:300])
    C.check(notes(W.adm["A"])["unread"] == n - 1, "adm-a: still its own %d unread" % (n - 1), "")
    name, count, _ = bell(W.mem)
    C.check(name == "Notifications, 0 unread" and count is None, "mem-a's bell: 0 unread, no badge",
            "%r %r" % (name, count))
    C.check(not any(page_rows(W.mem).values()) and sum(page_rows(W.adm["A"]).values()) == n - 1,
            "the page after mark-all: mem-a none unread, adm-a unchanged", "")
    # a new event after mem-a's mark-all is unread for it
    submit("A", mm.EXAMPLE_R2, T)
    run_round()
    new = notes(W.mem)["total"] - a0["total"]
    C.check(new >= 1 and notes(W.mem)["unread"] == new and notes(W.adm["A"])["unread"] == n - 1 + new,
            "a new notification after the mark is unread for both", str(new))
    # a user added now starts with the history read (its bell counts from now on), sees it all
    late = mm.make_user(srv, W.rt, W.org["A"], "late-a", "contractor-member")
    l0 = notes(late)
    C.check(l0["unread"] == 0 and l0["total"] == notes(W.mem)["total"] and bell(late)[1] is None,
            "a user added later: the history listed, none of it unread, no badge", json.dumps(l0)[:300])
    submit("A", mm.EXAMPLE_R3, T)
    run_round()
    l1 = notes(late)
    C.check(l1["unread"] == l1["total"] - l0["total"] >= 1,
            "a user added later: what happens after it was added is unread", json.dumps(l1)[:300])
    W.first = first


def migration(srv):
    """migration 18: an organization's old read mark becomes a read mark of each of its users"""
    srv.stop()
    con = mm.db_rw(W.db)
    try:
        nid = con.execute("SELECT id FROM notifications WHERE recipient_org = ? ORDER BY id DESC",
                          (W.org["A"],)).fetchone()[0]
        con.execute("DROP INDEX notifications_org_id")
        con.execute("DROP TABLE notification_read_marks")
        con.execute("DROP TABLE notification_reads")
        con.execute("UPDATE notifications SET read = '2026-12-01T00:00:00Z' WHERE id = ?", (nid,))
        # migrations 19 and 20 (the audit log's and the contractor list's indexes) are undone
        # too: a database at 17 has neither
        con.execute("DROP INDEX audit_log_action")
        con.execute("DROP INDEX audit_log_actor")
        con.execute("DROP INDEX organizations_kind_lname")
        con.execute("DELETE FROM schema_version WHERE version IN (18, 19, 20)")
        # 120 old notifications for C (planned already: nothing is mailed), for the bell's cap
        for i in range(120):
            con.execute("INSERT INTO notifications (recipient_org, kind, subject, detail, created, cause,"
                        " fanned) VALUES (?, 'submission', 'Org C: old', '{}', '2026-01-01T00:00:00Z', ?,"
                        " '2026-01-01T00:00:00Z')", (W.org["C"], "old:%d" % i))
        con.commit()
    finally:
        con.close()
    cp = mm.run(["admin", "migrate", "--db", mm.db_url(W.db)])
    C.check(cp.returncode == 0 and "17 -> 20" in cp.stdout, "admin migrate: 17 -> 20", cp.stdout + cp.stderr)
    con = mm.db_ro(W.db)
    try:
        rows = con.execute("SELECT u.login FROM notification_reads r JOIN users u ON u.id = r.user_id"
                           " WHERE r.notification_id = ? ORDER BY u.login", (nid,)).fetchall()
        others = con.execute("SELECT count(*) FROM notification_reads WHERE notification_id <> ?",
                             (nid,)).fetchone()[0]
    finally:
        con.close()
    C.check([r[0] for r in rows] == ["adm-a", "late-a", "mem-a"] and others == 0,
            "migration 18: the organization's read mark is each of its users' (and nobody else's)",
            "%s %s" % (rows, others))
    srv.start()
    C.check(all(i["read"] for i in notes(W.mem)["items"] if i["id"] == nid),
            "after the migration the notification is read for mem-a", "")
    # from 100 unread the bell says 99+ (it counts no further); the API still counts them all
    page = W.adm["C"].session.get("/my?lang=en").text
    m = re.search(r'id="nav-notifications" class="bell" aria-label="([^"]*)">[^<]*<svg.*?id="notification-badge" class="count" data-unread="(\d+)"'
                  r' aria-hidden="true">([^<]*)<', page, re.S)
    C.check(m and m.groups() == ("Notifications, 99+ unread", "100", "99+") and notes(W.adm["C"])["unread"] == 120,
            "120 unread: the bell says 99+", str(m.groups() if m else page[:300]))
    page = W.adm["C"].session.get("/my?lang=ja").text
    C.check('aria-label="通知 99+ 件（未読）"' in page, "120 unread: 99+ in Japanese", "")
    r = form_post(W.adm["C"], "/notifications/read", {"all": "1"})
    C.check(r.status == 200 and notes(W.adm["C"])["unread"] == 0, "adm-c marks all read", str(r.status))


# ---- 2. a daily digest, end to end -------------------------------------------------------

def digest(srv, T):
    W.dig = mm.make_user(srv, W.rt, W.org["B"], "dig-b", "contractor-member")
    mm.expect(W.dig.put("/api/v1/notify/preferences",
                        {"channels": ["dashboard", "email"], "email": "dig-b@b.test", "lang": "ja",
                         "digest": "daily"}), 200, "dig-b: a daily digest in Japanese")
    mm.expect(W.adm["B"].put("/api/v1/notify/preferences",
                             {"channels": ["dashboard", "email"], "email": "adm-b@b.test"}),
              200, "adm-b: one mail per event")
    submit("B", mm.EXAMPLE_R2, T)
    submit("B", worse_r2(T), T)
    submit("B", mm.EXAMPLE_R3, T)
    run_round()
    run_round()
    events = notes(W.adm["B"])["total"]
    C.check(events >= 4, "B has %d events" % events, "")
    C.check(len(W.sink.to("adm-b@b.test")) == events,
            "the immediate user: one mail per event (%d)" % events, str(len(W.sink.to("adm-b@b.test"))))
    dd = deliveries(W.dig)
    now = time.time()
    midnight = int(now) - int(now) % 86400 + 86400
    due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(midnight))
    C.check(len(dd) == events and all(i["state"] == "pending" and i["attempts"] == 0
                                      and i["next_attempt"] == due for i in dd),
            "the digest user: %d deliveries waiting for %s" % (events, due), json.dumps(dd)[:400])
    C.check(not W.sink.to("dig-b@b.test"), "nothing mailed to the digest user before its time", "")
    # the rounds' clock just past midnight (MAMORI_TEST_NOTIFY_OFFSET, a test's setting)
    os.environ["MAMORI_TEST_NOTIFY_OFFSET"] = str(midnight - int(time.time()) + 60)
    srv.stop()
    srv.start()
    run_round()
    got = W.sink.to("dig-b@b.test")
    C.check(len(got) == 1, "at the digest time: exactly one mail", str(len(got)))
    if got:
        tls, rcpts, raw = got[0]
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        subject = str(email.header.make_header(email.header.decode_header(
            raw.split(b"\r\nSubject:")[1].split(b"\r\nMessage-ID")[0].decode("ascii").replace("\r\n", ""))))
        body = msg.get_content()
        C.check(subject == "[mamori] %d 件の通知" % events and msg["Content-Language"] == "ja",
                "the digest's subject is Japanese and counts the events", subject)
        subs = [i["subject"] for i in dd]
        C.check(body.count("Org B: 新しい提出") == sum(1 for s in subs if "new submission" in s)
                and body.count("Org B: 状態の悪化") == sum(1 for s in subs if ": status " in s)
                and body.count("\n- ") + body.startswith("- ") == events,
                "the digest lists every event, in Japanese", body[:600])
    dd2 = deliveries(W.dig)
    C.check(all(i["state"] == "sent" and i["attempts"] == 1 for i in dd2),
            "every digested delivery is sent, once", json.dumps(dd2)[:300])
    # a later event waits for the next digest; what was digested is never sent again
    before_b = len(W.sink.to("adm-b@b.test"))
    submit("B", mm.EXAMPLE_R2, T)
    run_round()
    run_round()
    new = notes(W.adm["B"])["total"] - events
    C.check(len(W.sink.to("dig-b@b.test")) == 1, "no second digest mail for what was digested", "")
    later = [i for i in deliveries(W.dig) if i["state"] == "pending"]
    C.check(new >= 1 and len(later) == new and all(i["next_attempt"] > due for i in later),
            "the new event waits for the next day", json.dumps(later))
    C.check(len(W.sink.to("adm-b@b.test")) == before_b + new, "the immediate user gets it at once", "")
    del os.environ["MAMORI_TEST_NOTIFY_OFFSET"]
    srv.stop()
    srv.start()


# ---- 3. STARTTLS --------------------------------------------------------------------------

def with_relay(srv, port, *more):
    srv.stop()
    srv.extra = list(W.base_extra)
    srv.extra[srv.extra.index("--notify-smtp") + 1] = "smtp://127.0.0.1:%d" % port
    srv.extra += list(more)
    srv.start()


def starttls(srv, T):
    make_ca(T, "ca")
    make_ca(T, "other")
    ctx = make_server_cert(T, "ca")
    mm.expect(W.adm["C"].put("/api/v1/notify/preferences",
                             {"channels": ["dashboard", "email"], "email": "adm-c@c.test"}),
              200, "adm-c: mail")
    # the relay offers STARTTLS, the CA is named, TLS is required: the mail goes over TLS
    port = free_port()
    tls_sink = Sink(port, ctx).start()
    try:
        with_relay(srv, port, "--notify-smtp-tls", "require",
                   "--notify-smtp-cacert", os.path.join(T, "ca.pem"))
        submit("C", mm.EXAMPLE_R2, T)
        run_round()
        got = tls_sink.to("adm-c@c.test")
        C.check(len(got) == 1 and got[0][0] is True, "STARTTLS with the named CA: the mail arrived over TLS",
                str([(m[0], m[1]) for m in tls_sink.all()]))
        clear = [c for t, c in tls_sink.commands if not t]
        C.check([c.split()[0].upper() for c in clear] == ["EHLO", "STARTTLS"],
                "in clear only EHLO and STARTTLS", str(clear))
        C.check(all(i["state"] == "sent" for i in deliveries(W.adm["C"])), "adm-c's delivery is sent", "")
    finally:
        tls_sink.stop()
    # the same relay, another CA named: the certificate is not trusted, nothing goes in clear
    port = free_port()
    tls_sink = Sink(port, ctx).start()
    try:
        with_relay(srv, port, "--notify-smtp-tls", "require",
                   "--notify-smtp-cacert", os.path.join(T, "other.pem"))
        submit("C", mm.EXAMPLE_R2, T)
        run_round()
        pend = [i for i in deliveries(W.adm["C"]) if i["state"] == "pending"]
        res = pend[0]["tries"][-1]["result"] if pend and pend[0]["tries"] else ""
        C.check(len(pend) == 1 and not pend[0]["tries"][-1]["ok"] and "certificate" in res.lower(),
                "an untrusted relay certificate: the delivery fails, the attempt says why", json.dumps(pend)[:500])
        C.check(not tls_sink.all() and not any(c.upper().startswith(("MAIL", "RCPT", "DATA"))
                                               for _, c in tls_sink.commands),
                "no fallback: no MAIL, RCPT or DATA reached the relay", str(tls_sink.commands))
    finally:
        tls_sink.stop()
    # a relay that does not offer STARTTLS while TLS is required
    port = free_port()
    plain = Sink(port).start()
    try:
        with_relay(srv, port, "--notify-smtp-tls", "require",
                   "--notify-smtp-cacert", os.path.join(T, "ca.pem"))
        time.sleep(1.2)  # the retry delay (1 s) of the row that failed above
        run_round()
        pend = [i for i in deliveries(W.adm["C"]) if i["state"] == "pending"]
        res = pend[0]["tries"][-1]["result"] if pend and pend[0]["tries"] else ""
        C.check(len(pend) == 1 and len(pend[0]["tries"]) >= 2 and not pend[0]["tries"][-1]["ok"]
                and ("ssl" in res.lower() or "tls" in res.lower()),
                "a relay without STARTTLS when TLS is required: fails, recorded", json.dumps(pend)[:500])
        C.check(not plain.all() and not any(c.upper().startswith(("MAIL", "RCPT", "DATA"))
                                            for _, c in plain.commands),
                "nothing was sent to it", str(plain.commands))
    finally:
        plain.stop()
    with_relay(srv, W.smtp_port)


# ---- 4. webhook URLs ----------------------------------------------------------------------

def webhook_urls():
    c = W.adm["C"]
    for url, status in (("https://evil.example/hooks/x", 422),
                        ("https://allowed.example@evil.example/hooks/x", 400),
                        ("https://allowed.example:pw@evil.example/hooks/x", 400),
                        ("https://allowed.example.evil.example/hooks/x", 422),
                        ("https://allowed.example/hooksevil", 422),
                        ("https://allowed.example/hooks/../admin", 422),
                        ("https://allowed.example/hooks/%2e%2e/admin", 400),
                        ("https://allowed.example/hooks%2F..%2Fadmin", 400),
                        ("https://allowed.example%2eevil.example/hooks/x", 422),
                        ("https://93.184.216.34/hooks/x", 422),
                        ("https://allowed.example:8443/hooks/x", 422),
                        ("http://allowed.example/hooks/x", 422),
                        ("https://allowed.example\\@evil.example/hooks/x", 400),
                        ("HTTPS://allowed.example/hooks/x", 400)):
        r = c.put("/api/v1/notify/preferences", {"webhook_url": url})
        C.check(r.status == status and "$.webhook_url" in (r.error_message() or ""),
                "webhook %s: %d naming $.webhook_url" % (url, status), "%s %s" % (r.status, r.error_message()))
    C.check(c.get("/api/v1/notify/preferences").json.get("webhook_url") is None, "nothing stored", "")
    for url in ("https://allowed.example/hooks/c", "https://ALLOWED.Example/hooks/c",
                "https://allowed.example:443/hooks"):
        r = c.put("/api/v1/notify/preferences", {"webhook_url": url})
        C.check(r.status == 200 and r.json.get("webhook_url") == url, "webhook %s: allowed" % url,
                "%s %s" % (r.status, r.error_message()))
    mm.expect(c.put("/api/v1/notify/preferences", {"webhook_url": None}), 200, "no webhook again")


def main():
    T = mm.fresh_tmp()
    W.db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    W.smtp_port = free_port()
    _, W.otp = mm.admin_init(W.db, "root")
    W.base_extra = ["--notify-smtp", "smtp://127.0.0.1:%d" % W.smtp_port,
                    "--notify-from", "mamori@authority.test", "--notify-interval", "3600",
                    "--notify-retry", "1", "--notify-webhooks", "https://allowed.example/hooks"]
    srv = mm.Server(W.db, log, W.base_extra).start()
    W.sink = Sink(W.smtp_port).start()
    try:
        setup(srv, T)
        reads(srv, T)
        migration(srv)
        digest(srv, T)
        starttls(srv, T)
        webhook_urls()
    finally:
        srv.stop()
        W.sink.stop()
    C.finish()


if __name__ == "__main__":
    main()
