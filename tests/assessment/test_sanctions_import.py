"""Importing sanctions from .xlsx: every bad row named in Chinese, nothing written on error, the rows written
through the service (a 留党察看 writes the member's history), the command and the template."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests.workbooks import xlsx
from zugong.assessment.models import Sanction
from zugong.core.models import Job
from zugong.members.models import DisciplineSpan

from .sanctions_fixtures import *  # noqa: F403 — the fixtures (effects, record) and helpers (member)

HEADER = ["序号", "公民身份号码", "姓名", "处分类别", "处分性质", "决定日期", "影响期至", "决定机关", "文号", "说明"]


@pytest.fixture
def rows(tree, effects):
    p = tree.people
    return [
        HEADER,
        [1, p.zhangsan.id_number, "张三", "留党察看一年", "", "2026-03-05", "", "小店区纪委", "小纪发〔2026〕3号", ""],
        [2, p.wangwu.id_number, "王五", "诫勉", "问责", dt.datetime(2026, 4, 1), "", "小店区委", "", "履职不力"],
        [3, p.zhaoliu.id_number, "赵六", "党内警告", "", "2026-03-05", "", "", "", ""],           # 4: 大同
        [4, p.lisi.id_number, "王二", "党内警告", "", "2026-03-05", "", "", "", ""],              # 5: name
        [5, p.lisi.id_number, "李四", "警告处分", "", "2026-03-05", "", "", "", ""],              # 6: kind
        [6, p.lisi.id_number, "李四", "通报", "党纪处分", "2026-03-05", "", "", "", ""],          # 7: family
        [7, p.lisi.id_number, "李四", "免职", "", "2026-03-05", "2026-01-01", "", "", ""],        # 8: period
        [8, p.lisi.id_number, "李四", "降职", "", "2027-03-05", "", "", "", ""],                  # 9: future
        [9, p.wangwu.id_number, "王五", "诫勉", "", "2026-04-01", "", "", "", ""],                # 10: duplicate
        [10, p.zhangsan.id_number, "张三", "留党察看二年", "", "2026-05-05", "2027-05-04", "", "", ""],  # 11
    ]


def test_every_bad_row_is_named_and_nothing_is_written(tree, users, rows, tmp_path):
    member(tree.people.zhangsan, tree.b1)  # noqa: F405
    path = tmp_path / "处分.xlsx"
    path.write_bytes(xlsx(rows))
    with pytest.raises(CommandError):
        call_command("import", "sanctions", str(path), "--user", users.taiyuan.username)
    assert not Sanction.objects.unrestricted().exists() and not DisciplineSpan.objects.unrestricted().exists()
    job = Job.objects.unrestricted().order_by("-pk").first()
    errors = "\n".join(job.result["errors"])
    for expected in ("第4行“公民身份号码”列：", "不是您管辖范围内的人员",
                     "第5行“姓名”列：姓名“王二”与该公民身份号码登记的姓名“李四”不一致",
                     "第6行“处分类别”列：处分类别“警告处分”不是", "第7行“处分性质”列：“通报”不能作为党纪处分登记",
                     "第8行“影响期至”列：影响期至 2026-01-01 早于决定日期 2026-03-05",
                     "第9行“决定日期”列：日期 2027-03-05 晚于今天", "第10行“决定日期”列：与第3行重复",
                     "第11行“影响期至”列：留党察看的察看期", "第11行“处分类别”列：与第2行同为该人员的留党察看"):
        assert expected in errors, (expected, errors)


def test_valid_rows_are_written_through_the_service(tree, users, rows, tmp_path, login):
    m = member(tree.people.zhangsan, tree.b1)  # noqa: F405
    path = tmp_path / "处分.xlsx"
    path.write_bytes(xlsx(rows[:3]))
    call_command("import", "sanctions", str(path), "--user", users.taiyuan.username)
    probation = Sanction.objects.unrestricted().get(person=tree.people.zhangsan)
    assert probation.discipline_span == DisciplineSpan.objects.unrestricted().get(membership=m)
    assert probation.effective_until == dt.date(2027, 3, 4) and probation.document_no == "小纪发〔2026〕3号"
    admonition = Sanction.objects.unrestricted().get(person=tree.people.wangwu)
    assert (admonition.family, admonition.effective_until) == ("accountability", dt.date(2026, 9, 30))
    # the same file again: already recorded; the open 留党察看 refuses a second one
    client = login(users.taiyuan)
    r = client.post("/core/imports/", {"importer": "sanctions", "mode": "all",
                                       "file": SimpleUploadedFile("处分.xlsx", xlsx(rows[:3]))})
    job = Job.objects.unrestricted().get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
    from zugong.core import jobs

    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert any("已登记" in e for e in job.result["errors"]) and any("尚未结束" in e for e in job.result["errors"])
    assert Sanction.objects.unrestricted().count() == 2


def test_the_template_and_the_import_page(users, login, effects):
    client = login(users.taiyuan)
    r = client.get("/core/imports/template/sanctions.xlsx")
    header = next(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert [h.rstrip("*") for h in header[1:]] == HEADER[1:]
    assert "处分、问责和组织处理" in client.get("/core/imports/").content.decode()
