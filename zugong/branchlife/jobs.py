"""Background job: recompute the compliance table (组织生活落实情况, `ComplianceStat`) of the whole tree or a
subtree; run nightly by the schedule (`core.schedule`, task "compliance") and by `zugong branchlife compliance`."""

import time

from zugong.core import jobs
from zugong.core.models import Job

from . import compliance


@jobs.runner("compliance_refresh")
def run_refresh(job: Job, progress: jobs.Progress) -> None:
    progress.total(1)
    started = time.perf_counter()
    rows = compliance.refresh(job.params.get("path") or "")
    seconds = round(time.perf_counter() - started, 1)
    progress.step(1, force=True)
    job.result = {"rows": rows, "seconds": seconds}
    job.message = f"组织生活落实情况已重新计算：{rows:,} 行，用时 {seconds:.1f} 秒。"
