"""What a case page (纪实) shows: the 25 steps with their records (the rows of
`core/casework/_timeline.html`), the time elapsed, the next deadline and the milestones ahead."""

from __future__ import annotations

import datetime as dt

from zugong.core.casework.timeline import timeline_rows, timeline_table
from zugong.core.dates import add_months, months_between

from . import steps
from .deadlines import open_deadlines, probation_end
from .models import Case, Step


def duration_text(start: dt.date, end: dt.date) -> str:
    """Calendar time from start to end: 1年3个月12天."""
    if end < start:
        return "0天"
    months = months_between(start, end)
    days = (end - add_months(start, months)).days
    years, months = divmod(months, 12)
    parts = [f"{years}年" if years else "", f"{months}个月" if months else "", f"{days}天" if days else ""]
    return "".join(parts) or "0天"


def stage_started(case: Case) -> dt.date | None:
    return {1: case.applied_on, 2: case.activist_on, 3: case.candidate_on,
            4: case.committee_review_on or case.prereview_on or case.branch_meeting_on,
            5: case.approved_on}.get(case.stage)


def build(case: Case, records: list[Step], as_of: dt.date) -> dict:
    # Extending the probation is the other outcome of step 23's meeting: it follows step 23, without a number
    # of its own (its StepDef keeps number 23, the step it is filed under), so no number is listed twice.
    numbered = list(steps.NUMBERED)
    after = numbered.index(steps.BY_KIND["conversion_meeting"]) + 1
    definitions = [*numbered[:after], steps.BY_KIND["extension"], *numbered[after:], steps.BY_KIND["termination"]]
    rows = timeline_rows(steps.WORKFLOW, case, records, definitions,
                         lambda d: "" if d.kind == "extension" else str(d.number or ""))
    closed_on = case.conversion_approved_on if case.status == Case.Status.CONVERTED else case.terminated_on
    end = closed_on or as_of
    milestones = []
    if case.is_active and case.stage == 2 and case.activist_on:
        milestones.append(("最早可确定为发展对象", add_months(case.activist_on, 12)))
    if case.approved_on:
        milestones.append(("预备期满（转正时间）", case.converted_on or probation_end(case)))
    due = open_deadlines(case, as_of) if case.is_active else []
    started = stage_started(case)
    return {
        **timeline_table(rows, stages=steps.STAGES),
        "elapsed": duration_text(case.applied_on, end),
        "stage_elapsed": duration_text(started, end) if started else "",
        "deadlines": due,
        "next_deadline": due[0] if due else None,
        "milestones": [(label, day, (day - as_of).days) for label, day in milestones],
    }
