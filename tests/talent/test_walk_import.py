"""The walk's finding: the 数据导入 page passes no options, so the applications import takes the programme's
code from the file's 人才项目代码 column when --program is not given."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.workbooks import xlsx
from zugong.talent.models import Application

from .applications_fixtures import *  # noqa: F403
from .test_applications_import import _errors

pytestmark = pytest.mark.django_db
HEADER = ["序号", "公民身份号码", "姓名", "单位代码", "层次", "专业领域", "申报日期", "人才项目代码"]


def _run(tmp_path, rows, user):
    path = tmp_path / "applications.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import", "talent-applications", str(path), "--user", user.username)


def test_the_file_names_the_programme(program, tree, users, tmp_path):
    _run(tmp_path, [HEADER, [1, tree.people.zhangsan.id_number, "张三", "14010501", "拔尖骨干", "材料科学",
                             "2026-03-10", "TYYC"]], users.taiyuan)
    assert Application.objects.unrestricted().get(person=tree.people.zhangsan).edition == program.edition


def test_no_programme_anywhere_is_named_in_words_of_the_page(program, tree, users, tmp_path):
    with pytest.raises(CommandError):
        _run(tmp_path, [HEADER[:-1], [1, tree.people.zhangsan.id_number, "张三", "14010501", "拔尖骨干", "材料科学",
                                      "2026-03-10"]], users.taiyuan)
    assert "请在“人才项目代码”列填写人才项目代码" in _errors()
    assert not Application.objects.unrestricted().exists()
