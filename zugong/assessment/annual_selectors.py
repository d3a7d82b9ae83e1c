"""What other apps (appointments, talent) read of the annual assessment: a person's annual grades by year.

The confirmed results of this module first; for a year it holds none, the cadre record's 年度考核 (results typed
in or imported from a 任免审批表 before the assessment ran here). System-level reads (the caller has already
checked it may see the person): no scope filter here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import AnnualGrade, AnnualProposal

LABELS = dict(AnnualGrade.choices)


@dataclass(frozen=True)
class YearGrade:
    year: int
    grade: str  # an AnnualGrade code ("excellent", "competent", …, "ungraded")
    source: str  # "assessment" (confirmed here) or "cadre" (the cadre record)

    @property
    def label(self) -> str:
        return LABELS.get(self.grade, self.grade)


def annual_grades_of(person_ids: Iterable[int], years: Iterable[int] | None = None) -> dict[int, dict[int, YearGrade]]:
    """{person id: {year: YearGrade}} for many people, two queries (chunked by 2,000 ids)."""
    from zugong.cadres.models import AnnualAssessment

    ids = list(person_ids)
    year_list = list(years) if years is not None else None
    out: dict[int, dict[int, YearGrade]] = {}
    for i in range(0, len(ids), 2000):
        part = ids[i:i + 2000]
        recorded = AnnualAssessment.objects.unrestricted().filter(cadre__person_id__in=part)
        confirmed = AnnualProposal.objects.unrestricted().filter(person_id__in=part,
                                                                 status=AnnualProposal.Status.CONFIRMED)
        if year_list is not None:
            recorded, confirmed = recorded.filter(year__in=year_list), confirmed.filter(year__in=year_list)
        for person, year, grade in recorded.values_list("cadre__person_id", "year", "grade"):
            out.setdefault(person, {})[year] = YearGrade(year, grade, "cadre")
        for person, year, grade in confirmed.values_list("person_id", "year", "grade"):
            out.setdefault(person, {})[year] = YearGrade(year, grade, "assessment")
    return out


def annual_grades(person_id: int, years: Iterable[int] | None = None) -> dict[int, YearGrade]:
    """One person's annual grades by year (newest first)."""
    found = annual_grades_of([person_id], years).get(person_id, {})
    return dict(sorted(found.items(), reverse=True))
