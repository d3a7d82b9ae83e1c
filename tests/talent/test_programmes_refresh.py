"""Storing the pre-check: one audited operation for the batch, the stored checks and the verdict."""

import datetime as dt

import pytest

from .programmes_fixtures import *  # noqa: F403
from .programmes_fixtures import GOOD_GRADES, apply, cadre, sanction

D = dt.date


@pytest.mark.django_db
def test_refresh_stores_and_audits_the_batch(program, tree, dept):
    from zugong.core.models import AuditEntry
    from zugong.talent import precheck_services
    from zugong.talent.models import Application

    cadre(tree.people.zhangsan, grades=GOOD_GRADES)
    cadre(tree.people.lisi, grades=GOOD_GRADES)
    sanction(tree.people.lisi, D(2024, 6, 1))
    ok, bad, unknown = (apply(program, tree.people.zhangsan), apply(program, tree.people.lisi),
                        apply(program, tree.people.wangwu))
    before = AuditEntry.objects.count()
    n = precheck_services.refresh(dept.taiyuan, Application.objects.unrestricted().filter(edition=program.edition))
    assert n == 3
    for app in (ok, bad, unknown):
        app.refresh_from_db()
    assert ok.precheck_passed is True and bad.precheck_passed is False and unknown.precheck_passed is None
    assert ok.precheck_at is not None
    assert ok.precheck[0] == {"condition": "近三年年度考核均为合格（称职）以上等次", "kind": "annual_grades", "met": True,
                              "evidence": "2023年 称职；2024年 合格；2025年 优秀",
                              "source": "太原市人才支持计划实施办法（测试）条款号待核"}
    assert bad.precheck[1]["met"] is False and "2024-06-01 党内警告" in bad.precheck[1]["evidence"]
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert len(entries) == 1  # one operation, one entry on the edition
    entry = entries[0]
    assert (entry.model, entry.object_id, entry.actor_name) == ("talent.edition", str(program.edition.pk), "ty_dept")
    assert "3 份：符合 1，不符合 1，待人工审查 1" in str(entry.changes)


@pytest.mark.django_db
def test_refresh_of_one_application_names_each_condition(program, tree, dept):
    from zugong.core.models import AuditEntry
    from zugong.talent import precheck_services

    cadre(tree.people.zhangsan, grades=GOOD_GRADES)
    app = apply(program, tree.people.zhangsan)
    assert [c.met for c in precheck_services.check_one(app)] == [True, True]
    assert precheck_services.refresh(dept.taiyuan, [app]) == 1
    entry = AuditEntry.objects.filter(model="talent.application", object_id=str(app.pk)).latest("pk")
    assert entry.action == "资格预审"
    assert "符合（2023年 称职；2024年 合格；2025年 优秀）" in str(entry.changes)
    app.refresh_from_db()
    assert app.precheck_passed is True


@pytest.mark.django_db
def test_the_sample_programme_is_installed_for_an_organization(tree):
    from zugong.core import config
    from zugong.talent.models import Condition, Edition, Program
    from zugong.talent.programmes_services import weight_problems

    assert config.install(None, ["talent-programmes"]) == []
    assert config.install(tree.root, ["talent-programmes"]) == [("talent-programmes", "SJYC", True)]
    assert config.install(tree.root, ["talent-programmes"]) == [("talent-programmes", "SJYC", False)]
    program = Program.objects.unrestricted().get(code="SJYC")
    edition = Edition.objects.unrestricted().get(program=program)
    assert edition.status == "draft"
    assert [t.name for t in edition.tiers.order_by("order")] == ["高端领军", "拔尖骨干", "青年优秀"]
    conditions = list(Condition.objects.unrestricted().filter(edition=edition).order_by("order"))
    assert [c.kind for c in conditions] == ["annual_grades", "no_sanction", "manual"]
    assert all(c.source.endswith("条款号待核") for c in conditions)
    assert "请改为本地文件规定" in program.description
    assert weight_problems(edition) == []


def test_publishing_refuses_the_samples_zero_allowance(tree, dept):
    """The installed sample has instalments of 0 元: publishing names the tiers to fill in, then instalments
    that do not add up to the tier's total."""
    from django.core.exceptions import ValidationError

    from zugong.talent import programmes_services
    from zugong.talent.defaults.programmes import install
    from zugong.talent.models import AllowanceInstalment, Edition

    install(tree.taiyuan)
    edition = Edition.objects.unrestricted().get(program__code="SJYC")
    problems = programmes_services.allowance_problems(edition)
    assert problems and all("津贴金额为 0，请按本地文件填写" in p for p in problems)
    AllowanceInstalment.objects.unrestricted().filter(tier__edition=edition).update(amount=10000)
    assert any("与津贴总额 0 元不符" in p for p in programmes_services.allowance_problems(edition))
    with pytest.raises(ValidationError, match="无法发布"):
        programmes_services.set_status(dept.taiyuan, edition, "open")
