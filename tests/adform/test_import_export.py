"""Import (preview, matching, scope, one transaction per file, audit), export and round trip on the database."""

import datetime as dt
import io
import zipfile
from dataclasses import asdict

import pytest
from django.core.management import CommandError, call_command

from zugong.adform import lrm, lrmx, mapping, services
from zugong.adform.models import AdForm
from zugong.adform.sources import SourceFile, read_upload
from zugong.cadres.models import AnnualAssessment, Cadre, Education, FamilyMember, ResumeEntry
from zugong.core.models import AuditEntry
from zugong.people.idnumber import make_id_number
from zugong.people.models import Person

from .samples import sample_form

NEW_ID = make_id_number("140105", dt.date(1965, 5, 17), 31)


def _src(form, name="王建国.lrmx"):
    return SourceFile(name, lrmx.write_lrmx(form))


def _import(users_or_user, org, *forms, confirmed=None):
    return services.import_files([_src(f, f"{f.name}-{i}.lrmx") for i, f in enumerate(forms)], users_or_user, org,
                                 confirmed=confirmed)


ROUND_TRIP_FIELDS = [
    "name", "sex", "birth", "ethnicity", "native_place", "birthplace", "party_joined", "work_started", "health",
    "professional_title", "specialty", "fulltime_education", "fulltime_degree", "fulltime_education_school",
    "fulltime_degree_school", "onjob_education", "onjob_degree", "onjob_education_school", "onjob_degree_school",
    "current_post", "proposed_post", "proposed_removal", "resume", "rewards", "assessment", "reasons", "family",
    "submitting_unit", "age_as_of", "filled_on", "filled_by", "id_number", "photo", "version",
]


def test_new_person_round_trip(tree, users):
    form = sample_form(id_number=NEW_ID)
    rows = _import(users.taiyuan, tree.xiaodian, form)
    assert rows[0]["status"] == "new" and rows[0]["written"], rows
    cadre = Cadre.objects.unrestricted().get(person__id_number=NEW_ID)
    assert cadre.organization == tree.xiaodian and cadre.person.organization == tree.xiaodian
    assert cadre.party_status == "01" and cadre.party_joined_on == dt.date(1986, 6, 1)
    assert ResumeEntry.objects.unrestricted().filter(cadre=cadre).count() == 4
    assert ResumeEntry.objects.unrestricted().get(cadre=cadre, start_on=dt.date(1995, 3, 1)).during.startswith("1998.09")
    assert FamilyMember.objects.unrestricted().filter(cadre=cadre).count() == 3
    assert Education.objects.unrestricted().filter(cadre=cadre).count() == 2
    assert cadre.person.education == "10"  # 研究生 (on the job) is the highest
    assert dict(AnnualAssessment.objects.unrestricted().filter(cadre=cadre).values_list("year", "grade")) == {
        2022: "competent", 2023: "competent", 2024: "excellent"}
    assert AdForm.objects.unrestricted().get(cadre=cadre).proposed_post == "太原市小店区副区长"

    again = lrmx.parse_lrmx(services.lrmx_bytes(cadre))
    for attr in ROUND_TRIP_FIELDS:
        assert getattr(again, attr) == getattr(form, attr), attr
    # the 2025 fields are written, computed by the reform's rule: man born 1965-05 → 60 years 2 months
    assert again.retirement_month == "202507"
    assert again.pre_reform_age_limit == "改革前任职年龄界限为60岁"


def test_round_trip_after_the_resume_entries_changed(tree, users):
    form = sample_form(id_number=NEW_ID)
    _import(users.taiyuan, tree.xiaodian, form)
    cadre = Cadre.objects.unrestricted().get(person__id_number=NEW_ID)
    last = ResumeEntry.objects.unrestricted().get(cadre=cadre, end_on__isnull=True)
    last.text = "太原市小店区财政局局长、党组书记"
    last.save()
    exported = lrmx.parse_lrmx(services.lrmx_bytes(cadre))
    assert exported.resume.splitlines()[-1] == "2003.06--         太原市小店区财政局局长、党组书记"


def test_messy_resume_text_comes_back_verbatim(tree, users):
    text = "1983.9—1987.7　山西大学学习\n1987.07--        太原市小店区干部，\n     副主任科员"
    form = sample_form(id_number=NEW_ID, resume=text)
    _import(users.taiyuan, tree.xiaodian, form)
    cadre = Cadre.objects.unrestricted().get(person__id_number=NEW_ID)
    assert ResumeEntry.objects.unrestricted().filter(cadre=cadre).count() == 2
    assert lrmx.parse_lrmx(services.lrmx_bytes(cadre)).resume == text


def test_matched_by_id_number_shows_the_changes_then_updates(tree, users):
    zs = tree.people.zhangsan
    form = sample_form(name="张三", id_number=zs.id_number, birth="198005", native_place="山西阳曲")
    preview = services.preview([_src(form)], users.taiyuan, tree.xiaodian)
    assert preview[0]["status"] == "matched_id"
    changes = {c["label"]: c for c in preview[0]["changes"]}
    assert changes["籍贯"] == {"label": "籍贯", "old": "", "new": "山西阳曲"}
    assert changes["简历"]["new"] == "4 段"
    assert not Cadre.objects.unrestricted().filter(person=zs).exists()  # the preview wrote nothing
    rows = _import(users.taiyuan, tree.xiaodian, form)
    assert rows[0]["written"]
    zs.refresh_from_db()
    assert zs.native_place == "山西阳曲" and zs.organization == tree.b1  # the person stays where they are
    assert Cadre.objects.unrestricted().get(person=zs).organization == tree.xiaodian
    # importing the same file again changes nothing
    again = services.preview([_src(form)], users.taiyuan, tree.xiaodian)
    assert again[0]["changes"] == []


def test_name_and_birth_month_match_needs_confirmation(tree, users):
    ls = tree.people.lisi
    form = sample_form(name="李四", id_number="", birth="198005", sex="女")
    rows = services.import_files([_src(form, "李四.lrmx")], users.taiyuan, tree.xiaodian, confirmed=[])
    assert rows[0]["status"] == "matched_name" and not rows[0]["written"]
    assert "未确认" in rows[0]["error"]
    assert not Cadre.objects.unrestricted().filter(person=ls).exists()
    rows = services.import_files([_src(form, "李四.lrmx")], users.taiyuan, tree.xiaodian, confirmed=["李四.lrmx"])
    assert rows[0]["written"]
    ls.refresh_from_db()
    assert ls.birth_date == dt.date(1980, 5, 17)  # the recorded day is kept
    assert Cadre.objects.unrestricted().filter(person=ls).exists()


def test_missing_id_and_no_match_is_reported(tree, users):
    rows = _import(users.taiyuan, tree.xiaodian, sample_form(name="无此人", id_number=""))
    assert rows[0]["status"] == "error" and "无法新建" in rows[0]["error"]


def test_person_outside_the_subtree_is_never_matched_or_changed(tree, users):
    zl = tree.people.zhaoliu  # 大同
    by_id = sample_form(name="赵六", id_number=zl.id_number, birth="198005", native_place="被改")
    rows = _import(users.taiyuan, tree.xiaodian, by_id)
    assert rows[0]["status"] == "out_of_scope" and not rows[0]["written"]
    assert "该公民身份号码已登记" in rows[0]["error"] and "大同" not in str(rows[0])  # the other side is not named
    zl.refresh_from_db()
    assert zl.native_place == "" and not Cadre.objects.unrestricted().filter(person=zl).exists()
    by_name = sample_form(name="赵六", id_number="", birth="198005")
    rows = _import(users.taiyuan, tree.xiaodian, by_name, confirmed=None)
    assert rows[0]["status"] == "error" and "没有同名同出生年月" in rows[0]["error"]


def test_a_failing_file_rolls_back_alone(tree, users, monkeypatch):
    good = sample_form(id_number=NEW_ID)
    bad = sample_form(name="坏人", id_number=make_id_number("140105", dt.date(1970, 1, 2), 33))
    real = mapping._replace_children

    def failing(cadre, *args):
        real(cadre, *args)
        if cadre.name == "坏人":
            raise mapping.ValidationError("模拟写入失败")

    monkeypatch.setattr(mapping, "_replace_children", failing)
    rows = _import(users.taiyuan, tree.xiaodian, bad, good)
    assert [r["written"] for r in rows] == [False, True]
    assert rows[0]["error"] == "模拟写入失败"
    assert not Person.objects.unrestricted().filter(name="坏人").exists()
    assert not ResumeEntry.objects.unrestricted().filter(cadre__name="坏人").exists()
    assert Person.objects.unrestricted().filter(id_number=NEW_ID).exists()


def test_zip_with_a_bad_file_among_good_ones_imports_the_good(tree, users):
    buf = io.BytesIO()
    second = make_id_number("140105", dt.date(1972, 3, 8), 42)
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("甲.lrmx", lrmx.write_lrmx(sample_form(id_number=NEW_ID)))
        z.writestr("乙.lrmx", lrmx.write_lrmx(sample_form(name="乙", id_number=second, birth="197203", sex="女")))
        z.writestr("坏.lrmx", b"<Person><XingMing>")
        z.writestr("炸弹.lrmx", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Person><XingMing>&a;</XingMing></Person>')
    rows = services.import_files(read_upload("批量.zip", buf.getvalue()), users.taiyuan, tree.xiaodian)
    by = {r["name"]: r for r in rows}
    assert by["批量.zip/甲.lrmx"]["written"] and by["批量.zip/乙.lrmx"]["written"]
    assert "XML 格式错误" in by["批量.zip/坏.lrmx"]["error"]
    assert "DTD 或实体声明" in by["批量.zip/炸弹.lrmx"]["error"]
    assert services.summary(rows)["written"] == 2


def test_lrm_with_and_without_pic_matches_by_name(tree, users):
    zs = tree.people.zhangsan
    form = sample_form(name="张三", birth="198005")
    data = lrm.write_lrm(form)
    rows = services.import_files([SourceFile("张三.lrm", data, form.photo)], users.taiyuan, tree.xiaodian)
    assert rows[0]["status"] == "matched_name" and rows[0]["written"]
    zs.refresh_from_db()
    assert zs.photo and zs.photo.read() == form.photo
    rows = services.import_files([SourceFile("张三.lrm", data)], users.taiyuan, tree.xiaodian)
    assert rows[0]["written"] and "没有同名的 .pic 照片文件" in rows[0]["warnings"]
    zs.refresh_from_db()
    assert zs.photo  # no .pic: the photo on record stays


def test_import_is_audited_with_the_file_name(tree, users):
    _import(users.taiyuan, tree.xiaodian, sample_form(id_number=NEW_ID))
    cadre = Cadre.objects.unrestricted().get(person__id_number=NEW_ID)
    entry = AuditEntry.objects.unrestricted().get(model="cadres.cadre", object_id=str(cadre.pk), action="import")
    assert entry.actor_name == "ty_admin" and "王建国-0.lrmx" in entry.note
    assert AuditEntry.objects.unrestricted().filter(model="cadres.resumeentry", action="create").count() == 4


def test_cli_import_and_export(tree, users, tmp_path, capsys):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "王建国.lrmx").write_bytes(lrmx.write_lrmx(sample_form(id_number=NEW_ID)))
    (folder / "坏.lrmx").write_bytes(b"not xml")
    call_command("import", "lrmx", str(folder), user="ty_admin", org="140105", dry_run=True)
    out = capsys.readouterr().out
    assert "王建国.lrmx：新增人员" in out and "坏.lrmx：无法导入" in out and "预览" in out
    assert not Person.objects.unrestricted().filter(id_number=NEW_ID).exists()
    call_command("import", "lrmx", str(folder), user="ty_admin", org="140105")
    assert "已导入 1 个" in capsys.readouterr().out
    target = tmp_path / "out.lrmx"
    call_command("export", "lrmx", str(target), person=[NEW_ID], user="ty_admin")
    assert lrmx.parse_lrmx(target.read_bytes()).name == "王建国"
    with pytest.raises(CommandError, match="管辖范围内没有这些干部"):
        call_command("export", "lrmx", str(target), person=[NEW_ID], user="dt_admin")
    zipped = tmp_path / "all.zip"
    call_command("export", "lrmx", str(zipped), org="1401", user="ty_admin")
    assert zipfile.ZipFile(zipped).namelist() == [f"王建国-{NEW_ID[-4:]}.lrmx"]


def test_export_has_element_order_and_2025_fields_for_a_woman(tree, users):
    wid = make_id_number("140105", dt.date(1975, 3, 9), 44)
    _import(users.taiyuan, tree.xiaodian, sample_form(name="李红", id_number=wid, birth="197503", sex="女"))
    cadre = Cadre.objects.unrestricted().get(person__id_number=wid)
    text = services.lrmx_bytes(cadre).decode()
    assert "<DaoLingNianYue>203107</DaoLingNianYue>" in text  # woman cadre born 1975-03: 55 + 16 months
    assert text.index("<Version>") < text.index("<DaoLingNianYue>") < text.index("<GaiGeQian")


def test_form_of_a_cadre_never_imported(tree, users):
    from zugong.cadres import services as cadre_services

    cadre = cadre_services.create_cadre(users.taiyuan, tree.people.wangwu, tree.xiaodian)
    form = mapping.form_of(cadre, today=dt.date(2026, 3, 1))
    assert form.name == "王五" and form.age_as_of == "20260301" and form.submitting_unit == tree.xiaodian.name
    assert asdict(lrmx.parse_lrmx(lrmx.write_lrmx(form)))["name"] == "王五"


def test_reimport_with_a_changed_resume_replaces_the_entries_and_keeps_the_chain(tree, users):
    from zugong.core import audit

    _import(users.taiyuan, tree.xiaodian, sample_form(id_number=NEW_ID))
    changed = sample_form(id_number=NEW_ID, resume="1987.07--         太原市小店区干部",
                          family=[], rewards="无")
    rows = _import(users.taiyuan, tree.xiaodian, changed)
    assert rows[0]["status"] == "matched_id" and rows[0]["written"]
    labels = {c["label"] for c in rows[0]["changes"]}
    assert {"简历", "家庭成员", "奖惩情况"} <= labels
    cadre = Cadre.objects.unrestricted().get(person__id_number=NEW_ID)
    assert list(ResumeEntry.objects.unrestricted().filter(cadre=cadre).values_list("text", flat=True)) == [
        "太原市小店区干部"]
    assert not FamilyMember.objects.unrestricted().filter(cadre=cadre).exists()
    assert AuditEntry.objects.unrestricted().filter(model="cadres.resumeentry", action="delete").count() == 4
    assert AuditEntry.objects.unrestricted().filter(model="cadres.cadre", action="update").exists()
    checked, broken = audit.verify()
    assert broken is None and checked > 20
