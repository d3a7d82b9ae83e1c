"""Background job: compute the screening's stored measures (`weakorgs.stored.refresh`) for the whole tree (the
nightly scheduled task "weakorgs_measures") or a department's subtree (重新计算 on the screening page)."""

import datetime as dt

from django.utils import timezone

from zugong.core import jobs
from zugong.core.models import Job

from . import stored


@jobs.runner("weakorgs_measures")
def run_refresh(job: Job, progress: jobs.Progress) -> None:
    as_of = job.params.get("as_of")
    as_of = dt.date.fromisoformat(as_of) if as_of else None
    path = job.params.get("path") or ""
    progress.total(max(len(stored.plan(path, as_of or timezone.localdate())), 1))
    run = stored.refresh(path, as_of, user=job.user, progress=lambda i, n: progress.step(i, force=True))
    job.result = {"rows": run.rows, "seconds": run.seconds, "as_of": run.as_of.isoformat()}
    job.message = (f"软弱涣散排查数据已计算（基准日 {run.as_of:%Y-%m-%d}）：{len(run.keys)} 项指标，"
                   f"{run.rows:,} 行，用时 {run.seconds:.1f} 秒。")
