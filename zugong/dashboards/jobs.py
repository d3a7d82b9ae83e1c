"""Background job: rebuild the dashboard roll-ups (the page's 刷新 button)."""

from zugong.core import jobs
from zugong.core.models import Job

from . import rollups


@jobs.runner("dashboards_refresh")
def run_refresh(job: Job, progress: jobs.Progress) -> None:
    progress.total(len(rollups.METRICS))
    run = rollups.refresh(progress=lambda i, n: progress.step(i, force=True))
    rows = "，".join(f"{rollups.title_of(c)} {n:,} 行" for c, n in run.rows.items())
    job.result = {"seconds": run.seconds, "rows": run.rows}
    job.message = f"看板数据已重新计算（截至 {run.as_of:%Y-%m-%d}，用时 {run.seconds:.1f} 秒）：{rows}。"
