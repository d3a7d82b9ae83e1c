"""gunicorn's configuration for zugong (`gunicorn zugong.wsgi -c python:zugong.gunicorn_conf`, as `make run` does).

Threaded workers (gthread), so that a slow page (a province-wide list, a dashboard) holds one thread, not a whole
process, and the requests behind it are served by the other threads (issue 12, finding 15: three sync workers
queued every request under 100 users). Sized to the machine, each number overridable from the environment:

- ZUGONG_WEB_WORKERS: processes, default the number of CPU cores (at least 2), at most 8;
- ZUGONG_WEB_THREADS: threads per process, default 8;
- ZUGONG_WEB_TIMEOUT: seconds a worker may stay silent before it is restarted, default 30.

Threads share nothing but the process: Django opens one database connection per thread (PostgreSQL keeps it
for CONN_MAX_AGE; SQLite opens one per request, in WAL mode with a busy timeout, see settings.py). Imports and
large exports never run here: they are jobs for `zugong db_worker`.

No `Server` banner (等保三级 入侵防范: do not tell the software and version): gunicorn has no setting for its
`Server: gunicorn` header, so the response's default headers are filtered here, once, when gunicorn loads this
file (before it forks its workers).
"""

import os

from gunicorn.http import wsgi as _gunicorn_wsgi

try:
    _cores = len(os.sched_getaffinity(0))
except AttributeError:  # not Linux
    _cores = os.cpu_count() or 2

worker_class = "gthread"
workers = int(os.environ.get("ZUGONG_WEB_WORKERS") or min(8, max(2, _cores)))
threads = int(os.environ.get("ZUGONG_WEB_THREADS") or 8)
timeout = int(os.environ.get("ZUGONG_WEB_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
# Accept and hold more connections than threads: they wait for a free thread instead of being refused.
worker_connections = 1000
backlog = 2048
# The request line and headers a browser sends are far below these; larger ones are refused before Django.
limit_request_line = 8190
limit_request_fields = 100
# The access log (`make run` writes it to the console) ends with the time the request took in the worker, in ms.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def _without_server_header(default_headers):
    def headers(self):
        return [h for h in default_headers(self) if not h.lower().startswith("server:")]

    headers.__wrapped__ = default_headers
    return headers


if not hasattr(_gunicorn_wsgi.Response.default_headers, "__wrapped__"):
    _gunicorn_wsgi.Response.default_headers = _without_server_header(_gunicorn_wsgi.Response.default_headers)
