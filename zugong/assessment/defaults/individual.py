"""Default configuration of routine (平时) and annual (年度) assessment of individuals: the quotas per pool and the
assessment settings (cycle, the 平时 → 年度 prerequisite, probation), national defaults a department edits."""

from __future__ import annotations

from decimal import Decimal

from zugong.core import config, rules

from ..models import AssessmentPolicy, QuotaRule, Rounding

ANNUAL_DOCUMENT = f"《公务员考核规定》（2020年）{rules.UNVERIFIED_ARTICLE}"
ROUTINE_DOCUMENT = "公务员平时考核的通行做法（“好”等次一般不超过本组人数的40%，领导干部和其他人员分别计算；以本地平时考核办法为准）"

QUOTAS = [
    {"code": "annual_excellent", "title": "年度考核优秀比例", "kind": QuotaRule.Kind.ANNUAL, "grade": "excellent",
     "share": Decimal("0.200"), "rounding": Rounding.DOWN, "minimum": 1, "ceiling_share": Decimal("0.250"),
     "document": f"{ANNUAL_DOCUMENT}：优秀一般不超过参加考核人数的20%，特殊情况经批准可适当提高"},
    {"code": "routine_good", "title": "平时考核“好”等次比例", "kind": QuotaRule.Kind.ROUTINE, "grade": "good",
     "share": Decimal("0.400"), "rounding": Rounding.DOWN, "minimum": 1, "ceiling_share": None,
     "document": ROUTINE_DOCUMENT},
]

POLICIES = [
    {"code": "individual_default", "title": "个人平时考核和年度考核设置", "routine_periods": 4, "prerequisite": True,
     "good_share": Decimal("0.500"), "forbidden": ["fair", "poor"], "probation_months": 12,
     "document": "本地年度考核办法：评为优秀的，一般应在当年平时考核中“好”等次超过一半且没有“一般”“较差”（可按本地规定修改）"},
]


@config.installer("assessment-individual", "个人考核：等次比例（好≤40%、优秀≤20%）与平时考核设置", order=60)
def install(organization=None, reset: bool = False) -> list[tuple[str, bool]]:
    """The national quota rules and settings (no organization: they apply everywhere until a department issues its
    own)."""
    return (config.install_rows(QuotaRule, QUOTAS, {"organization": None}, reset)
            + config.install_rows(AssessmentPolicy, POLICIES, {"organization": None}, reset))
