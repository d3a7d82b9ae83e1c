"""The automatic pre-check (资格预审): each application's eligibility conditions (its edition's conditions for
all tiers and for its tier, `models.Condition`) evaluated against zugong's own records — annual assessment
grades (`cadres.AnnualAssessment`), sanctions (`assessment.Sanction`), years in the current post
(`cadres.Cadre.post_started_on`), age and education (`people.Person`), professional title
(`cadres.Cadre.professional_title`) — on the edition's deadline (`Edition.closes_on`).

`precheck(applications)` reads the records of all the applications in a fixed number of queries (one per kind
of record, never one per application) and returns each application's `Check`s; `Check.met` is None where the
records say nothing (the human review decides). Pure reading: `precheck_services.refresh` stores the result."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Check:
    condition: str  # the condition's label (“近三年年度考核均为合格以上等次”)
    kind: str  # models.ConditionKind
    met: bool | None  # None: the records hold nothing to judge it by (待人工审查)
    evidence: str  # what the records say (“2023年 称职；2024年 称职；2025年 优秀”)
    source: str  # the condition's document and article

    def as_dict(self) -> dict:
        return asdict(self)


def precheck(applications) -> dict[int, list[Check]]:
    """{application id: its checks, in the conditions' order} for the given applications (a queryset or a
    list of `Application`s with `edition_id`, `tier_id`, `person_id`)."""
    raise NotImplementedError  # the programmes area builds it
