"""Training default configuration: classes — the class types (专题、集中轮训、初任、任职、在职、网络、其他) and the
leave limit of 脱产 classes (1/7 of the total 学时, a warning at 80 % of it).

The types and the 1/7 come from 《干部教育培训工作条例》（2023年修订）; docs/rules-coverage.md confirms the content, not
the articles (H1, H5), so every row says 条款号待核. The warning share is local practice. A department changes
these rows (the 培训类型 and 请假限额 pages), never the code.
"""

from __future__ import annotations

from zugong.core import config

from ..models import ClassType, CreditKind, LeavePolicy

REGULATION = "《干部教育培训工作条例》（2023年修订）"
UNVERIFIED = config.UNVERIFIED_ARTICLE


def _type(code, name, order, credited=CreditKind.OFF_JOB, off_job=True, cycle=5):
    return {"code": code, "name": name, "order": order, "credited": credited, "off_job": off_job,
            "cycle_years": cycle, "regulation": REGULATION, "article": UNVERIFIED}


CLASS_TYPES = [
    _type("topic", "专题培训", 10),
    _type("rotation", "集中轮训", 20),
    _type("initial", "初任培训", 30, cycle=1),
    _type("post", "任职培训", 40, cycle=1),
    _type("in_service", "在职培训", 50, credited=CreditKind.CLASS, off_job=False, cycle=1),
    _type("online", "网络培训", 60, credited=CreditKind.ONLINE, off_job=False, cycle=1),
    _type("other", "其他培训", 90, credited=CreditKind.CLASS, off_job=False, cycle=1),
]

LEAVE_POLICIES = [
    {"code": "training.leave.national", "limit_numerator": 1, "limit_denominator": 7, "warn_percent": 80,
     "regulation": REGULATION, "article": UNVERIFIED},
]


@config.installer("training-classes", "培训类型；脱产培训请假限额（总学时的七分之一）", order=70)
def install(organization=None, reset: bool = False) -> list[tuple[str, bool]]:
    out = config.install_rows(ClassType, CLASS_TYPES, {"organization": None, "active": True}, reset)
    out += config.install_rows(LeavePolicy, LEAVE_POLICIES, {"organization": None, "active": True}, reset)
    return out
