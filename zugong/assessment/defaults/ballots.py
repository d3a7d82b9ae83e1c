"""Default configuration of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes.

- The situations that bar the top grade (《党政领导干部考核工作条例》2019 lists seven). The wording below is a
  summary to be checked against the regulation's text, and the article is not confirmed: each row says so in
  its 说明 and cites 条款号待核. Departments edit the rows (`/assessment/ballots/bars/`).
- The default 民主测评 rules: common practice (一票“优秀”不超过三分之一, 不称职票超过三分之一 / 优秀和称职票
  不足三分之二 需关注), to be replaced by each department's own document.
"""

from zugong.core import config
from zugong.core.rules import UNVERIFIED_ARTICLE

from ..models import BallotRules, ExcellenceBar

REGULATION = "《党政领导干部考核工作条例》（2019年）"
CHECK_NOTE = "条文表述为摘要，须与2019年条例原文核对后使用；条款号待核。"

BAR_TEXTS = [
    "贯彻落实党中央决策部署和上级党组织决定不坚决、不到位",
    "履行全面从严治党主体责任不力，管党治党宽松软",
    "领导班子不团结、内耗严重，或违反民主集中制原则",
    "不担当、不作为、乱作为，造成严重后果或恶劣影响",
    "发生重大安全事故、重大群体性事件等，负有领导责任",
    "受到党纪政务处分、组织处理或诫勉，影响期未满",
    "年度考核中民主测评、群众评价明显偏低",
]

BARS = [{"code": f"ballots.bar{i}", "order": i, "text": text, "applies_to": ExcellenceBar.AppliesTo.BOTH,
         "regulation": REGULATION, "article": UNVERIFIED_ARTICLE, "note": CHECK_NOTE}
        for i, text in enumerate(BAR_TEXTS, 1)]

RULES = [{"code": "ballots.rules.default", "name": "民主测评规则（通行做法，默认值，请改为本地文件）", "top_cap": "1/3",
          "uniform_void": True, "uniform_min": 3, "trim_over": 10, "trim_each": 1, "points": "100,80,60,0",
          "fail_share": "1/3", "pass_share": "2/3", "follow_up_days": 30,
          "classes": [{"name": "班子成员", "weight": 30}, {"name": "中层干部", "weight": 30},
                      {"name": "其他干部群众", "weight": 40}],
          "regulation": "民主测评结果运用的通行做法（请改为本地文件）"}]


@config.installer("assessment-ballots", "领导班子和领导干部考核：不得评为优秀的情形、民主测评规则", order=60)
def install(organization, reset: bool = False) -> list[tuple[str, bool]]:
    return [*config.install_rows(ExcellenceBar, BARS, {"organization": organization, "active": True}, reset),
            *config.install_rows(BallotRules, RULES, {"organization": organization, "active": True}, reset)]
