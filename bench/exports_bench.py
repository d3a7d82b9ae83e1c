"""Times a 300,000-row export (core.exports) against the seeded province on PostgreSQL, and its peak memory.

    DATABASE_URL=postgres://…/zugong_bench .venv/bin/python bench/exports_bench.py

The export runs in a child process exactly as the worker runs an export job: the province admin's people list
(`/people/`) is replayed as that user (`exports.replay`) and streamed (`exports.write`: rows read in chunks,
openpyxl write-only) into a temporary file; the first 300,000 rows are written. Prints the seconds, rows per
second, the file's size and the child's peak RSS (maxrss). Nothing is written to the database (the job is
not saved, no audit entry). Skipped with a note when the database is not PostgreSQL or holds fewer than
300,000 people (not seeded yet).
"""

import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "300000"))


def child() -> None:
    import itertools
    import tempfile

    import django

    django.setup()
    from zugong.accounts.models import User
    from zugong.core import exports
    from zugong.core.models import Job

    admin = User.objects.get(username="admin")
    t0 = time.perf_counter()
    start = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = start.ru_utime + start.ru_stime
    export = exports.replay(Job(kind="export", user=admin, params={"path": "/people/", "query": ""}))
    rows = export.rows
    export.rows = lambda: itertools.islice(rows(), ROWS)
    with tempfile.TemporaryFile() as tmp:
        n = exports.write(export, tmp)
        seconds = time.perf_counter() - t0
        size = tmp.seek(0, 2)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    print(f"[exports] people list of the province ({export.count:,} visible), first {n:,} rows: {seconds:.1f} s "
          f"({n / seconds:,.0f} rows/s; the exporting process's own CPU {cpu:.1f} s, the rest is the database and "
          f"other load), file {size / 1e6:.1f} MB, child peak RSS {usage.ru_maxrss / 1024:.0f} MB", flush=True)
    import harness

    harness.record(f"export of {n:,} people rows, streamed", round(seconds, 1), unit="s", rows=n,
                   peak_rss_mb=round(usage.ru_maxrss / 1024))


def main() -> None:
    import django

    django.setup()
    from django.db import connection

    from zugong.people.models import Person

    if connection.vendor != "postgresql":
        print("[exports] skipped: the 300,000-row export is measured on PostgreSQL (zugong_bench) only")
        return
    people = Person.objects.unrestricted().count()
    if people < ROWS:
        print(f"[exports] skipped: {people:,} people in the database, fewer than {ROWS:,} (province not seeded)")
        return
    connection.close()
    subprocess.run([sys.executable, os.path.abspath(__file__), "--child"], check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"[exports] peak RSS of the export process (maxrss of children): {peak:.0f} MB")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
