"""Service default configuration: the satisfaction check before closure (满意度回访).

Common practice (practice.md §5: 挂号 → 复号 → 销号): the served person, or at least 10 % of the households an
item serves (at least one), are asked; one 不满意 or 部分解决 reopens the item; codes are valid 15 days.
"""

from zugong.core import config

from ..models import SatisfactionPolicy

POLICY = [{"code": "service.survey.default", "sample_share": "0.100", "sample_minimum": 1, "code_valid_days": 15,
           "reopen_share": "0.000", "pass_share": "1.000",
           "regulation": "我为群众办实事群众评价通行做法（请改为本地文件规定）"}]


@config.installer("service-satisfaction", "我为群众办实事：满意度回访抽样比例、复办条件、评价码有效期", order=91)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    return config.install_rows(SatisfactionPolicy, POLICY, {"organization": organization}, reset)
