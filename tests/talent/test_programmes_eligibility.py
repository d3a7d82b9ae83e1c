"""The pre-check at its boundaries: each condition kind judged on the edition's deadline (2026-04-30) from
zugong's own records, in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .programmes_fixtures import *  # noqa: F403
from .programmes_fixtures import apply, cadre, person, sanction

D = dt.date
GOOD = {2023: "competent", 2024: "qualified", 2025: "excellent"}


def checks_of(app, kind):
    from zugong.talent.eligibility import precheck

    return [c for c in precheck([app])[app.pk] if c.kind == kind]


def one(app, kind):
    found = checks_of(app, kind)
    assert len(found) == 1
    return found[0]


def add(program, kind, label, params, tier=None):
    from zugong.talent.models import Condition

    return Condition.objects.create(edition=program.edition, tier=tier, kind=kind, label=label, params=params,
                                    source="测试文件 条款号待核", order=10)


@pytest.mark.django_db
class TestAnnualGrades:
    def test_exactly_three_years_of_qualified_or_better_passes(self, program, tree):
        cadre(tree.people.zhangsan, grades=GOOD | {2022: "incompetent"})  # 2022 lies outside the three years
        check = one(apply(program, tree.people.zhangsan), "annual_grades")
        assert check.met is True
        assert check.evidence == "2023年 称职；2024年 合格；2025年 优秀"
        assert check.source.endswith("条款号待核")

    def test_a_missing_year_is_named_and_left_to_the_reviewer(self, program, tree):
        # no record is not a failing grade (it may not have been entered): 待人工审查, not 不符合
        cadre(tree.people.zhangsan, grades={2023: "competent", 2025: "excellent"})
        check = one(apply(program, tree.people.zhangsan), "annual_grades")
        assert check.met is None
        assert "2024年 无考核记录" in check.evidence and "待人工审查" in check.evidence

    def test_a_missing_year_and_a_failing_one_fail(self, program, tree):
        cadre(tree.people.zhangsan, grades={2023: "basic", 2025: "excellent"})
        check = one(apply(program, tree.people.zhangsan), "annual_grades")
        assert check.met is False
        assert "2023年 基本称职" in check.evidence

    def test_a_basic_year_fails(self, program, tree):
        cadre(tree.people.zhangsan, grades=GOOD | {2024: "basic"})
        check = one(apply(program, tree.people.zhangsan), "annual_grades")
        assert check.met is False
        assert "2024年 基本称职" in check.evidence

    def test_no_grade_at_all_is_left_to_the_reviewer(self, program, tree):
        check = one(apply(program, tree.people.zhangsan), "annual_grades")
        assert check.met is None
        assert "待人工审查" in check.evidence

    def test_a_confirmed_assessment_result_wins_over_the_cadre_record(self, program, tree):
        """The one way zugong reads a person's grades (`assessment.annual_selectors`)."""
        from zugong.assessment.annual_selectors import annual_grades_of

        cadre(tree.people.zhangsan, grades=GOOD)
        grades = annual_grades_of([tree.people.zhangsan.pk], [2023, 2024, 2025])
        assert {y: g.grade for y, g in grades[tree.people.zhangsan.pk].items()} == GOOD


@pytest.mark.django_db
class TestSanctions:
    def test_a_sanction_exactly_five_years_before_the_deadline_lies_outside(self, program, tree):
        sanction(tree.people.zhangsan, D(2021, 4, 30))
        check = one(apply(program, tree.people.zhangsan), "no_sanction")
        assert check.met is True
        assert check.evidence == "2021-05-01至2026-04-30无处分记录"

    def test_a_sanction_one_day_later_fails(self, program, tree):
        sanction(tree.people.zhangsan, D(2021, 5, 1))
        check = one(apply(program, tree.people.zhangsan), "no_sanction")
        assert check.met is False
        assert "2021-05-01 党内警告" in check.evidence

    def test_a_sanction_after_the_deadline_is_not_counted(self, program, tree):
        sanction(tree.people.zhangsan, D(2026, 5, 1))
        assert one(apply(program, tree.people.zhangsan), "no_sanction").met is True

    def test_the_kinds_filter(self, program, tree):
        program.conditions[1].params = {"years": 5, "kinds": ["gov_demerit"]}
        program.conditions[1].save()
        sanction(tree.people.zhangsan, D(2024, 1, 1))
        app = apply(program, tree.people.zhangsan)
        assert one(app, "no_sanction").met is True
        sanction(tree.people.zhangsan, D(2024, 2, 1), kind="gov_demerit", family="government")
        assert one(app, "no_sanction").met is False


@pytest.mark.django_db
class TestAge:
    """青年优秀: 申报截止日不超过40周岁 (the deadline 2026-04-30)."""

    def test_forty_on_the_deadline_passes(self, program, tree):
        p = person(tree, "周八", D(1986, 4, 30), 17)  # turns 40 on the deadline
        check = one(apply(program, p, tier="young"), "max_age")
        assert (check.met, check.evidence) == (True, "1986-04-30出生，2026-04-30时40周岁")

    def test_turning_forty_one_on_the_deadline_fails(self, program, tree):
        p = person(tree, "吴九", D(1985, 4, 30), 19)
        check = one(apply(program, p, tier="young"), "max_age")
        assert (check.met, check.evidence) == (False, "1985-04-30出生，2026-04-30时41周岁")

    def test_forty_one_the_day_after_the_deadline_passes(self, program, tree):
        p = person(tree, "郑十", D(1985, 5, 1), 21)
        assert one(apply(program, p, tier="young"), "max_age").met is True

    def test_a_tier_condition_applies_only_to_its_tier(self, program, tree):
        p = person(tree, "吴九", D(1960, 4, 30), 19)
        assert checks_of(apply(program, p, tier="top"), "max_age") == []

    def test_min_age(self, program, tree):
        add(program, "min_age", "年满35周岁", {"age": 35})
        assert one(apply(program, person(tree, "甲", D(1991, 4, 30), 23)), "min_age").met is True
        assert one(apply(program, person(tree, "乙", D(1991, 5, 1), 25)), "min_age").met is False

    def test_the_application_day_when_the_edition_has_no_deadline(self, program, tree):
        program.edition.closes_on = None
        program.edition.save()
        p = person(tree, "周八", D(1986, 3, 15), 17)
        app = apply(program, p, tier="young", on=D(2026, 3, 14))
        assert one(app, "max_age").evidence == "1986-03-15出生，2026-03-14时39周岁"


@pytest.mark.django_db
class TestPostEducationTitle:
    def test_exactly_three_years_in_post(self, program, tree):
        add(program, "years_in_post", "任现职满3年", {"years": 3})
        cadre(tree.people.zhangsan, post_started_on=D(2023, 4, 30))
        cadre(tree.people.lisi, post_started_on=D(2023, 5, 1))
        a = one(apply(program, tree.people.zhangsan), "years_in_post")
        assert (a.met, a.evidence) == (True, "2023-04-30任现职，至2026-04-30满3年")
        assert one(apply(program, tree.people.lisi), "years_in_post").met is False

    def test_no_cadre_record_is_unknown(self, program, tree):
        add(program, "years_in_post", "任现职满3年", {"years": 3})
        check = one(apply(program, tree.people.zhangsan), "years_in_post")
        assert check.met is None and "待人工审查" in check.evidence

    def test_education(self, program, tree):
        add(program, "education", "大学本科以上学历", {"codes": ["10", "11", "14", "20"]})
        zs, ls, ww = tree.people.zhangsan, tree.people.lisi, tree.people.wangwu
        zs.education, ls.education = "20", "30"
        zs.save()
        ls.save()
        check = one(apply(program, zs), "education")
        assert (check.met, check.evidence) == (True, "学历：大学本科")
        assert one(apply(program, ls), "education").met is False
        assert one(apply(program, ww), "education").met is None

    def test_title(self, program, tree):
        add(program, "title", "具有副高级以上职称", {"titles": ["正高级", "副高级"]})
        cadre(tree.people.zhangsan, title="副高级工程师")
        cadre(tree.people.lisi, title="中级")
        assert one(apply(program, tree.people.zhangsan), "title").met is True
        assert one(apply(program, tree.people.lisi), "title").met is False
        assert one(apply(program, tree.people.wangwu), "title").met is None

    def test_manual(self, program, tree):
        add(program, "manual", "近五年取得突出业绩", {})
        check = one(apply(program, tree.people.zhangsan), "manual")
        assert (check.met, check.evidence) == (None, "待人工审查")


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_applications(program, tree):
    from zugong.talent.eligibility import passed, precheck
    from zugong.talent.models import Application

    add(program, "years_in_post", "任现职满3年", {"years": 3})
    add(program, "education", "大学本科以上学历", {"codes": ["20"]})
    people = [person(tree, f"人员{i}", D(1985 + i % 5, 1 + i % 12, 1 + i), 31 + 2 * i) for i in range(12)]
    for i, p in enumerate(people):
        cadre(p, post_started_on=D(2020, 1, 1), grades=GOOD)
        apply(program, p, tier="young" if i % 2 else "top")
    qs = Application.objects.unrestricted().filter(edition=program.edition)
    two = qs.filter(pk__in=list(qs.values_list("pk", flat=True)[:2]))
    with CaptureQueriesContext(connection) as few:
        precheck(two)
    with CaptureQueriesContext(connection) as many:
        results = precheck(qs)
    assert len(many.captured_queries) == len(few.captured_queries) <= 8
    assert len(results) == 12
    assert all(passed(r) is None for r in results.values())  # the education is not filled in
