"""A job's progress counter on SQLite (WAL): a job still reading its rows (an export iterating them) cannot write
once another connection — the job's heartbeat thread — has committed since its read began. The counter is only for
the watching page, so that refusal must not fail the job (a 26,000-row export of the demo city did, on a loaded
machine, when it ran longer than one heartbeat)."""

import threading

import pytest
from django.db import connection, connections

from zugong.core import jobs
from zugong.core.models import Job

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's snapshot rule")


@pytest.mark.django_db(transaction=True)
def test_a_progress_write_refused_by_a_stale_snapshot_does_not_fail_the_job(tree, users):
    job = Job.objects.create(kind="export", title="导出：人员名册", user=users.taiyuan, org_path=tree.taiyuan.path)
    progress = jobs.Progress(job, every=1)
    with connection.cursor() as reading:
        reading.execute("SELECT id FROM people_person ORDER BY id")
        reading.fetchone()  # the read is still open: more rows to come

        def heartbeat():  # another connection commits meanwhile
            Job.objects.unrestricted().filter(pk=job.pk).update(worker="heartbeat")
            connections.close_all()

        beat = threading.Thread(target=heartbeat)
        beat.start()
        beat.join()
        progress.step(1)  # refused by SQLite: the job goes on
        assert reading.fetchone() is not None
    progress.step(2, force=True)  # the read is over: the counter moves
    job.refresh_from_db()
    assert (job.done, job.worker) == (2, "heartbeat")
