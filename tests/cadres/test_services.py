import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.cadres import panels, ranks, services
from zugong.cadres.models import CadrePost, RankRecord, ResumeEntry
from zugong.core.models import AuditEntry
from zugong.orgs.models import Unit


@pytest.fixture
def cadre(tree, users):
    return services.create_cadre(users.taiyuan, tree.people.wangwu, tree.xiaodian, rank="township_deputy",
                                 rank_since=dt.date(2018, 3, 1), work_started_on=dt.date(2002, 7, 1))


def test_ranks_table():
    assert ranks.level_of("county_chief") == 3
    assert ranks.is_chief("county_chief") and not ranks.is_chief("county_deputy")
    assert ranks.rank("researcher_4").name == "四级调研员"
    assert ranks.level_of("clerk_1") == 5
    assert ranks.LEVELS[2] == "厅局级"
    assert ranks.lookup("副科级") == "township_deputy"
    assert [r.code for r in ranks.RANKS][:2] == ["province_chief", "province_deputy"]


def test_create_copies_person_columns(cadre, tree):
    assert cadre.name == "王五" and cadre.sex == tree.people.wangwu.sex
    assert cadre.birth_date == dt.date(1980, 5, 17)
    assert cadre.rank_level == 4 and cadre.org_path == tree.xiaodian.path
    assert RankRecord.objects.unrestricted().filter(cadre=cadre, rank="township_deputy").count() == 1
    person = tree.people.wangwu
    person.name = "王伍"
    person.save()
    cadre.refresh_from_db()
    assert cadre.name == "王伍"


def test_create_twice_refused(cadre, tree, users):
    with pytest.raises(ValidationError, match="已有干部信息"):
        services.create_cadre(users.taiyuan, tree.people.wangwu, tree.xiaodian)


def test_other_city_cannot_create_or_appoint(cadre, tree, users):
    with pytest.raises(PermissionDenied):
        services.create_cadre(users.datong, tree.people.zhangsan, tree.xiaodian)
    with pytest.raises(PermissionDenied):
        services.appoint(cadre, user=users.datong, title="局长", start_on=dt.date(2024, 1, 1))


def test_appoint_ends_replaced_post_and_changes_rank(cadre, users):
    unit = Unit.objects.create(name="太原市小店区财政局", org_path=cadre.org_path)
    first = services.appoint(cadre, user=users.taiyuan, title="副局长", unit=unit, rank="township_deputy",
                             start_on=dt.date(2018, 3, 1), document_no="小组干〔2018〕5号")
    cadre.refresh_from_db()
    assert cadre.current_title == "太原市小店区财政局副局长"
    assert cadre.rank == "township_deputy"  # unchanged: no new rank record
    assert RankRecord.objects.unrestricted().filter(cadre=cadre).count() == 1
    second = services.appoint(cadre, user=users.taiyuan, title="局长", unit=unit, rank="township_chief",
                              start_on=dt.date(2022, 6, 1), replaces=first)
    first.refresh_from_db()
    cadre.refresh_from_db()
    assert first.end_on == dt.date(2022, 6, 1)
    assert second.is_current
    assert cadre.current_title == "太原市小店区财政局局长"
    assert cadre.rank == "township_chief" and cadre.rank_since == dt.date(2022, 6, 1) and cadre.rank_level == 4
    history = list(RankRecord.objects.unrestricted().filter(cadre=cadre).order_by("start_on"))
    assert [(h.rank, h.end_on) for h in history] == [("township_deputy", dt.date(2022, 6, 1)),
                                                      ("township_chief", None)]
    lines = services.resume_text(cadre).splitlines()
    assert lines == ["2018.03--2022.06  太原市小店区财政局副局长", "2022.06--         太原市小店区财政局局长"]
    # concurrent post (兼任) keeps the main one
    services.appoint(cadre, user=users.taiyuan, title="党组书记", unit=unit, start_on=dt.date(2022, 7, 1),
                     is_main=False)
    cadre.refresh_from_db()
    assert cadre.current_title == "太原市小店区财政局局长，太原市小店区财政局党组书记"
    assert AuditEntry.objects.filter(model="cadres.cadrepost").count() >= 3


def test_end_post(cadre, users):
    post = services.appoint(cadre, user=users.taiyuan, title="小店区财政局副局长", start_on=dt.date(2018, 3, 1))
    services.end_post(post, dt.date(2024, 1, 31), users.taiyuan, document_no="免2024-1")
    cadre.refresh_from_db()
    assert cadre.current_title == "" and cadre.rank == "township_deputy"
    with pytest.raises(ValidationError, match="已于 2024-01-31 免去"):
        services.end_post(post, dt.date(2024, 2, 1), users.taiyuan)


def test_end_post_before_start_refused(cadre, users):
    post = services.appoint(cadre, user=users.taiyuan, title="副局长", start_on=dt.date(2018, 3, 1))
    with pytest.raises(ValidationError, match="免职时间不能早于任职时间"):
        services.end_post(post, dt.date(2017, 1, 1), users.taiyuan)


def test_appoint_is_all_or_nothing(cadre, users):
    first = services.appoint(cadre, user=users.taiyuan, title="副局长", start_on=dt.date(2018, 3, 1))
    with pytest.raises(ValidationError):
        services.appoint(cadre, user=users.taiyuan, title="局长", rank="nonsense", start_on=dt.date(2022, 1, 1),
                         replaces=first)
    with pytest.raises(ValidationError, match="任职时间早于原职务"):
        services.appoint(cadre, user=users.taiyuan, title="局长", start_on=dt.date(2017, 1, 1), replaces=first)
    first.refresh_from_db()
    assert first.end_on is None
    assert CadrePost.objects.unrestricted().filter(cadre=cadre).count() == 1
    assert ResumeEntry.objects.unrestricted().filter(cadre=cadre).count() == 1


def test_set_rank(cadre, users):
    services.set_rank(cadre, "clerk_chief_1", dt.date(2023, 1, 1), users.taiyuan)
    cadre.refresh_from_db()
    assert cadre.rank_name == "一级主任科员" and cadre.rank_order == ranks.ORDER["clerk_chief_1"]


def test_assessment_summary(cadre, users):
    from zugong.cadres.models import AnnualAssessment

    for y, g in ((2022, "competent"), (2023, "competent"), (2024, "excellent")):
        services.save_child(users.taiyuan, cadre, AnnualAssessment(year=y, grade=g))
    assert services.assessment_summary(cadre) == "2022年、2023年年度考核均为称职，2024年年度考核为优秀。"


def test_panels_registry():
    panels.register("测试栏目", "cadres/panel_test.html", lambda request, cadre: {"x": 1}, order=5)
    try:
        titles = [p.title for p in panels.registered()]
        assert "测试栏目" in titles
        panel = next(p for p in panels.registered() if p.title == "测试栏目")
        assert panels.cadre_page.panel_context(None, object(), panel)["x"] == 1  # the other apps' panels read a real cadre
    finally:
        panels.unregister("测试栏目")
    assert "测试栏目" not in [p.title for p in panels.registered()]
