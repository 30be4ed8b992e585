"""Shared helpers of the process-level tests of `mamori serve` (tests/server/test_*.py).

Standard library only. The tests get MAMORI (the binary), MM_SOURCE_DIR and MM_TMP (a
private scratch folder) from the environment, as CMake sets them.

- Server: starts `mamori serve --db DB --listen 127.0.0.1:0 ...` with stderr to a log
  file, reads the port from the JSON "listening" line, stops it by its PID only (SIGTERM,
  then SIGKILL), and is always stopped at exit.
- request()/Client: HTTP that never raises on 4xx/5xx (only on a dead connection).
- set-up helpers: admin init, logon, password change, tokens, organizations, users, keys,
  signing and submitting.
- ed25519_sign/ed25519_verify: RFC 8032 Ed25519 in pure Python (the standard library has
  none), to check the server's receipts and to sign many documents without a process each.
- the database: tests name it by a file path (T/mamori.db). With MM_TEST_DB_URL set (a
  postgresql:// URL of the throwaway cluster, scripts/pg-test.sh), every helper maps that path
  to a fresh PostgreSQL database of its own (created on first use, empty), passes its URL to
  `mamori`, and db_ro/db_rw give a connection-like object that runs the same SQL through psql.
"""

import atexit
import base64
import glob
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

MAMORI = os.environ.get("MAMORI", "")
SRC = os.environ.get("MM_SOURCE_DIR", "")
TMP = os.environ.get("MM_TMP", "")

EXAMPLE_R3 = os.path.join(SRC, "examples", "hokuto", "assessment-r3.json")
EXAMPLE_R2 = os.path.join(SRC, "examples", "hokuto", "assessment-r2.json")

# A password every test user ends up with (12..1024 characters, docs/api.md).
GOOD_PASSWORD = "correct horse battery staple 7"


def need_env():
    missing = [v for v in ("MAMORI", "MM_SOURCE_DIR", "MM_TMP") if not os.environ.get(v)]
    if missing:
        sys.exit("needs the environment variables " + ", ".join(missing))
    if not os.access(MAMORI, os.X_OK):
        sys.exit("MAMORI=%s is not an executable" % MAMORI)


def fresh_tmp(sub=None):
    """MM_TMP emptied and created (or a sub-folder of it); returns its path."""
    need_env()
    path = TMP if sub is None else os.path.join(TMP, sub)
    if sub is None:
        shutil.rmtree(TMP, ignore_errors=True)
    os.makedirs(path, exist_ok=True)
    return path


# ---- results --------------------------------------------------------------------------------


class Checker:
    """Collects ok/FAIL lines; finish() exits 1 listing every failure."""

    def __init__(self):
        self.fails = []
        self.oks = 0
        self.lock = threading.Lock()

    def check(self, cond, name, detail=""):
        with self.lock:
            if cond:
                self.oks += 1
                print("ok   " + name, flush=True)
            else:
                msg = name + (": " + detail if detail else "")
                self.fails.append(msg)
                print("FAIL " + msg, flush=True)
        return bool(cond)

    def status(self, resp, want, name):
        """want: an int, or a tuple/set of acceptable statuses."""
        wants = want if isinstance(want, (tuple, list, set, frozenset)) else (want,)
        return self.check(resp.status in wants, name,
                          "status %s, want %s; body: %s" % (resp.status, "/".join(map(str, wants)),
                                                            short(resp.text)))

    def finish(self):
        print("%d ok, %d failure(s)" % (self.oks, len(self.fails)))
        if self.fails:
            print("FAILURES:")
            for f in self.fails:
                print("  - " + f)
            sys.exit(1)
        print("all ok")


def short(s, n=300):
    s = s if isinstance(s, str) else repr(s)
    return s if len(s) <= n else s[:n] + "...(%d chars)" % len(s)


# ---- the server process -----------------------------------------------------------------------

_servers = []


def _stop_all():
    for s in list(_servers):
        try:
            s.kill()
        except Exception:
            pass


atexit.register(_stop_all)


def _on_signal(signum, frame):
    _stop_all()
    sys.exit(1)


for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    try:
        signal.signal(_sig, _on_signal)
    except (ValueError, OSError):
        pass


class ServerError(Exception):
    pass


class Server:
    """One `mamori serve` process at a time (restartable, on a new port each time)."""

    def __init__(self, db, log, extra=()):
        self.db = db
        self.log = log
        self.extra = list(extra)
        self.proc = None
        self.port = None
        self.starts = 0
        _servers.append(self)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=30.0):
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError("already running")
        offset = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        errf = open(self.log, "ab")
        try:
            self.proc = subprocess.Popen(
                [MAMORI, "serve", "--db", db_url(self.db), "--listen", "127.0.0.1:0"] + self.extra,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errf)
        finally:
            errf.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        delay = 0.01
        while time.monotonic() < deadline:
            port = self._find_port(offset)
            if port:
                self.port = port
                return self
            if self.proc.poll() is not None:
                raise ServerError("mamori serve exited with %s before listening:\n%s"
                                  % (self.proc.returncode, self.log_text(offset)[-3000:]))
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        self.kill()
        raise ServerError("mamori serve did not log its port within %.0f s:\n%s"
                          % (timeout, self.log_text(offset)[-3000:]))

    def _find_port(self, offset):
        with open(self.log, "rb") as f:
            f.seek(offset)
            data = f.read()
        for line in data.split(b"\n"):
            if b'"listening"' not in line:
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if obj.get("msg") == "listening" and isinstance(obj.get("port"), int) and obj["port"] > 0:
                return obj["port"]
        return None

    def log_text(self, offset=0):
        try:
            with open(self.log, "rb") as f:
                f.seek(offset)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL after timeout; returns the exit status (None if killed)."""
        if self.proc is None:
            return None
        p = self.proc
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)  # to this PID only
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(10)
                self.proc = None
                return None
        self.proc = None
        return p.returncode

    def kill(self):
        """SIGKILL (by PID) and reap."""
        if self.proc is None:
            return
        p = self.proc
        if p.poll() is None:
            p.kill()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None

    def restart(self, timeout=30.0):
        self.stop()
        return self.start(timeout)


def run(args, input=None, timeout=120, check=False):
    """Runs MAMORI with args; returns CompletedProcess (text)."""
    cp = subprocess.run([MAMORI] + list(args), input=input, capture_output=True, text=True,
                        timeout=timeout)
    if check and cp.returncode != 0:
        raise RuntimeError("mamori %s exited %d: %s" % (" ".join(args), cp.returncode, cp.stderr))
    return cp


def admin_init(db, login="root"):
    """`mamori admin init`; returns (authority org id, one-time password)."""
    cp = run(["admin", "init", "--db", db_url(db), "--login", login], check=True)
    m = re.search(r"^password:\s+(\S+)\s*$", cp.stdout, re.M)
    o = re.search(r"^authority:\s+.*\(([^()]+)\)\s*$", cp.stdout, re.M)
    if not m:
        raise RuntimeError("no password in the output of admin init: %r" % cp.stdout)
    return (o.group(1) if o else None), m.group(1)


def audit_verify(db):
    return run(["audit", "verify", "--db", db_url(db)])


# ---- the database: SQLite file, or PostgreSQL with MM_TEST_DB_URL -------------------------------

PG_URL = os.environ.get("MM_TEST_DB_URL", "")
_pg_dbs = {}  # test path -> URL of its own fresh database


class DatabaseError(Exception):
    """A statement the database refused (sqlite3.DatabaseError on SQLite)."""


def on_pg():
    return bool(PG_URL)


def _pg_bin(name):
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(d, name), os.X_OK):
            return os.path.join(d, name)
    return shutil.which(name) or name


def _psql(url, sql):
    """Runs sql (one statement) through psql; returns stdout; DatabaseError if refused."""
    cp = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url,
                         "-c", sql], capture_output=True, text=True, timeout=120)
    if cp.returncode != 0:
        raise DatabaseError(cp.stderr.strip())
    return cp.stdout


def db_url(db):
    """What `mamori --db` gets for the test database named by path db: the path itself on
    SQLite; on PostgreSQL the URL of a database made fresh (dropped and created, so empty) the
    first time this process names that path."""
    if not PG_URL or "://" in db:
        return db
    if db not in _pg_dbs:
        tag = re.sub(r"[^a-z0-9]+", "_", os.path.basename(TMP.rstrip("/")).lower())[:30]
        name = "mm_%s_%s" % (tag, hashlib.sha256(db.encode()).hexdigest()[:10])
        _psql(PG_URL, 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        _psql(PG_URL, 'CREATE DATABASE "%s"' % name)
        u = urllib.parse.urlsplit(PG_URL)
        _pg_dbs[db] = urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))
    return _pg_dbs[db]


def _pg_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"  # standard_conforming_strings: no escapes


class _Rows:
    def __init__(self, rows):
        self.rows = rows

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return list(self.rows)

    def __iter__(self):
        return iter(self.rows)


class PgConnection:
    """The part of sqlite3.Connection the tests use (execute, fetchone/fetchall, iteration,
    commit, rollback, close), on PostgreSQL through psql: every statement on its own (autocommit),
    `?` parameters as literals. SQLite's catalog queries and statements the tests use are
    given their PostgreSQL equivalents here, so the tests' assertions stay the same."""

    def __init__(self, url):
        self.url = url

    def _translate(self, sql):
        s = " ".join(sql.split())
        if re.match(r"SELECT name FROM sqlite_master WHERE type='table'", s):
            return ("SELECT table_name::text FROM information_schema.tables"
                    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                    " ORDER BY 1")
        m = re.match(r"SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='(\w+)'$", s)
        if m:
            return ("SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal"
                    " AND tgrelid = '%s'::regclass ORDER BY 1" % m.group(1))
        m = re.match(r'DROP TRIGGER "([^"]+)"$', s)
        if m:  # PostgreSQL names the table too
            rows = self._query("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s"
                               % _pg_literal(m.group(1)))
            if not rows:
                raise DatabaseError("no trigger %s" % m.group(1))
            return 'DROP TRIGGER "%s" ON %s' % (m.group(1), rows[0][0])
        return sql

    def _query(self, sql):
        """The rows of a SELECT, as tuples of JSON-typed values in column order."""
        out = _psql(self.url, "SELECT coalesce(json_agg(q), '[]'::json) FROM (%s) q" % sql)
        return [tuple(v for _, v in row)
                for row in json.loads(out or "[]", object_pairs_hook=lambda pairs: pairs)]

    def execute(self, sql, params=()):
        if sql.strip().upper() == "PRAGMA INTEGRITY_CHECK":
            # PostgreSQL's: pg_amcheck over every table and index of the database
            u = urllib.parse.urlsplit(self.url)
            cp = subprocess.run([_pg_bin("pg_amcheck"), "--install-missing", "-h", u.hostname,
                                 "-p", str(u.port or 5432), "-U", u.username or "postgres",
                                 u.path.lstrip("/")],
                                capture_output=True, text=True, timeout=300)
            return _Rows([("ok" if cp.returncode == 0 else (cp.stdout + cp.stderr).strip(),)])
        sql = self._translate(sql)
        parts = sql.split("?")
        if len(parts) - 1 != len(params):
            raise DatabaseError("%d parameters for %d placeholders" % (len(params), len(parts) - 1))
        text = parts[0] + "".join(_pg_literal(p) + rest for p, rest in zip(params, parts[1:]))
        if re.match(r"\s*(SELECT|WITH)\b", text, re.I):
            return _Rows(self._query(text))
        _psql(self.url, text)
        return _Rows([])

    def commit(self):
        pass

    def rollback(self):
        pass

    def close(self):
        pass


def db_ro(db):
    """A read-only connection to the test database (never creates or changes it)."""
    if on_pg():
        return PgConnection(db_url(db))
    return sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(db), uri=True, timeout=10)


def db_rw(db):
    """A read-write connection to the test database, as an attacker with file or database
    access has (statements the schema refuses raise DatabaseError)."""
    if on_pg():
        return PgConnection(db_url(db))
    return _SqliteRW(sqlite3.connect(db))


class _SqliteRW:
    """sqlite3.Connection whose refusals are DatabaseError (the same name on both backends)."""

    def __init__(self, con):
        self.con = con

    def execute(self, sql, params=()):
        try:
            return self.con.execute(sql, params)
        except sqlite3.DatabaseError as e:
            raise DatabaseError(str(e))

    def commit(self):
        self.con.commit()

    def rollback(self):
        self.con.rollback()

    def close(self):
        self.con.close()


def table_counts(db):
    con = db_ro(db)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {n: con.execute('SELECT count(*) FROM "%s"' % n.replace('"', '""')).fetchone()[0]
                for n in names}
    finally:
        con.close()


# ---- HTTP ----------------------------------------------------------------------------------


class Resp:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.raw = raw
        self.text = raw.decode("utf-8", "replace")
        self.json = None
        if raw:
            try:
                self.json = json.loads(self.text)
            except ValueError:
                self.json = None

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @property
    def body(self):
        return self.json if self.json is not None else self.text

    def error_code(self):
        try:
            return self.json["error"]["code"]
        except (TypeError, KeyError):
            return None

    def error_message(self):
        try:
            return self.json["error"]["message"]
        except (TypeError, KeyError):
            return None

    def __iter__(self):  # status, headers, body = resp
        return iter((self.status, dict((k.lower(), v) for k, v in self.headers), self.body))

    def __repr__(self):
        return "<%s %s>" % (self.status, short(self.text, 200))


def request(port, method, path, body=None, headers=None, timeout=30.0):
    """One HTTP/1.1 request on a fresh connection. body: bytes, str, or a JSON value (sent
    as application/json). Returns Resp for any status; raises OSError/HTTPException only
    when there is no answer."""
    hdrs = dict(headers or {})
    data = None
    if body is not None:
        if isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode("utf-8")
        else:
            data = json.dumps(body).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        raw = r.read()
        return Resp(r.status, r.getheaders(), raw)
    finally:
        conn.close()


def raw_request(port, data, timeout=10.0):
    """Sends raw bytes; returns (status or None, all bytes read until close/timeout)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    try:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if len(out) > 1 << 20:
                break
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", out)
    return (int(m.group(1)) if m else None), out


class Client:
    """A caller: anonymous, a Bearer token, or a session cookie with its CSRF token. The
    server object is read at each request, so a restarted server (new port) is followed."""

    def __init__(self, server, token=None, cookie=None, csrf=None, login=None, password=None):
        self.server = server
        self.token = token
        self.cookie = cookie  # "mm_session=..." (name=value only)
        self.csrf = csrf
        self.login = login
        self.password = password
        self.user = None

    def req(self, method, path, body=None, headers=None, csrf=True, timeout=30.0):
        h = {}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if self.cookie:
            h["Cookie"] = self.cookie
            if csrf and self.csrf and method not in ("GET", "HEAD", "OPTIONS"):
                h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        return request(self.server.port, method, path, body, h, timeout)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.req("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.req("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)


def parse_set_cookie(resp, name="mm_session"):
    """(value, [attributes]) of the cookie `name` in Set-Cookie, or (None, [])."""
    for sc in resp.header_all("Set-Cookie"):
        parts = [p.strip() for p in sc.split(";")]
        if parts and parts[0].startswith(name + "="):
            return parts[0][len(name) + 1:], parts[1:]
    return None, []


def logon(server, login, password):
    """POST /api/v1/session; returns (Resp, Client with the cookie and CSRF token or None)."""
    r = request(server.port, "POST", "/api/v1/session", {"login": login, "password": password})
    if r.status != 200:
        return r, None
    value, _ = parse_set_cookie(r)
    csrf = r.json.get("csrf_token") if isinstance(r.json, dict) else None
    c = Client(server, cookie="mm_session=%s" % value if value else None, csrf=csrf,
               login=login, password=password)
    c.user = r.json.get("user") if isinstance(r.json, dict) else None
    return r, c


class SetupError(Exception):
    pass


def expect(resp, want, what):
    wants = want if isinstance(want, (tuple, list, set)) else (want,)
    if resp.status not in wants:
        raise SetupError("%s: HTTP %s, want %s: %s" % (what, resp.status, want, short(resp.text)))
    return resp


def change_password(client, current, new):
    return client.post("/api/v1/password", {"current": current, "new": new})


def activate(server, login, one_time_password, new_password=GOOD_PASSWORD):
    """Logs on with a one-time password, sets new_password, logs on again; returns the new
    session Client (password set)."""
    r, c = logon(server, login, one_time_password)
    expect(r, 200, "logon of %s with its one-time password" % login)
    expect(change_password(c, one_time_password, new_password), (200, 204),
           "password change of %s" % login)
    r, c = logon(server, login, new_password)
    expect(r, 200, "logon of %s with its new password" % login)
    return c


def new_token(client, name="test", expires_days=None):
    body = {"name": name}
    if expires_days is not None:
        body["expires_days"] = expires_days
    r = expect(client.post("/api/v1/tokens", body), 201, "token %s" % name)
    return r.json


def token_client(server, session_client, name="test"):
    """A Bearer-token Client of the same user as session_client."""
    t = new_token(session_client, name)
    c = Client(server, token=t["token"], login=session_client.login,
               password=session_client.password)
    c.user = session_client.user
    c.token_id = t["id"]
    return c


def create_org(client, name, parent_id=None, identifiers=None, kind=None):
    body = {"name": name}
    if kind:
        body["kind"] = kind
    if identifiers is not None:
        body["identifiers"] = identifiers
    if parent_id is not None:
        body["parent_id"] = parent_id
    r = expect(client.post("/api/v1/organizations", body), 201, "create organization %r" % name)
    org = r.json.get("organization", r.json) if isinstance(r.json, dict) else r.json
    return org


def create_user(client, org_id, login, role):
    """Returns the one-time password."""
    r = expect(client.post("/api/v1/organizations/%s/users" % org_id,
                           {"login": login, "role": role}), 201, "create user %s" % login)
    return r.json["one_time_password"]


def make_user(server, admin, org_id, login, role, password=GOOD_PASSWORD):
    """Creates, activates and returns a Bearer-token Client (with .session: a cookie client)."""
    otp = create_user(admin, org_id, login, role)
    sess = activate(server, login, otp, password)
    c = token_client(server, sess, "matrix-" + login)
    c.session = sess
    return c


def keygen(org_name, path):
    run(["keygen", "--org", org_name, "-o", path], check=True)
    with open(path + ".pub", "rb") as f:
        pub = f.read()
    with open(path, "rb") as f:
        sec = json.loads(f.read())
    return pub, sec


def register_key(client, org_id, pub_bytes):
    return client.post("/api/v1/organizations/%s/keys" % org_id, pub_bytes,
                       headers={"Content-Type": "application/json"})


def key_row_id(resp):
    j = resp.json or {}
    if isinstance(j.get("key"), dict):
        j = j["key"]
    return j.get("id")


def variant(base_path, out_path, note, assessed=None):
    """A copy of an assessment with an ignored member `_note` (so the signed envelope, and
    its hash, differ) and optionally another dates.assessed."""
    with open(base_path, "rb") as f:
        a = json.loads(f.read())
    a["_note"] = note
    if assessed:
        a.setdefault("dates", {})
        a["dates"]["assessed"] = assessed
    with open(out_path, "w") as f:
        json.dump(a, f, indent=2, ensure_ascii=False)
    return out_path


def sign(assessment, key, out, official="Kenji Sato", date="2026-11-20"):
    run(["sign", assessment, "--key", key, "--official", official, "--date", date, "-o", out],
        check=True)
    with open(out, "rb") as f:
        return f.read()


def submit(client, signed_bytes):
    return client.post("/api/v1/submissions", signed_bytes,
                       headers={"Content-Type": "application/json"})


# ---- the canonical form and Ed25519 (docs/signing.md) -------------------------------------------


def canonical_bytes(obj):
    """The canonical bytes of a JSON value as mamori signs them (docs/signing.md)."""
    canon = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return re.sub(rb"\\(\\|u[0-9a-f]{4})", lambda m: m.group(0)[:2] + m.group(0)[2:].upper(),
                  canon.encode("ascii"))


def envelope_hash(signed_doc):
    """SHA-256 hex of the canonical bytes of a signed document's envelope."""
    doc = json.loads(signed_doc) if isinstance(signed_doc, (bytes, str)) else signed_doc
    return hashlib.sha256(canonical_bytes(doc["envelope"])).hexdigest()


_P = 2 ** 255 - 19
_Q = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _inv(x):
    return pow(x, _P - 2, _P)


def _add(a, b):
    A = (a[1] - a[0]) * (b[1] - b[0]) % _P
    B = (a[1] + a[0]) * (b[1] + b[0]) % _P
    C = 2 * a[3] * b[3] * _D % _P
    D = 2 * a[2] * b[2] % _P
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % _P, G * H % _P, F * G % _P, E * H % _P)


def _mul(s, pt):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _eq(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * _inv(_D * y * y + 1) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


_GY = 4 * _inv(5) % _P
_GX = _recover_x(_GY, 0)
_G = (_GX, _GY, 1, _GX * _GY % _P)


def _compress(pt):
    zi = _inv(pt[2])
    x, y = pt[0] * zi % _P, pt[1] * zi % _P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _decompress(s):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % _P)


def _h(b):
    return int.from_bytes(hashlib.sha512(b).digest(), "little") % _Q


def ed25519_sign(seed, msg):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    A = _compress(_mul(a, _G))
    r = _h(h[32:] + msg)
    R = _compress(_mul(r, _G))
    s = (r + _h(R + A + msg) * a) % _Q
    return R + int.to_bytes(s, 32, "little")


def ed25519_verify(public, msg, sig):
    if len(public) != 32 or len(sig) != 64:
        return False
    A = _decompress(public)
    R = _decompress(sig[:32])
    if A is None or R is None:
        return False
    s = int.from_bytes(sig[32:], "little")
    if s >= _Q:
        return False
    return _eq(_mul(s, _G), _add(R, _mul(_h(sig[:32] + public + msg), A)))


def sign_envelope(envelope, secret_key_file_json):
    """A signed document (bytes, as `mamori sign` lays it out) made in Python."""
    sk = base64.b64decode(secret_key_file_json["secret_key"])
    sig = ed25519_sign(sk[:32], canonical_bytes(envelope))
    doc = {"envelope": envelope, "key_id": secret_key_file_json["key_id"],
           "signature": base64.b64encode(sig).decode("ascii")}
    return json.dumps(doc, indent=2, sort_keys=True).encode("utf-8")


def make_envelope(assessment_obj, official="Kenji Sato", date="2026-11-20"):
    return {"affirming_official": {"date": date, "name": official},
            "assessment": assessment_obj, "evidence": [], "kind": "mamori-submission",
            "version": 1}


def verify_receipt(receipt_doc, server_public_key_b64):
    """True when the receipt's signature is the server key's over the canonical bytes of
    its "receipt" member (docs/signing.md)."""
    try:
        rec = receipt_doc["receipt"]
        sig = base64.b64decode(receipt_doc["signature"], validate=True)
        pub = base64.b64decode(server_public_key_b64, validate=True)
    except (KeyError, TypeError, ValueError):
        return False
    return ed25519_verify(pub, canonical_bytes(rec), sig)


def receipt_of(resp):
    """The "receipt" object of a 201 answer (the document may be the receipt itself)."""
    j = resp.json
    if isinstance(j, dict) and isinstance(j.get("receipt"), dict):
        return j["receipt"]
    return j if isinstance(j, dict) else {}


def walk_keys(v):
    """Every member name anywhere in a JSON value."""
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from walk_keys(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk_keys(x)
