"""Default crediting rules of the hours ledger (学时认定规则), national rows a department replaces for its subtree
(`/training/ledger/rules/`): a 脱产 day counts 6 学时 and an online course by its length (30 minutes or more 1 学时,
15 to 30 minutes 0.5, under 15 minutes 0.25, a passed test 0.5 more). These numbers are common local practice,
not a national regulation's: each row says so and names the document to follow. No caps are set by default
(a department sets the yearly cap of a type or of one source, and whether the excess carries over)."""

from __future__ import annotations

from decimal import Decimal

from zugong.core import config
from zugong.core.rules import UNVERIFIED_ARTICLE

from ..models import CreditKind, CreditRule

CADRE_TRAINING = f"《干部教育培训工作条例》（2023年修订）{UNVERIFIED_ARTICLE}"

RULES = [
    {"code": "training.credit.default", "title": "学时认定（各类学时）", "kind": "", "day_rate": Decimal(6),
     "document": "干部教育培训学时登记的通行做法：脱产培训每天按 6 学时计算；其他培训和学习按实际学时计算"
                 "（以本地干部教育培训学时管理办法为准）"},
    {"code": "training.credit.online", "title": "网络培训学时认定", "kind": CreditKind.ONLINE, "day_rate": Decimal(6),
     "long_minutes": 30, "long_hours": Decimal(1), "short_minutes": 15, "short_hours": Decimal("0.5"),
     "least_hours": Decimal("0.25"), "test_bonus": Decimal("0.5"),
     "document": f"干部参加网络培训应完成规定学时（{CADRE_TRAINING}）；课程学习满 30 分钟计 1 学时，满 15 分钟不足"
                 f" 30 分钟计 0.5 学时，不足 15 分钟计 0.25 学时，考试通过另计 0.5 学时，为网络学院的通行做法"
                 f"（以本地网络培训管理办法为准）"},
]


@config.installer("training-ledger", "培训学时认定规则（脱产每天 6 学时，网络课程按学习时长计）", order=80)
def install(organization=None, reset: bool = False) -> list[tuple[str, bool]]:
    """The national crediting rules (no organization: they apply everywhere until a department issues its own)."""
    return config.install_rows(CreditRule, RULES, {"organization": None}, reset)
