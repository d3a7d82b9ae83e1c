"""Training default configuration: the course categories (课程类别), national rows any department may add to."""

from __future__ import annotations

from zugong.core import config

from ..models import CourseCategory

CATEGORIES = [
    {"code": "training.course.party_history", "name": "党史学习", "order": 10},
    {"code": "training.course.revolutionary_spirit", "name": "革命精神（太行精神、吕梁精神、右玉精神）", "order": 20},
    {"code": "training.course.theory", "name": "理论学习", "order": 30},
    {"code": "training.course.policy", "name": "政策解读", "order": 40},
    {"code": "training.course.professional", "name": "业务知识", "order": 50},
    {"code": "training.course.other", "name": "其他", "order": 90},
]


@config.installer("training-courses", "课程库的课程类别", order=80)
def install(organization=None, reset: bool = False) -> list[tuple[str, bool]]:
    return config.install_rows(CourseCategory, CATEGORIES, {"organization": None, "active": True}, reset)
