"""Default configuration of sanctions: the sanctions → grade table (practice.md §3.2) as national
`SanctionEffect` rows, and the local rule on investigations open too long.

Each row cites its document; no article is named (docs/rules-coverage.md verifies none of them), so each says
条款号待核. The numbers are data a department admin changes on the 处分对年度考核的影响 page, never code.
"""

from __future__ import annotations

from zugong.core import config
from zugong.core.models import LocalRule

from ..bars import COMMENTS_ONLY, FORCED_FAIL, NO_GRADE, NOT_EXCELLENT
from ..models import SanctionEffect, SanctionKind

K = SanctionKind
UNVERIFIED = config.UNVERIFIED_ARTICLE
PARTY_1998 = "中共中央组织部文件（组通字〔1998〕19号）"
CIVIL_SERVANTS = "《公务员考核规定》（2020年）"
ACCOUNTABILITY = "《中国共产党问责条例》（2019年修订）"
PERIOD_NOTE = "影响期的月数为常见做法，请按本地文件核对修改；对照表未规定影响期内以后年度的影响，需要时在“影响期内”设定"


def _row(kind, year, later_years=0, later="", *, months=0, period="", regulation=PARTY_1998, note=""):
    return {"code": f"assessment.sanction.{kind}", "kind": kind, "year_effect": year, "later_years": later_years,
            "later_effect": later, "period_months": months, "period_effect": period, "regulation": regulation,
            "article": UNVERIFIED, "note": note}


NATIONAL = [
    # practice.md §3.2, row by row
    _row(K.ADMONITION, NOT_EXCELLENT, months=6, regulation=CIVIL_SERVANTS, note=PERIOD_NOTE),
    _row(K.REASSIGNMENT, NOT_EXCELLENT, months=12, regulation=CIVIL_SERVANTS, note=PERIOD_NOTE),
    _row(K.PARTY_WARNING, NOT_EXCELLENT),
    _row(K.GOV_WARNING, NOT_EXCELLENT, months=6, regulation=CIVIL_SERVANTS),
    _row(K.PARTY_SERIOUS_WARNING, COMMENTS_ONLY),
    _row(K.GOV_DEMERIT, COMMENTS_ONLY, months=12, regulation=CIVIL_SERVANTS),
    _row(K.GOV_MAJOR_DEMERIT, NO_GRADE, 1, NO_GRADE, months=18, regulation=CIVIL_SERVANTS),
    _row(K.GOV_DEMOTION, NO_GRADE, 1, NO_GRADE, months=24, regulation=CIVIL_SERVANTS),
    _row(K.GOV_REMOVAL, NO_GRADE, 1, NO_GRADE, months=24, regulation=CIVIL_SERVANTS),
    _row(K.PARTY_POST_REMOVAL, FORCED_FAIL, note="以后年度按新任职务考核"),
    _row(K.PROBATION_1, FORCED_FAIL, 1, NO_GRADE),
    _row(K.PROBATION_2, FORCED_FAIL, 2, NO_GRADE),
    _row(K.EXPULSION, FORCED_FAIL, 2, NO_GRADE),
    _row(K.ORDERED_RESIGNATION, NO_GRADE, months=12, regulation=CIVIL_SERVANTS, note=PERIOD_NOTE),
    _row(K.DISMISSAL, NO_GRADE, months=12, regulation=CIVIL_SERVANTS, note=PERIOD_NOTE),
    _row(K.DEMOTION, NO_GRADE, months=24, regulation=CIVIL_SERVANTS, note=PERIOD_NOTE),
    # 问责 by 通报: not in the table; treated as 诫勉 in its year (a local default)
    _row(K.CIRCULAR, NOT_EXCELLENT, regulation=ACCOUNTABILITY, note="表中未列，默认同诫勉：当年不得评为优秀"),
]

LOCAL_RULES = [
    {
        "code": "assessment.local.investigation_open", "template": "sanctions_investigation_open",
        "title": "立案审查超过六个月未记录结案", "params": {"months": 6}, "severity": "warning",
        "regulation": "本地规定（审查调查期限按纪检监察机关的规定，逾期多久提示由本地设定）", "article": "",
    },
]


@config.installer("assessment-sanctions", "处分对年度考核的影响（处分与等次对照表）；立案审查期限的本地规则", order=60)
def install(organization=None, reset: bool = False) -> list[tuple[str, bool]]:
    out = config.install_rows(SanctionEffect, NATIONAL, {"organization": None, "active": True}, reset)
    if organization is not None:
        out += config.install_rows(LocalRule, LOCAL_RULES, {"organization": organization, "active": True}, reset)
    return out
