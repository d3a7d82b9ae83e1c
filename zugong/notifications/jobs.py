"""Background job: the reminders of every user (kind "reminders"; the nightly schedule runs it by name)."""

from zugong.core import jobs
from zugong.core.models import Job

from . import services


@jobs.runner("reminders")
def run_reminders(job: Job, progress: jobs.Progress) -> None:
    users = list(services.recipients())
    progress.total(len(users))
    run = services.run(users, progress=lambda i, n: progress.step(i))
    progress.step(run.users, force=True)
    job.result = {"users": run.users, "created": run.created, "emailed": run.emailed, "sms": run.sms,
                  "seconds": round(run.seconds, 2)}
    job.message = run.message
