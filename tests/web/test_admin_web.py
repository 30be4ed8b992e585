#!/usr/bin/env python3
"""The administration pages in a browser (issue 18 item 4; docs/dashboard.md): a prime and
its subcontractor with a supply edge and a contractor-admin, then tests/web/admin.mjs
(playwright-core driving Debian's /usr/bin/chromium): an organization created and edited
through the form (a bad identifier refused beside its field), a community created with it as
member, the subcontractor's consents granted and withdrawn, each checked against the API;
axe-core on each new page in English and Japanese.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Needs node, node_modules (`npm ci`) and /usr/bin/chromium.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import mmserver as mm  # noqa: E402


def main():
    mm.need_env()
    src = mm.SRC
    if not os.path.isfile(os.path.join(src, "node_modules", "playwright-core", "package.json")):
        print("FAIL node_modules/playwright-core is missing: run 'npm ci' (or 'make deps') in %s" % src)
        return 1
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    rc = 1
    try:
        rt = mm.activate(srv, "root", otp)
        prime = mm.create_org(rt, "Prime Heavy Industries K.K.", identifiers={"cage": "1PH01"})["id"]
        sub = mm.create_org(rt, "Sub Castings K.K.", parent_id=prime)["id"]
        prime_adm = mm.make_user(srv, rt, prime, "prime-adm", "contractor-admin")
        mm.make_user(srv, rt, sub, "sub-adm", "contractor-admin")
        mm.expect(prime_adm.post("/api/v1/organizations/%s/suppliers" % prime,
                                 {"supplier_id": sub, "contract": "C-7", "clauses": ["dfars-252.204-7012"],
                                  "handles": ["cui"]}), 201, "an edge sub -> prime")
        env = dict(os.environ, MM_URL=srv.url, MM_ROOT_LOGIN="root", MM_SUB_LOGIN="sub-adm",
                   MM_PASSWORD=mm.GOOD_PASSWORD, MM_SUB_ORG=sub, MM_PRIME_ORG=prime,
                   NODE_PATH=os.path.join(src, "node_modules"))
        p = subprocess.run(["node", os.path.join(HERE, "admin.mjs")], env=env, cwd=src, timeout=400)
        rc = p.returncode
        stop = srv.stop()
        if stop != 0:
            print("FAIL exit %s after SIGTERM" % stop)
            rc = 1
        if "AddressSanitizer" in srv.log_text():
            print("FAIL a sanitizer report in the log")
            rc = 1
    finally:
        srv.kill()
    return rc


if __name__ == "__main__":
    sys.exit(main())
