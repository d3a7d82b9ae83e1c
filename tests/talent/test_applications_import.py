"""`zugong import talent-applications FILE --program CODE`: good rows become applications of the open edition;
every bad row is named (row, column, reason) and nothing is written."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.workbooks import xlsx
from zugong.core.models import Job
from zugong.orgs.models import Unit
from zugong.talent.models import Application, ApplicationStep

from .applications_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db
HEADER = ["序号", "公民身份号码", "姓名", "单位代码", "层次", "专业领域", "申报日期"]


def _run(tmp_path, rows, user, program="TYYC"):
    path = tmp_path / "applications.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import", "talent-applications", str(path), "--user", user.username, "--program", program)


def _errors():
    return "\n".join(Job.objects.unrestricted().order_by("-pk").first().result["errors"])


def test_a_good_file(program, tree, users, tmp_path):
    unit = Unit.objects.create(name="太原理工大学", credit_code="12140000405200000X", org_path=tree.b2.path)
    rows = [HEADER,
            [1, tree.people.zhangsan.id_number, "张三", "14010501", "拔尖骨干", "材料科学", "2026-03-10"],
            [2, tree.people.wangwu.id_number, "王五", "12140000405200000X", "young", "化学工程", "2026-04-01"]]
    _run(tmp_path, rows, users.taiyuan)
    zhang = Application.objects.unrestricted().get(person=tree.people.zhangsan)
    wang = Application.objects.unrestricted().get(person=tree.people.wangwu)
    assert (zhang.person, zhang.organization, zhang.tier.name, zhang.status) == (
        tree.people.zhangsan, tree.b1, "拔尖骨干", "applied")
    assert (wang.unit, wang.organization, wang.tier.code, wang.unit_name) == (unit, tree.b2, "young", "太原理工大学")
    assert ApplicationStep.objects.unrestricted().filter(kind="apply").count() == 2


def test_bad_rows_are_named_and_nothing_is_written(program, tree, users, tmp_path):
    from .applications_fixtures import apply

    apply(users.taiyuan, program, tree.people.lisi, tree.b1)
    zhang = tree.people.zhangsan.id_number
    rows = [HEADER,
            [1, zhang, "张三", "14010501", "拔尖骨干", "材料科学", "2026-03-10"],           # 2: good
            [2, tree.people.wangwu.id_number, "王武", "14021301", "拔尖骨干", "化学", "2026-03-10"],  # 3: name, org
            [3, tree.people.zhaoliu.id_number, "赵六", "140105", "特级", "化学", "2026-05-10"],  # 4: person, tier, date
            [4, tree.people.lisi.id_number, "李四", "140105", "青年优秀", "化学", "2026-03-12"],  # 5: applied already
            [5, zhang, "张三", "140105", "青年优秀", "化学", "2026-03-12"],                   # 6: repeated
            ]
    with pytest.raises(CommandError):
        _run(tmp_path, rows, users.taiyuan)
    assert Application.objects.unrestricted().count() == 1
    errors = _errors()
    for expected in ("第3行“姓名”列：“王武”与该公民身份号码登记的姓名“王五”不一致",
                     "第3行“单位代码”列：14021301 不是您管辖范围内的组织代码或单位的统一社会信用代码",
                     "第4行“公民身份号码”列", "第4行“层次”列：“特级”不是本批次的层次",
                     "第4行“申报日期”列：申报日期 2026-05-10 不在",
                     "第5行“公民身份号码”列：李四已申报", "第6行“公民身份号码”列：与第2行重复"):
        assert expected in errors, (expected, errors)


def test_an_unknown_program_is_refused(program, tree, users, tmp_path):
    rows = [HEADER, [1, tree.people.zhangsan.id_number, "张三", "14010501", "拔尖骨干", "材料科学", "2026-03-10"]]
    with pytest.raises(CommandError):
        _run(tmp_path, rows, users.taiyuan, program="NOPE")
    assert "NOPE 不是您可见的人才项目" in _errors()
    assert not Application.objects.unrestricted().exists()
