"""`zugong import community-registrations`: every bad row named in Chinese, nothing written on error; then the
good rows are registered (待社区确认)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.workbooks import xlsx
from zugong.core.models import Job
from zugong.service import community_services as services
from zugong.service.models import CommunityRegistration

from .community_fixtures import *  # noqa: F403
from .community_fixtures import D

HEADER = ["序号", "公民身份号码", "姓名", "报到社区组织代码", "报到日期", "居住小区"]


def _run(tmp_path, rows, user):
    path = tmp_path / "community.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import", "community-registrations", str(path), "--user", user.username)


def _errors():
    return "\n".join(Job.objects.unrestricted().order_by("-pk").first().result["errors"])


def test_bad_rows_are_named_and_nothing_is_written(tree, users, community, tmp_path):
    c, p = community, tree.people
    services.register(users.taiyuan, c.members.zhangsan, c.hq, D(2026, 1, 5))
    before = CommunityRegistration.objects.unrestricted().count()
    rows = [HEADER,
            [1, p.wangwu.id_number, "王五", c.hq.code, "2026-03-02", "双塔小区3号楼"],   # 2: good
            [2, p.zhaoliu.id_number, "赵六", c.hq.code, "2026-03-02", ""],              # 3: out of scope
            [3, p.lisi.id_number, "李四", c.hq.code, "2026-03-02", ""],                 # 4: stopped
            [4, p.zhangsan.id_number, "张三", c.hq.code, "2026-03-02", ""],             # 5: already registered
            [5, p.wangwu.id_number, "王二", "140105002", "2027-01-02", ""],             # 6: name, street, future
            [6, p.wangwu.id_number, "王五", "9999", "2026-03-02", ""]]                  # 7: duplicate, no org
    with pytest.raises(CommandError):
        _run(tmp_path, rows, users.taiyuan)
    assert CommunityRegistration.objects.unrestricted().count() == before
    errors = _errors()
    for expected in ("第3行“公民身份号码”列：", "不是您管辖范围内（可登记报到）的党员",
                     "第4行“公民身份号码”列：李四（停止党籍）不是现有党员",
                     "第5行“公民身份号码”列：张三已于 2026-01-05 向“中共太原市小店区坞城街道双塔社区委员会”报到",
                     "第6行“姓名”列：姓名“王二”与该公民身份号码登记的姓名“王五”不一致",
                     "第6行“报到社区组织代码”列：", "街道（乡镇）一级党组织",
                     "第6行“报到日期”列：报到日期 2027-01-02 晚于今天",
                     "第6行“公民身份号码”列：与第2行重复",
                     "第7行“报到社区组织代码”列：没有组织代码为“9999”的党组织"):
        assert expected in errors, (expected, errors)
    _run(tmp_path, rows[:2], users.taiyuan)
    reg = CommunityRegistration.objects.unrestricted().get(membership=c.members.wangwu)
    assert (reg.status, reg.community, reg.branch, reg.residence) == ("pending", c.hq, tree.b2, "双塔小区3号楼")
