"""What a case page (纪实) shows: the steps with their records and what each recorded (the rows of
`core/casework/_timeline.html`) and the deadlines (the end of the public notice, the end of the probation)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as SqlCase
from django.db.models import DateField, F, Q, When

from zugong.core.casework.timeline import Fact, timeline_rows, timeline_table

from . import steps
from .models import CaseStep, SelectionCase

Status = SelectionCase.Status


def _n(value, unit: str = "") -> str:
    return "—" if value is None else f"{value}{unit}"


def facts(case: SelectionCase, kind: str) -> list[tuple[str, str]]:
    """The values a step recorded, as (label, text) pairs for the timeline."""
    c = case
    if kind == "proposal":
        out = [("拟任", f"{c.unit_name}{c.title}（{c.rank_name}）"), ("任用方式", c.get_appointment_method_display())]
        if c.from_rank:
            out.append(("原职级", f"{c.from_rank_name}（{c.from_rank_since:%Y-%m-%d} 起）" if c.from_rank_since
                        else c.from_rank_name))
        if c.proposal_reason:
            out.append(("动议理由", c.proposal_reason))
        return out
    if kind == "recommendation" and c.recommended_on:
        return [("参加推荐", _n(c.recommend_participants, " 人")), ("发出/收回/有效票",
                f"{_n(c.ballots_issued)} / {_n(c.ballots_returned)} / {_n(c.ballots_valid)}"),
                ("得票", _n(c.votes_received, " 票"))]
    if kind == "inspection" and c.inspection_start:
        out = [("考察期间", f"{c.inspection_start:%Y-%m-%d} 至 {c.inspection_end:%Y-%m-%d}"),
               ("个别谈话", _n(c.people_talked, " 人"))]
        if c.inspectors:
            out.append(("考察组", c.inspectors))
        if c.inspection_materials:
            out.append(("考察材料", c.inspection_materials))
        return out
    if kind == "decision" and c.decided_on:
        return [("应到/实到", f"{_n(c.members_expected)} / {_n(c.members_present)} 人"),
                ("同意/不同意/缓议", f"{_n(c.votes_yes)} / {_n(c.votes_no)} / {_n(c.votes_abstain)}")]
    if kind == "public_notice" and c.public_notice_start:
        out = [("公示期", f"{c.public_notice_start:%Y-%m-%d} 至 {c.public_notice_end:%Y-%m-%d}"
                          f"（{c.public_notice_workdays} 个工作日）")]
        if c.public_notice_result:
            out.append(("公示结果", c.public_notice_result))
        return out
    if kind == "appointment" and c.appointed_on:
        out = [("任职文号", c.document_no)]
        if c.probation_until:
            out.append(("试用期", f"至 {c.probation_until:%Y-%m-%d}"))
        return out
    if kind == "probation" and c.probation_concluded_on:
        return [("考核结果", c.get_probation_result_display())]
    if kind == "termination" and c.terminated_on:
        return [("终止原因", c.termination_reason)]
    return []


def visible_steps(case: SelectionCase) -> list[steps.StepDef]:
    out = [d for d in steps.STEPS if d.kind not in ("probation", "termination")]
    if case.probation_applies:
        out.append(steps.BY_KIND["probation"])
    if case.terminated_on or case.status == Status.ACTIVE:
        out.append(steps.BY_KIND["termination"])
    return out


def deadlines(case: SelectionCase, as_of: dt.date) -> list[dict]:
    """The running dates of a case: the notice's end (appointment possible after it), the probation's end."""
    out = []
    if case.status == Status.ACTIVE and case.public_notice_end and not case.appointed_on:
        out.append({"label": "任前公示期满", "due": case.public_notice_end})
    if case.status == Status.PROBATION and case.probation_until:
        out.append({"label": "试用期满", "due": case.probation_until})
    for d in out:
        d["days_left"] = (d["due"] - as_of).days
    return out


def build(case: SelectionCase, records: list[CaseStep], as_of: dt.date,
          observations: list[tuple[str, str]] = ()) -> dict:
    """The timeline (`core/casework/_timeline.html`), with the inspection's frontline observations as links
    (text, url), and the running deadlines."""

    def facts_of(definition):
        out = [Fact(label, text) for label, text in facts(case, definition.kind)]
        if definition.kind == "inspection" and observations:
            out.append(Fact("一线考察识别", links=list(observations)))
        return out

    def marker(definition):
        return f"{definition.stage}. {steps.STAGES[definition.stage]}" if definition.stage in steps.STAGES else ""

    rows = timeline_rows(steps.WORKFLOW, case, records, visible_steps(case), marker, facts_of)
    due = deadlines(case, as_of)
    return {**timeline_table(rows, first_header="阶段"), "deadlines": due, "next_deadline": due[0] if due else None}


def annotate_next_due(qs):
    """The date each case waits for (`next_due`): the notice's end before the appointment, the probation's
    end during the probation; NULL otherwise."""
    return qs.annotate(next_due=SqlCase(
        When(Q(status=Status.ACTIVE, public_notice_end__isnull=False, appointed_on__isnull=True),
             then=F("public_notice_end")),
        When(Q(status=Status.PROBATION), then=F("probation_until")),
        default=None, output_field=DateField()))
