#!/usr/bin/env python3
"""Notifications delivered, end to end (issue 18, docs/notifications.md): events recorded by
the server's round (new submissions, a status drop, a conditional status 30 days from expiry,
overdue POA&M milestones), delivered to the users who may see them by email through a real
SMTP relay (a sink on 127.0.0.1 written here with asyncio) and by signed webhook (a receiver
here that checks the Mamori-Signature header with the user's secret).

The relay and the receiver are DOWN first: the events queue in the outbox and every attempt is
recorded; the server is restarted (the outbox survives); then both are UP: each delivery
arrives exactly once, a later round sends nothing again. Mail is RFC 5322 (Date, Message-ID)
with an RFC 2047 subject in the user's language. A contractor's users never receive an event
about another organization. Preferences are checked (a bad member named by its JSON path, a
webhook outside the operator's prefixes refused) and the secret is never in the log.
SQLite, and PostgreSQL as test_notify_py_pg.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import asyncio
import base64
import datetime
import email
import email.header
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

C = mm.Checker()


class W:
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- an SMTP sink on loopback (RFC 5321's commands that libcurl sends) ---------------------

class SmtpSink:
    def __init__(self, port):
        self.port = port
        self.messages = []  # (mail_from, [rcpt], bytes)
        self.lock = threading.Lock()
        self.loop = None
        self.server = None
        self.thread = None

    async def _session(self, reader, writer):
        writer.write(b"220 sink.test ESMTP mamori test sink\r\n")
        await writer.drain()
        mail_from, rcpts = None, []
        while True:
            line = await reader.readline()
            if not line:
                break
            cmd = line.decode("ascii", "replace").strip()
            up = cmd.upper()
            if up.startswith("EHLO") or up.startswith("HELO"):
                writer.write(b"250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")
            elif up.startswith("MAIL FROM:"):
                mail_from, rcpts = cmd[10:].strip(), []
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
                    self.messages.append((mail_from, rcpts, b"".join(data)))
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
        writer.close()

    def start(self):
        ready = threading.Event()

        def run():
            self.loop = asyncio.new_event_loop()
            self.server = self.loop.run_until_complete(
                asyncio.start_server(self._session, "127.0.0.1", self.port))
            ready.set()
            self.loop.run_forever()
            self.server.close()
            self.loop.run_until_complete(self.server.wait_closed())
            self.loop.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self):
        if self.loop:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    def all(self):
        with self.lock:
            return list(self.messages)


# ---- a webhook receiver that checks the signature (docs/notifications.md "Webhooks") ------

def verify(header, secret, body, tolerance=300):
    """The receiver's side, as documented: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>"""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        t = int(parts["t"])
        sig = parts["v1"]
    except (ValueError, KeyError, AttributeError):
        return False
    if abs(time.time() - t) > tolerance:
        return False
    want = hmac.new(secret.encode(), str(t).encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, sig)


class Receiver:
    def __init__(self, port):
        self.port = port
        self.got = []  # (path, event id, ok signature, body json)
        self.secrets = {}  # path -> secret
        self.lock = threading.Lock()
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                secret = outer.secrets.get(self.path, "")
                ok = verify(self.headers.get("Mamori-Signature", ""), secret, body)
                with outer.lock:
                    outer.got.append((self.path, self.headers.get("Mamori-Event-Id"), ok,
                                      json.loads(body or b"{}")))
                self.send_response(200 if ok else 400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
        self.thread = None

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def all(self):
        with self.lock:
            return list(self.got)


# ---- the scenario -------------------------------------------------------------------------

def submit(name, path, T):
    k = os.path.join(T, "k-" + name)
    if name not in W.key:
        pub, _ = mm.keygen("Org " + name, k)
        mm.expect(mm.register_key(W.adm[name], W.org[name], pub), 201, "key of %s" % name)
        W.key[name] = k
    W.n = getattr(W, "n", 0) + 1
    a = mm.variant(path, os.path.join(T, "a-%s-%d.json" % (name, W.n)), "%s %d" % (name, W.n))
    r = mm.submit(W.adm[name], mm.sign(a, k, os.path.join(T, "s-%s-%d.json" % (name, W.n))))
    mm.expect(r, 201, "submission of %s" % name)
    return r.json


def worse_r2(T):
    with open(mm.EXAMPLE_R2) as f:
        a = json.load(f)
    a["requirements"]["3.1.1"] = "not-met"
    path = os.path.join(T, "worse.json")
    with open(path, "w") as f:
        json.dump(a, f)
    return path


def run_round():
    r = W.rt.post("/api/v1/notify/run")
    mm.expect(r, 200, "POST /api/v1/notify/run")
    return r.json


def deliveries(client):
    r = client.get("/api/v1/notify/deliveries")
    mm.expect(r, 200, "deliveries")
    return r.json["items"]


def preferences(srv):
    # defaults: every kind, the dashboard only
    r = W.adm["A"].get("/api/v1/notify/preferences")
    C.check(r.status == 200 and r.json.get("channels") == ["dashboard"]
            and len(r.json.get("events", [])) == 7 and r.json.get("digest") == "none",
            "preferences: the defaults", mm.short(r.text if hasattr(r, "text") else r.json))
    # bad input: the member's JSON path, nothing stored
    for body, where in (({"events": ["nope"]}, "$.events[0]"),
                        ({"channels": ["email"]}, "$.channels"),
                        ({"email": "not an address"}, "$.email"),
                        ({"lang": "fr"}, "$.lang"),
                        ({"digest": "weekly"}, "$.digest"),
                        ({"colour": "red"}, "$.colour")):
        r = W.adm["A"].put("/api/v1/notify/preferences", body)
        C.check(r.status == 400 and where in (r.error_message() or ""),
                "preferences: %s refused with %s" % (json.dumps(body), where),
                "%s %s" % (r.status, r.error_message()))
    r = W.adm["A"].put("/api/v1/notify/preferences",
                       {"webhook_url": "http://169.254.169.254/latest", "channels": ["webhook"]})
    C.check(r.status == 422 and "notify-webhooks" in (r.error_message() or ""),
            "preferences: a webhook outside the allowed prefixes is 422", "%s %s" % (r.status, r.error_message()))
    r = W.adm["A"].get("/api/v1/notify/preferences")
    C.check(r.json.get("channels") == ["dashboard"] and r.json.get("webhook_url") is None,
            "preferences: a refused change stored nothing", json.dumps(r.json))
    # the users of the scenario
    W.secret = {}

    def choose(client, login, body):
        r = client.put("/api/v1/notify/preferences", body)
        mm.expect(r, 200, "preferences of %s" % login)
        if body.get("webhook_url"):
            C.check(r.json.get("webhook_secret", "").startswith("whsec_"),
                    "a new webhook URL answers its secret once (%s)" % login, json.dumps(r.json))
            W.secret[login] = r.json["webhook_secret"]
            W.hook_secrets["/hook/" + login] = r.json["webhook_secret"]
            again = client.get("/api/v1/notify/preferences").json
            C.check("webhook_secret" not in again and again.get("webhook_secret_set") is True,
                    "the secret is never answered again (%s)" % login, json.dumps(again))
        return r.json

    hook = "http://127.0.0.1:%d/hook/" % W.hook_port
    choose(W.ana, "ana", {"channels": ["dashboard", "email", "webhook"], "email": "ana@authority.test",
                          "lang": "ja", "webhook_url": hook + "ana"})
    choose(W.adm["A"], "adm-a", {"channels": ["dashboard", "email"], "email": "adm-a@a.test"})
    choose(W.adm["B"], "adm-b", {"channels": ["email", "webhook"], "email": "adm-b@b.test",
                                 "webhook_url": hook + "adm-b",
                                 "events": ["submission", "status-drop"]})
    # a daily digest: planned for the next day, not sent in this test's rounds
    choose(W.adm["C"], "adm-c", {"channels": ["email"], "email": "adm-c@c.test", "digest": "daily"})
    # a user of A who chose mail and is disabled before the relay comes back
    W.gone = mm.make_user(W.srv, W.rt, W.org["A"], "gone-a", "contractor-member")
    choose(W.gone, "gone-a", {"channels": ["email"], "email": "gone-a@a.test"})


def relay_down(srv, T):
    submit("A", mm.EXAMPLE_R2, T)
    submit("A", worse_r2(T), T)  # conditional -> not-met: a status drop
    submit("B", mm.EXAMPLE_R3, T)
    W.c_sub = submit("C", mm.EXAMPLE_R2, T)
    # C files an incident report: its evidence preservation ends 90 days later
    with open(os.path.join(mm.SRC, "tests", "fixtures", "incident", "initial.json")) as f:
        rep = json.load(f)
    rep.pop("$schema", None)
    rep.pop("time_zone", None)
    rep["discovered"] = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)) \
        .replace(microsecond=0).isoformat().replace("+00:00", "Z")
    mm.expect(W.adm["C"].post("/api/v1/incidents", rep), 201, "C files an incident report")
    # adm-a changes its mind twice (an update of its stored preferences, nothing else changes)
    mm.expect(W.adm["A"].put("/api/v1/notify/preferences", {"lang": "ja", "digest": "hourly"}), 200,
              "adm-a's preferences again")
    r = W.adm["A"].put("/api/v1/notify/preferences", {"lang": "en", "digest": "none"})
    C.check(r.status == 200 and r.json.get("lang") == "en" and r.json.get("email") == "adm-a@a.test"
            and r.json.get("channels") == ["dashboard", "email"] and r.json.get("webhook_url") is None,
            "a change keeps the members it does not name", json.dumps(r.json))
    s1 = run_round()
    # 4 submissions, each for its organization and the authority (the status drop was recorded
    # by the submission itself, in its transaction)
    C.check(s1.get("recorded") == 2 * 4 and s1.get("planned", 0) > 0 and s1.get("sent") == 0
            and s1.get("failed", 0) > 0, "relay down: events recorded and planned, none sent",
            json.dumps(s1))
    s2 = run_round()
    C.check(s2.get("recorded") == 0, "a second round records nothing again (one event per cause)",
            json.dumps(s2))
    # the attempts are recorded, with why they failed, and the rows wait to be retried
    for login, client in (("ana", W.ana), ("adm-a", W.adm["A"]), ("adm-b", W.adm["B"])):
        items = deliveries(client)
        C.check(items and all(i["state"] == "pending" and i["attempts"] >= 1
                              and i["tries"] and not i["tries"][0]["ok"] and i["tries"][0]["result"]
                              for i in items),
                "relay down: %s's deliveries pending, each attempt recorded with its result" % login,
                json.dumps(items)[:600])
    gone = deliveries(W.gone)
    C.check(gone and all(i["state"] == "pending" for i in gone), "gone-a's mail waits too", "")
    users = W.rt.get("/api/v1/organizations/%s/users" % W.org["A"]).json["items"]
    W.gone_id = next(u["id"] for u in users if u["login"] == "gone-a")
    mm.expect(W.rt.post("/api/v1/organizations/%s/users/%s/disable" % (W.org["A"], W.gone_id)), 200,
              "disable gone-a")
    kinds_a = {i["class"] for i in deliveries(W.adm["A"])}
    C.check(kinds_a == {"submission", "status-drop"} and
            all(i["channel"] == "email" for i in deliveries(W.adm["A"])),
            "adm-a: its new submissions and its status drop, by email", str(kinds_a))
    kinds_b = {(i["class"], i["channel"]) for i in deliveries(W.adm["B"])}
    C.check(kinds_b == {("submission", "email"), ("submission", "webhook")},
            "adm-b: only the kinds it chose, on both its channels", str(kinds_b))
    digest = deliveries(W.adm["C"])
    C.check(digest and all(i["digest"] == "daily" and i["attempts"] == 0 and
                           i["next_attempt"] > datetime.datetime.now(datetime.timezone.utc)
                           .strftime("%Y-%m-%dT%H:%M:%SZ") for i in digest),
            "adm-c's daily digest waits for the next day", json.dumps(digest)[:400])
    # tenant isolation: a contractor's user hears only of its own organization
    for name in ("A", "B", "C"):
        for i in deliveries(W.adm[name]):
            C.check(("Org " + name) in i["subject"] and all(("Org " + o + ":") not in i["subject"]
                                                            for o in "ABC" if o != name),
                    "%s's deliveries are about %s only" % (name, name), i["subject"])
    # the dashboard: the bell counts, the page lists the chosen kinds
    page = W.adm["A"].session.get("/notifications")
    C.check(page.status == 200 and 'data-kind="status-drop"' in page.body
            and "Org B" not in page.body, "the notifications page: A's own events", "")
    # in the reader's language, the statuses as the reader's labels (not the stored English)
    ja = W.adm["A"].session.get("/notifications?lang=ja").body
    C.check("状態の悪化 条件付き -&gt; 不適合" in ja and "status conditional" not in ja,
            "the notifications page in Japanese: the status drop in Japanese",
            mm.short(ja[ja.find('data-kind="status-drop"'):][:300]))
    en = W.adm["A"].session.get("/notifications?lang=en").body
    C.check("status Conditional -&gt; Not met" in en, "the notifications page in English: the statuses' labels",
            mm.short(en[en.find('data-kind="status-drop"'):][:300]))
    # a new submission's framework and status as labels too (not "800-171r3, no-valid-score")
    labels = {}
    for lang in ("en", "ja"):
        with open(os.path.join(mm.SRC, "content", "web", "i18n", "%s.json" % lang), encoding="utf-8") as f:
            labels[lang] = {v for k, v in json.load(f).items() if k.startswith("status.")}
    subs_en = re.findall(r"new submission \((Rev [23]), ([^)]*)\)", en)
    subs_ja = re.findall(r"新しい提出 \((Rev [23])、([^)]*)\)", ja)
    C.check(subs_en and all(s in labels["en"] for _, s in subs_en) and "800-171r" not in en,
            "the notifications page in English: a new submission as 'Rev 3, <status label>'", str(subs_en))
    C.check(subs_ja and all(s in labels["ja"] for _, s in subs_ja) and "800-171r" not in ja,
            "the notifications page in Japanese: a new submission's status in Japanese", str(subs_ja))


def restart(srv, today):
    srv.stop()
    srv.extra = [a for a in srv.extra if not a.startswith("--today")]
    srv.extra += ["--today=" + today.isoformat()]
    srv.start()


def drain():
    """rounds until nothing due is pending (the retry delay is 1 s, doubled per failure)"""
    deadline = time.monotonic() + 90
    pending = []
    while time.monotonic() < deadline:
        run_round()
        pending = [i for c in (W.ana, W.adm["A"], W.adm["B"]) for i in deliveries(c)
                   if i["state"] == "pending"]
        if not pending:
            break
        time.sleep(0.5)
    return pending


def later_days(srv, received):
    """the incident's preservation deadline and the annual affirmation: each recorded once, for
    the authority and the organization, and mailed once"""
    before = len(W.sink.all())
    # 85 days after the report: its preservation (90 days) ends within 7 days
    restart(srv, received + datetime.timedelta(days=85))
    C.check(not drain(), "incident deadline: delivered", "")
    ana = {i["class"]: i for i in deliveries(W.ana)}
    C.check("incident-deadline" in ana and ana["incident-deadline"]["state"] == "sent"
            and "Org C" in ana["incident-deadline"]["subject"],
            "the analyst is told of C's incident preservation deadline", json.dumps(ana.get("incident-deadline")))
    mine = W.adm["C"].get("/api/v1/notifications").json.get("items", [])
    C.check(any(i["kind"] == "incident-deadline" for i in mine),
            "C (the reporter) has the incident deadline", str([i["kind"] for i in mine]))
    C.check(not any(i["class"] == "incident-deadline" for c in (W.adm["A"], W.adm["B"])
                    for i in deliveries(c)), "A and B hear nothing of C's incident", "")
    # 340 days after: the annual affirmation is due within 30 days, for each contractor
    restart(srv, received + datetime.timedelta(days=340))
    C.check(not drain(), "affirmation due: delivered", "")
    due = [i for i in deliveries(W.ana) if i["class"] == "affirmation-due"]
    C.check(sorted((i["subject"].split(":")[0], i["channel"]) for i in due)
            == [(o, ch) for o in ("Org A", "Org B", "Org C") for ch in ("email", "webhook")]
            and all(i["state"] == "sent" for i in due),
            "the analyst is told of each contractor's affirmation due", json.dumps(due)[:400])
    a_due = [i for i in deliveries(W.adm["A"]) if i["class"] == "affirmation-due"]
    C.check(len(a_due) == 1 and "Org A" in a_due[0]["subject"], "adm-a: its own affirmation due, once",
            json.dumps(a_due))
    run_round()
    mails = W.sink.all()
    ids = [email.message_from_bytes(m[2])["Message-ID"] for m in mails]
    C.check(len(ids) == len(set(ids)) and len(mails) > before,
            "the later events arrived, none twice (%d mails in all)" % len(mails), "")


def relay_up(srv, T):
    # a restart keeps the outbox; with "today" 160 days after C's submission, its conditional
    # status is 20 days from expiry and its milestones are overdue
    latest = (W.rt.get("/api/v1/organizations/%s" % W.org["C"]).json or {}).get("latest") or {}
    received = datetime.date.fromisoformat(latest["received"][:10])
    today = received + datetime.timedelta(days=160)
    kept = {i["id"]: i["attempts"] for i in deliveries(W.ana)}
    srv.stop()
    srv.extra += ["--today=" + today.isoformat()]
    W.sink = SmtpSink(W.smtp_port)
    W.sink.start()
    W.recv = Receiver(W.hook_port)
    W.recv.secrets = W.hook_secrets
    W.recv.start()
    srv.start()
    # the rows planned before the restart are all there, their attempts kept (the round at
    # start may already have sent some, and planned the new day's events)
    after = {i["id"]: i["attempts"] for i in deliveries(W.ana)}
    C.check(kept and all(v >= 1 for v in kept.values())
            and all(k in after and after[k] >= v for k, v in kept.items()),
            "after a restart the outbox is still there", json.dumps([kept, after]))
    pending = drain()
    C.check(not pending, "relay up: every delivery sent", json.dumps(pending)[:500])
    run_round()
    run_round()
    mails = W.sink.all()
    hooks = W.recv.all()
    # exactly once: one message per email delivery (the Message-ID names the outbox row)
    sent_email = {}
    for login, c in (("ana", W.ana), ("adm-a", W.adm["A"]), ("adm-b", W.adm["B"])):
        for i in deliveries(c):
            if i["channel"] == "email":
                sent_email[i["id"]] = (login, i)
    by_id = {}
    for frm, rcpts, raw in mails:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        mid = msg["Message-ID"]
        oid = int(mid.split(".")[1]) if mid and mid.startswith("<mamori.") else None
        by_id.setdefault(oid, []).append((rcpts, msg, raw))
    C.check(sorted(by_id) == sorted(sent_email) and all(len(v) == 1 for v in by_id.values()),
            "each email delivery arrived exactly once (%d)" % len(sent_email),
            "%s vs %s" % (sorted(by_id)[:20], sorted(sent_email)[:20]))
    for oid, lst in by_id.items():
        rcpts, msg, raw = lst[0]
        login, item = sent_email.get(oid, ("?", {}))
        want_to = {"ana": "ana@authority.test", "adm-a": "adm-a@a.test", "adm-b": "adm-b@b.test"}.get(login)
        C.check(rcpts == ["<%s>" % want_to] and msg["To"].addresses[0].addr_spec == want_to
                and len(msg["To"].addresses) == 1,
                "mail %s went to %s only" % (oid, want_to), str(rcpts))
        C.check(msg["Date"] is not None and msg["Message-ID"] and msg["From"]
                and msg["MIME-Version"] == "1.0", "mail %s: Date, From, Message-ID, MIME" % oid,
                raw[:300].decode(errors="replace"))
        subject = str(email.header.make_header(email.header.decode_header(
            raw.split(b"\r\nSubject:")[1].split(b"\r\nMessage-ID")[0].decode("ascii").replace("\r\n", ""))))
        body = msg.get_content()
        if login == "ana":
            C.check(b"=?UTF-8?B?" in raw.split(b"\r\n\r\n")[0] and subject.startswith("[mamori] ")
                    and any(w in subject for w in ("新しい提出", "状態の悪化", "期限", "マイルストーン")),
                    "ana's mail is Japanese, its subject RFC 2047 encoded", subject)
        else:
            C.check(subject.isascii() and any(w in subject for w in ("new submission", "status",
                                                                     "overdue", "expires")),
                    "%s's mail is English" % login, subject)
            own = {"adm-a": "Org A", "adm-b": "Org B"}[login]
            C.check(own in subject and all(o not in subject + body for o in ("Org A", "Org B", "Org C")
                                           if o != own),
                    "%s's mail is about its own organization only" % login, subject)
    # webhooks: each signed, each verified by the receiver, each event id once
    ids = [h[1] for h in hooks]
    C.check(hooks and all(h[2] for h in hooks), "every webhook's signature verifies",
            json.dumps([h[:3] for h in hooks])[:400])
    C.check(len(ids) == len(set(ids)), "each webhook event arrived once", str(ids))
    sent_hooks = [i for c in (W.ana, W.adm["B"]) for i in deliveries(c) if i["channel"] == "webhook"]
    C.check(len(hooks) == len(sent_hooks) and all(i["state"] == "sent" for i in sent_hooks),
            "one POST per webhook delivery (%d)" % len(sent_hooks), "%d vs %d" % (len(hooks), len(sent_hooks)))
    C.check(all(h[3].get("organization") and h[3].get("type") for h in hooks),
            "a webhook's body names its type and organization", json.dumps(hooks[0][3]) if hooks else "")
    # a tampered body does not verify
    if hooks:
        C.check(not verify("t=%d,v1=%s" % (int(time.time()), "0" * 64), W.secret["ana"], b"{}"),
                "a wrong signature does not verify", "")
    # the time-based events of the new "today": C's conditional status and overdue milestones
    ana_kinds = {i["class"] for i in deliveries(W.ana)}
    C.check({"conditional-expiring", "milestone-overdue", "submission", "status-drop"} <= ana_kinds,
            "the authority's analyst heard of the time-based events", str(ana_kinds))
    notes = W.adm["C"].get("/api/v1/notifications").json
    kinds_c = {i.get("kind") for i in notes.get("items", [])}
    C.check({"conditional-expiring", "milestone-overdue"} <= kinds_c and
            all((i.get("detail") or {}).get("org_id") == W.org["C"] for i in notes["items"]),
            "C's own notifications: its expiry and milestones, nothing of others", str(kinds_c))
    # every attempt is kept: a delivery that failed first shows its failures, then the success
    retried = [i for i in deliveries(W.ana) if i["attempts"] >= 2]
    C.check(retried and all(not i["tries"][0]["ok"] and i["tries"][-1]["ok"] for i in retried),
            "the attempts: failures first, then the one that went through", json.dumps(retried[:1]))
    # the secret is never logged
    # the disabled user's deliveries were given up, with why, and nothing reached it
    con = mm.db_ro(W.db)
    try:
        rows = con.execute("SELECT o.state, a.result FROM notify_outbox o JOIN notify_attempts a"
                           " ON a.outbox_id = o.id WHERE o.user_id = ? ORDER BY a.id", (W.gone_id,)).fetchall()
    finally:
        con.close()
    C.check(rows and all(r[0] == "dropped" for r in rows) and "disabled" in rows[-1][1]
            and not any("gone-a@a.test" in " ".join(m[1]) for m in mails),
            "a disabled user's mail is dropped, never sent", str(rows[-3:]))
    later_days(srv, received)
    log = srv.log_text(0)
    C.check(all(s not in log for s in W.secret.values()), "no webhook secret in the log", "")


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    W.smtp_port, W.hook_port = free_port(), free_port()  # nothing listens there yet: both down
    W.hook_secrets, W.sink, W.recv = {}, None, None
    W.db = db
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log, ["--notify-smtp", "smtp://127.0.0.1:%d" % W.smtp_port,
                              "--notify-from", "mamori@authority.test", "--notify-interval", "3600",
                              "--notify-retry", "1",
                              "--notify-webhooks", "http://127.0.0.1:%d/hook/" % W.hook_port]).start()
    W.srv = srv
    try:
        root = mm.activate(srv, "root", otp)
        W.rt = mm.token_client(srv, root, "root")
        auth = (W.rt.get("/api/v1/session").json or {}).get("user", {}).get("org_id")
        W.ana = mm.make_user(srv, W.rt, auth, "ana", "authority-analyst")
        W.org, W.adm, W.key = {}, {}, {}
        for name in ("A", "B", "C"):
            W.org[name] = mm.create_org(W.rt, "Org " + name)["id"]
            W.adm[name] = mm.make_user(srv, W.rt, W.org[name], "adm-" + name.lower(), "contractor-admin")
        preferences(srv)
        relay_down(srv, T)
        relay_up(srv, T)
    finally:
        srv.stop()
        if W.sink:
            W.sink.stop()
        if W.recv and W.recv.thread:
            W.recv.stop()
    C.finish()


if __name__ == "__main__":
    main()
