"""The two imports of the classified assessment with their fixed contract: a scheme set up by import, values by
import (`--scheme CODE`), every bad row named in Chinese, nothing written on error, the templates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests.assessment.schemes_fixtures import VALUES_HEADER, counties_fixture, scheme_rows  # noqa: F401
from tests.workbooks import xlsx
from zugong.assessment.models import (
    IndicatorValue,
    Scheme,
    SchemeCategory,
    SchemeIndicator,
    SchemeUnit,
    UnitResult,
)
from zugong.core.models import AuditEntry, Job

pytestmark = pytest.mark.django_db
A, B = "一类（重点开发）", "二类（农产品主产）"


def run(tmp_path, kind, rows, user, **options):
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(xlsx(rows))
    args = ["import", kind, str(path), "--user", user.username]
    for k, v in options.items():
        args += [f"--{k}", v]
    call_command(*args)


def failed(tmp_path, kind, rows, user, **options) -> list[str]:
    with pytest.raises(CommandError):
        run(tmp_path, kind, rows, user, **options)
    job = Job.objects.unrestricted().filter(kind="import").latest("pk")
    assert job.status == Job.Status.FAILED
    return job.result["errors"]


def test_a_scheme_set_up_by_import(tmp_path, users, counties):
    run(tmp_path, "assessment-scheme", scheme_rows(), users.taiyuan)
    scheme = Scheme.objects.unrestricted().get(code="TY-2025")
    assert (scheme.year, scheme.top_share, scheme.organization.code, scheme.grades) == (
        2025, 20, "1401", ["优秀", "良好", "一般", "较差"])
    assert list(SchemeCategory.objects.unrestricted().filter(scheme=scheme).values_list("name", flat=True)) == [A, B]
    a2 = SchemeIndicator.objects.unrestricted().get(category__name=A, code="A2")
    assert (a2.dimension, a2.weight, a2.kind, a2.direction, a2.method, a2.params) == (
        "资源环境", 30, "binding", "lower", "target", {"target": 0.5})
    b1 = SchemeIndicator.objects.unrestricted().get(category__name=B, code="B1")
    assert b1.method == "rank_points" and b1.params == {"points": [60.0, 57.0, 54.0]}
    assert AuditEntry.objects.unrestricted().filter(model="assessment.schemeindicator", action="create").count() == 7


def test_scheme_import_names_every_bad_row_and_writes_nothing(tmp_path, users, counties):
    rows = scheme_rows()
    rows[2][8] = 25  # A2 weight: category 一类 sums to 95
    rows[4][8] = 5  # V1 一票否决 with a weight (and the sum back to 100)
    rows[5][11] = "平均法"  # no such method
    rows[6][12] = None  # B2 达标法 without a target
    rows[7][10] = "越高越好"
    rows.append([8, "TY-2025", "2025年度县（市、区）分类考核", 2025, B, "创新驱动", "B2", "重复", 0, "", "", "一票否优", None,
                 None, None, "20%"])
    errors = failed(tmp_path, "assessment-scheme", rows, users.taiyuan)
    assert "第5行“权重”列：一票否决指标的权重应为 0，现为 5" in errors
    assert any(e.startswith("第6行“计分方法”列：计分方法“平均法”应为比值法、达标法") for e in errors)
    assert "第7行“目标值”列：达标法须填写目标值" in errors
    assert any(e.startswith("第8行“方向”列：方向“越高越好”应为") for e in errors)
    assert "第9行“指标代码”列：与第7行重复（同一方案、同一类别的指标代码）" in errors
    assert Scheme.objects.unrestricted().count() == 0 and SchemeIndicator.objects.unrestricted().count() == 0
    rows = scheme_rows()
    rows[2][8] = 25
    errors = failed(tmp_path, "assessment-scheme", rows, users.taiyuan)
    assert errors == ["第5行“权重”列：方案 TY-2025 类别“一类（重点开发）”各指标权重之和应为 100，现为 95（第2、3、4、5行）"]
    assert Scheme.objects.unrestricted().count() == 0


def test_values_import_places_units_scores_and_checks_every_row(tmp_path, users, counties):
    run(tmp_path, "assessment-scheme", scheme_rows(), users.taiyuan)
    good = [VALUES_HEADER,
            [1, "140105", A, "A1", 8], [2, "140105", A, "A2", 0.4], [3, "140105", A, "A3", 0],
            [4, "140106", A, "A1", 4], [5, "140106", A, "A2", 1.0], [6, "140106", A, "A3", 1],
            [7, "140121", B, "B1", 300], [8, "140121", B, "B2", 2.5]]
    bad = [*good,
           [9, "140213", A, "A1", 5],  # 大同's county: not in 太原's scope
           [10, "140107", "三类", "A1", 5],  # no such category
           [11, "140107", B, "A1", 5],  # A1 is not an indicator of 二类
           [12, "140105", B, "B1", 1],  # 小店区 placed in 一类 in row 2
           [13, "140105", A, "A1", 9],  # duplicate of row 2
           [14, "140122", A, "A1", "八"]]  # not a number
    errors = failed(tmp_path, "assessment-values", bad, users.taiyuan, scheme="TY-2025")
    assert "第10行“单位代码”列：140213 不是您管辖范围内的党组织" in errors
    assert "第11行“类别”列：方案 TY-2025 没有类别“三类”（有：一类（重点开发）、二类（农产品主产））" in errors
    assert "第12行“指标代码”列：类别“二类（农产品主产）”没有指标 A1" in errors
    assert "第13行“类别”列：第2行已将“中共太原市小店区委员会”列入类别“一类（重点开发）”" in errors
    assert "第14行“指标代码”列：与第2行重复（同一单位、同一指标）" in errors
    assert "第15行“数值”列：“八”不是数字" in errors
    assert not IndicatorValue.objects.unrestricted().exists() and not SchemeUnit.objects.unrestricted().exists()
    assert not UnitResult.objects.unrestricted().exists()

    errors = failed(tmp_path, "assessment-values", good, users.taiyuan)  # no --scheme, no 方案代码 column
    assert errors[0] == "第2行“方案代码”列：请填写方案代码（或在命令行用 --scheme 指定）"
    errors = failed(tmp_path, "assessment-values", good, users.datong, scheme="TY-2025")
    assert errors == ["文件：考核方案 TY-2025 不存在或不在您的管辖范围内"]

    run(tmp_path, "assessment-values", good, users.taiyuan, scheme="TY-2025")
    units = dict(SchemeUnit.objects.unrestricted().values_list("organization__code", "category__name"))
    assert units == {"140105": A, "140106": A, "140121": B}
    results = {r.organization.code: r for r in UnitResult.objects.unrestricted().select_related("organization")}
    # 小店区: A1 8/8×40 = 40, A2 0.4 ≤ 0.5 → 30, A3 30 − 5×0 = 30; 迎泽区: 4/8×40 = 20, 30×0.5/1 = 15, 25
    assert results["140105"].score == pytest.approx(100) and results["140106"].score == pytest.approx(60)
    assert (results["140105"].rank, results["140106"].rank, results["140121"].rank) == (1, 2, 1)
    assert results["140121"].score == pytest.approx(100)
    # A value imported again replaces the old one (audited as an update) and the scheme is scored again.
    run(tmp_path, "assessment-values", [VALUES_HEADER, [1, "140106", A, "A1", 16]], users.taiyuan, scheme="TY-2025")
    assert UnitResult.objects.unrestricted().get(organization=counties.yingze).rank == 1
    assert AuditEntry.objects.unrestricted().filter(model="assessment.indicatorvalue", action="update").count() == 1


def test_a_scheme_with_values_is_not_replaced_but_one_without_is(tmp_path, users, counties):
    run(tmp_path, "assessment-scheme", scheme_rows(), users.taiyuan)
    renamed = scheme_rows(name="2025年度分类考核（修订）")
    run(tmp_path, "assessment-scheme", renamed, users.taiyuan)
    assert Scheme.objects.unrestricted().get(code="TY-2025").name == "2025年度分类考核（修订）"
    run(tmp_path, "assessment-values", [VALUES_HEADER, [1, "140105", A, "A1", 8]], users.taiyuan, scheme="TY-2025")
    errors = failed(tmp_path, "assessment-scheme", scheme_rows(), users.taiyuan)
    assert errors[0] == "第2行“方案代码”列：方案 TY-2025 已有考核数据，不能重新导入；新一年的方案请用新的方案代码"


def test_the_values_import_from_the_import_page_takes_the_scheme_column(login, users, counties, tmp_path):
    run(tmp_path, "assessment-scheme", scheme_rows(), users.taiyuan)
    client = login(users.taiyuan)
    header = ["序号", "方案代码", "单位代码", "类别", "指标代码", "数值"]
    r = client.post("/core/imports/", {"importer": "assessment-values", "mode": "all", "file": SimpleUploadedFile(
        "数值.xlsx", xlsx([header, [1, "TY-2025", "140105", A, "A1", 3]]))})
    assert r.status_code == 302
    from zugong.core import jobs

    job = Job.objects.unrestricted().latest("pk")
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.result
    assert IndicatorValue.objects.unrestricted().get().value == 3


@pytest.mark.parametrize("kind", ["assessment-scheme", "assessment-values"])
def test_templates_download_and_import_as_downloaded_without_failing(login, users, counties, tmp_path, kind):
    r = login(users.taiyuan).get(f"/core/imports/template/{kind}.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    header = [c.value for c in wb.active[1]]
    if kind == "assessment-scheme":
        assert [h.rstrip("*") for h in header[1:16]] == scheme_rows()[0][1:]
    else:
        assert [h.rstrip("*") for h in header[1:5]] == VALUES_HEADER[1:]
    path = tmp_path / "t.xlsx"
    path.write_bytes(r.content)
    options = ["--scheme", "NONE"] if kind == "assessment-values" else []
    if kind == "assessment-values":
        run(tmp_path, "assessment-scheme", scheme_rows(code="NONE"), users.taiyuan)
    call_command("import", kind, str(path), "--user", users.taiyuan.username, *options)
