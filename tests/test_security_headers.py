"""Issue 12, finding 13 (CSP, Server banner) and 15 (serving under load), 等保三级 入侵防范.

- Every page answers a Content-Security-Policy that allows scripts only from the platform itself, and no page
  or template carries an inline script (`<script>` without src, `on…=` handlers, `javascript:` links).
- gunicorn started as `make run` starts it (the line is read from the Makefile) sends no `Server` header, and
  runs threaded workers: clients that hold connections open (slow requests) do not stop others being served.
"""

import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "zugong" / "templates"

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def assert_strict(response):
    p = policy(response)
    assert p["script-src"] == ["'self'"], p["script-src"]  # no 'unsafe-inline', no 'unsafe-eval', no hosts
    assert p["default-src"] == ["'self'"]
    assert p["object-src"] == ["'none'"] and p["frame-ancestors"] == ["'none'"]
    assert p["base-uri"] == ["'self'"] and p["form-action"] == ["'self'"]


def assert_no_inline_script(html: str, where: str):
    assert not INLINE_SCRIPT.search(html), (where, INLINE_SCRIPT.search(html).group(0))
    assert not HANDLER.search(html), (where, HANDLER.search(html).group(0))
    assert not JS_URL.search(html), (where, JS_URL.search(html).group(0))


@pytest.mark.django_db
def test_main_pages_answer_a_strict_csp_and_carry_no_inline_script(client, tree, users, login):
    login(users.admin)
    person = tree.people.zhangsan
    pages = [
        reverse("home"),
        reverse("people:list"),
        reverse("orgs:list"),
        reverse("orgs:tree"),
        reverse("workbench:findings"),
        reverse("search") + "?q=zs",
        reverse("people:detail", args=[person.pk]),
        reverse("orgs:detail", args=[tree.b1.pk]),
        reverse("people:edit", args=[person.pk]),
        reverse("dashboards:home"),
        reverse("cadres:roster"),
        reverse("branchlife:list"),
        reverse("api-docs"),
    ]
    for url in pages:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        assert_strict(r)
        assert_no_inline_script(r.content.decode(), url)
    # The API docs' own script is a separate request (SpectacularSwaggerSplitView), allowed by 'self'.
    assert client.get(reverse("api-docs") + "?script=").status_code == 200
    # The login page and an error page too.
    client.logout()
    r = client.get(reverse("login"))
    assert_strict(r)
    assert_no_inline_script(r.content.decode(), "login")
    assert_strict(client.get("/no-such-page/"))


def test_no_template_or_table_writes_an_inline_script():
    """Templates and the Python that writes HTML attributes (tables) stay inside the policy."""
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for rx in (INLINE_SCRIPT, HANDLER, JS_URL):
            for m in rx.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)[:80]}")
    for path in sorted((ROOT / "zugong").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for m in re.finditer(r"""["'](on(?:click|change|submit|load|input|focus|blur|keyup|keydown))["']\s*:""",
                             path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert offenders == []


# ------------------------------------------------------------------------------------ gunicorn as `make run` runs it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_run_gunicorn(port: int) -> list[str]:
    """The gunicorn command line of the Makefile's `run` target, with this venv and the given port."""
    text = (ROOT / "Makefile").read_text()
    line = next(ln for ln in text.splitlines() if "$(BIN)/gunicorn" in ln)
    line = line.strip().rstrip("\\").strip()
    bin_dir = str(Path(sys.executable).parent)
    line = line.replace("$(BIN)", bin_dir).replace("$(PORT)", str(port))
    return shlex.split(line)


def _db_url() -> str:
    sd = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{sd['NAME']}"
    return f"postgres://{sd['USER']}@{sd['HOST'] or '127.0.0.1'}:{sd['PORT'] or 5432}/{sd['NAME']}"


@pytest.fixture
def gunicorn(db, tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _db_url(), "ZUGONG_WEB_WORKERS": "2", "ZUGONG_WEB_THREADS": "4"}
    log = open(tmp_path / "gunicorn.log", "wb")
    proc = subprocess.Popen(make_run_gunicorn(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text()[-2000:])
                time.sleep(0.3)
        get(port, "/accounts/login/", timeout=60)  # the workers have loaded Django
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def get(port: int, path: str, timeout: float = 10) -> tuple[str, dict[str, str]]:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return head[0], headers


def test_gunicorn_as_make_run_starts_it_sends_no_server_banner(gunicorn):
    status, headers = get(gunicorn, "/accounts/login/")
    assert " 200 " in status
    assert "server" not in headers, headers.get("server")
    assert "content-security-policy" in headers
    status, headers = get(gunicorn, "/static/zugong/zugong.js")  # whitenoise's answers too
    assert " 200 " in status and "server" not in headers


def test_slow_requests_do_not_hold_up_everyone(gunicorn):
    """Three requests take their time (their headers trickle in: a slow network, a stalled client). They take
    today's three sync workers, and the next request waits for the 30 s timeout; threaded workers (two processes
    of four threads here) serve it beside them at once."""
    slow = []
    try:
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", gunicorn), timeout=5)
            s.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: not finished
            slow.append(s)
        time.sleep(1)
        started = time.monotonic()
        status, _headers = get(gunicorn, "/accounts/login/", timeout=10)
        assert " 200 " in status
        assert time.monotonic() - started < 5
    finally:
        for s in slow:
            s.close()
