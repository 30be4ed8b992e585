#!/usr/bin/env python3
"""mamori serve under systemd's protocols, without systemd: readiness and reload.

- Type=notify: the server sends READY=1 to NOTIFY_SOCKET (a datagram socket this test binds)
  once it listens, RELOADING=1 then READY=1 around a SIGHUP, STOPPING=1 on SIGTERM.
- SIGHUP renews the TLS certificate (docs/operations.md, "Renewing the TLS certificate"): the
  files at the configured paths are replaced, the server is sent SIGHUP; a connection opened
  before the reload finishes its request on the old certificate (not dropped), a new one gets
  the new certificate; a pair that does not load changes nothing (the server goes on with the
  last good one and logs why).
"""

import hashlib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402


def make_cert(tmp, name):
    key, crt = os.path.join(tmp, name + ".key"), os.path.join(tmp, name + ".crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=" + name, "-keyout", key, "-out", crt],
                   check=True, capture_output=True, timeout=60)
    with open(crt, "rb") as f:
        der = ssl.PEM_cert_to_DER_cert(f.read().decode())
    return crt, key, hashlib.sha256(der).hexdigest()


class Notify:
    """The NOTIFY_SOCKET end of systemd's notification protocol (sd_notify(3))."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.seen = []

    def wait(self, word, timeout=30.0):
        end = time.time() + timeout
        while time.time() < end:
            self.sock.settimeout(max(0.05, end - time.time()))
            try:
                msg = self.sock.recv(4096).decode()
            except socket.timeout:
                break
            self.seen.append(msg)
            if word in msg.split("\n"):
                return True
        return False


def tls_conn(port):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    s = ctx.wrap_socket(raw)
    return s, hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest()


def read_answer(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


def main():
    tmp = mm.fresh_tmp()
    c = mm.Checker()
    a_crt, a_key, a_fp = make_cert(tmp, "a")
    b_crt, b_key, b_fp = make_cert(tmp, "b")
    live_crt, live_key = os.path.join(tmp, "live.crt"), os.path.join(tmp, "live.key")
    for src, dst in ((a_crt, live_crt), (a_key, live_key)):
        with open(src, "rb") as f, open(dst, "wb") as g:
            g.write(f.read())
    db = os.path.join(tmp, "mamori.db")
    config = os.path.join(tmp, "mamori.json")
    with open(config, "w") as f:
        json.dump({"db": mm.db_url(db), "listen": "127.0.0.1:0", "tls-cert": live_crt,
                   "tls-key": live_key}, f)
    notify = Notify(os.path.join(tmp, "notify"))
    log_path = os.path.join(tmp, "serve.log")
    env = dict(os.environ, NOTIFY_SOCKET=notify.path, LSAN_OPTIONS="suppressions=" +
               os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan-gnutls.supp"))
    with open(log_path, "wb") as log:
        p = subprocess.Popen([mm.MAMORI, "serve", "--config", config], stderr=log, env=env)
    try:
        c.check(notify.wait("READY=1"), "READY=1 once it listens", str(notify.seen))
        port = 0
        with open(log_path) as f:
            for line in f:
                if '"listening"' in line:
                    port = json.loads(line)["port"]
        c.check(port > 0, "the listening line has the port")

        s1, fp1 = tls_conn(port)
        c.check(fp1 == a_fp, "before the renewal: the first certificate")
        s1.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # a request half sent

        # renewal: the new pair at the same paths, then SIGHUP
        for src, dst in ((b_crt, live_crt), (b_key, live_key)):
            with open(src, "rb") as f, open(dst + ".new", "wb") as g:
                g.write(f.read())
            os.replace(dst + ".new", dst)
        p.send_signal(signal.SIGHUP)
        c.check(notify.wait("RELOADING=1"), "RELOADING=1 on SIGHUP", str(notify.seen))
        end = time.time() + 20
        fp2 = None
        while time.time() < end:
            with open(log_path) as f:
                if "tls reloaded" in f.read():
                    s2, fp2 = tls_conn(port)
                    s2.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    ans2 = read_answer(s2)
                    s2.close()
                    break
            time.sleep(0.05)
        c.check(fp2 == b_fp, "after SIGHUP a new connection gets the new certificate")
        c.check(fp2 is not None and ans2.startswith("HTTP/1.1 200"), "and is answered",
                mm.short(ans2 if fp2 else ""))
        s1.sendall(b"Connection: close\r\n\r\n")
        ans1 = read_answer(s1)
        s1.close()
        c.check(ans1.startswith("HTTP/1.1 200"),
                "the connection opened before the reload is answered, not dropped", mm.short(ans1))
        c.check(notify.wait("READY=1"), "READY=1 after the reload", str(notify.seen))
        c.check(p.poll() is None, "the server still runs")

        # a broken renewal changes nothing
        with open(live_crt, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
        p.send_signal(signal.SIGHUP)
        c.check(notify.wait("READY=1"), "READY=1 after a failed reload", str(notify.seen))
        with open(log_path) as f:
            log_text = f.read()
        c.check("do not load" in log_text and "still serving the old ones" in log_text,
                "a pair that does not load is logged", mm.short(log_text[-600:]))
        s3, fp3 = tls_conn(port)
        s3.close()
        c.check(fp3 == b_fp, "and the last good certificate is still served")

        p.send_signal(signal.SIGTERM)
        c.check(notify.wait("STOPPING=1"), "STOPPING=1 on SIGTERM", str(notify.seen))
        c.check(p.wait(timeout=30) == 0, "exit 0 after SIGTERM")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    c.finish()


if __name__ == "__main__":
    main()
