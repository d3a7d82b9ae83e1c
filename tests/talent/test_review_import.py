"""`zugong import talent-experts`: bad rows named, nothing written on error; good rows join the pool."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.workbooks import xlsx
from zugong.core.models import Job

HEADER = ["姓名", "工作单位", "专业领域", "职称职务", "联系电话", "公民身份号码"]


def _run(tmp_path, rows, user):
    path = tmp_path / "experts.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import", "talent-experts", str(path), "--user", user.username)


def test_experts_import(tree, users, tmp_path):
    from zugong.talent.models import Expert

    p = tree.people
    bad = [HEADER, ["王教授", "太原理工大学", "材料科学", "教授", "", ""],
           ["赵六", "大同大学", "化学", "", "", p.zhaoliu.id_number],   # out of scope
           ["李三", "山西大学", "化学", "", "", p.lisi.id_number],      # name differs
           ["", "山西大学", "", "", "", ""]]
    with pytest.raises(CommandError):
        _run(tmp_path, bad, users.taiyuan)
    assert not Expert.objects.unrestricted().exists()
    errors = "\n".join(Job.objects.unrestricted().order_by("-pk").first().result["errors"])
    assert "第3行" in errors and "不是您管辖范围内的人员" in errors
    assert "第4行" in errors and "不一致" in errors
    assert "第5行" in errors
    _run(tmp_path, [HEADER, ["王教授", "太原理工大学", "材料科学", "教授", "13800000000", ""],
                    ["李四", "山西大学", "化学", "副教授", "", p.lisi.id_number]], users.taiyuan)
    experts = {e.name: e for e in Expert.objects.unrestricted()}
    assert experts["李四"].person == p.lisi and experts["王教授"].organization == tree.taiyuan
