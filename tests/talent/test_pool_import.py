"""`zugong import talents`: talents recognised before zugong; every bad row named (row, column, reason) and nothing
written on error; then the good rows enter the pool with the tier matched by name."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.workbooks import xlsx
from zugong.core.models import Job
from zugong.talent.models import Talent

from .pool_fixtures import *  # noqa: F403
from .pool_fixtures import D

HEADER = ["序号", "公民身份号码", "姓名", "人才项目代码", "层次", "专业领域", "认定日期", "支持期满日期", "单位代码"]


def _run(tmp_path, rows, user):
    path = tmp_path / "talents.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import", "talents", str(path), "--user", user.username)


def test_import_talents(tmp_path, tree, users, pool):
    p = tree.people
    before = Talent.objects.unrestricted().count()
    rows = [HEADER,
            [1, p.lisi.id_number, "李四", "TYYC", "青年优秀", "文化旅游", "2023-09-01", "2026-09-01", "14010501"],
            [2, p.zhaoliu.id_number, "赵六", "TYYC", "青年优秀", "农业", "2023-09-01", "2026-09-01", "14021301"],
            [3, p.wangwu.id_number, "王五", "TYYC", "拔尖骨干", "新材料", "2023-09-01", "2026-09-01", "14010502"],
            [4, p.lisi.id_number, "李二", "NOPE", "青年优秀", "农业", "2027-01-01", "2026-09-01", "9999"]]
    with pytest.raises(CommandError):
        _run(tmp_path, rows, users.taiyuan)
    assert Talent.objects.unrestricted().count() == before
    errors = "\n".join(Job.objects.unrestricted().order_by("-pk").first().result["errors"])
    for expected in ("第3行“公民身份号码”列：", "不是您管辖范围内的人员",
                     "第3行“单位代码”列：没有组织代码为“14021301”的党组织，或不在您的管辖范围内",
                     "第4行“公民身份号码”列：王五已在人才库中（太原英才支持计划（测试））",
                     "第5行“姓名”列：姓名“李二”与该公民身份号码登记的姓名“李四”不一致",
                     "第5行“人才项目代码”列：没有项目代码为“NOPE”的人才项目",
                     "第5行“认定日期”列：认定日期 2027-01-01 晚于今天"):
        assert expected in errors, (expected, errors)
    _run(tmp_path, rows[:2], users.taiyuan)
    t = Talent.objects.unrestricted().get(person=p.lisi)
    assert (t.tier_id, t.edition_id, t.field, t.since, t.until, t.organization, t.application_id) == (
        pool.tiers["young"].pk, pool.edition.pk, "文化旅游", D(2023, 9, 1), D(2026, 9, 1), tree.b1, None)
    assert t.status == "expired"
