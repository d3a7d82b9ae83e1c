"""The imports of the data the statistics tables need: a good file writes, a bad row writes nothing and names
the row and the column."""


import pytest

from tests.stats.fixtures import member
from tests.test_imports import upload
from tests.workbooks import xlsx
from zugong.core.models import Job
from zugong.members.models import Award, Exit, Membership
from zugong.orgs.models import Unit
from zugong.people.models import Person


@pytest.fixture
def ty(login, users):
    return login(users.taiyuan)


PEOPLE_HEADER = ["公民身份号码", "姓名", "职业（党内统计分类）", "新的社会阶层", "生产工作第一线", "专业技术职务等级",
                 "学生类别", "学生年级", "台湾省籍"]


@pytest.mark.django_db
def test_people_statistics(ty, tree):
    zs, ls = tree.people.zhangsan, tree.people.lisi
    bad = xlsx([PEOPLE_HEADER,
                [zs.id_number, "张三", "党政机关工作人员", "", "", "高级专业技术职务", "", "", "否"],
                [ls.id_number, "李四", "宇航员", "", "", "", "", "", "是"]])
    job = upload(ty, bad, importer="people-statistics")
    assert job.status == Job.Status.FAILED
    assert job.result["errors"] == ["第3行“职业（党内统计分类）”列：“宇航员”不是有效的职业"]
    assert Person.objects.unrestricted().get(pk=zs.pk).occupation_class == ""
    good = xlsx([PEOPLE_HEADER,
                 [zs.id_number, "张三", "党政机关工作人员", "", "机关第一线", "高级专业技术职务", "", "", "否"],
                 [ls.id_number, "李四", "50", "", "", "", "研究生", "毕业年级", "是"]])
    job = upload(ty, good, importer="people-statistics")
    assert job.status == Job.Status.DONE, job.result
    zs.refresh_from_db()
    ls.refresh_from_db()
    assert (zs.occupation_class, zs.front_line, zs.tech_title_level) == ("11", "organ", "senior")
    assert (ls.occupation_class, ls.student_level, ls.student_year, ls.taiwan_origin) == (
        "50", "graduate", "final", True)


EXIT_HEADER = ["公民身份号码", "姓名", "出党方式", "出党日期", "批准机关", "文号", "违纪行为", "具体表现", "出党时职级"]


@pytest.mark.django_db
def test_member_exits(ty, tree):
    a = member(tree.b1, "甲", 51)
    b = member(tree.b2, "乙", 52)
    bad = xlsx([EXIT_HEADER,
                [a.person.id_number, "甲", "开除党籍", "2026-03-01", "小店区纪委", "1号", "违反廉洁纪律", "", ""],
                [b.person.id_number, "乙", "取消预备党员资格", "2026-03-01", "", "", "", "", ""]])
    job = upload(ty, bad, importer="member-exits")
    assert job.status == Job.Status.FAILED
    assert job.result["errors"] == ["第3行“出党方式”列：乙不是预备党员，不能取消预备党员资格"]
    assert not Exit.objects.unrestricted().exists()
    good = xlsx([EXIT_HEADER,
                 [a.person.id_number, "甲", "开除党籍", "2026-03-01", "小店区纪委", "1号", "违反廉洁纪律", "", ""],
                 [b.person.id_number, "乙", "死亡", "2026-04-02", "", "", "", "", ""]])
    job = upload(ty, good, importer="member-exits")
    assert job.status == Job.Status.DONE, job.result
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (Membership.Status.LEFT, Membership.Status.DECEASED)
    assert Exit.objects.unrestricted().get(membership=a).misconduct == "integrity"


AWARD_HEADER = ["表彰类别", "表彰层级", "党组织代码", "公民身份号码", "表彰日期", "表彰机关", "文号"]


@pytest.mark.django_db
def test_awards(ty, tree):
    a = member(tree.b1, "甲", 53)
    bad = xlsx([AWARD_HEADER,
                ["优秀共产党员", "县（市、区、旗）一级表彰", "", a.person.id_number, "2026-07-01", "小店区委", "3号"],
                ["先进基层党组织", "市（地、州、盟）一级表彰", "", "", "2026-07-01", "", ""],
                ["先进基层党组织", "市（地、州、盟）一级表彰", tree.b3.code, "", "2026-07-01", "", ""]])
    job = upload(ty, bad, importer="awards")
    assert job.status == Job.Status.FAILED
    assert sorted(job.result["errors"]) == [
        "第3行“党组织代码”列：先进基层党组织的表彰请填写党组织代码",
        f"第4行“党组织代码”列：组织代码 {tree.b3.code} 不存在或不在您的管辖范围内",
    ]
    assert not Award.objects.unrestricted().exists()
    good = xlsx([AWARD_HEADER,
                 ["优秀共产党员", "县（市、区、旗）一级表彰", "", a.person.id_number, "2026-07-01", "小店区委", "3号"],
                 ["先进基层党组织", "市（地、州、盟）一级表彰", tree.b2.code, "", "2026-07-01", "", ""]])
    job = upload(ty, good, importer="awards")
    assert job.status == Job.Status.DONE, job.result
    assert Award.objects.unrestricted().get(kind="member").organization == tree.b1
    assert Award.objects.unrestricted().get(kind="organization").membership is None


UNIT_HEADER = ["统一社会信用代码", "单位名称", "党组织代码", "法人单位类型", "未建立党组织的情况", "联合党支部代码",
               "在岗职工数", "党员数", "专业技术人员数", "大中型", "法定代表人是党员"]


@pytest.mark.django_db
def test_unit_statistics(ty, tree):
    joint = tree.b2
    joint.is_joint = True
    joint.save()
    u1 = Unit.objects.unrestricted().create(name="某某科技有限公司", org_path=tree.xiaodian.path,
                                            credit_code="91140105MA0000001X")
    u2 = Unit.objects.unrestricted().create(name="某某商贸有限公司", org_path=tree.xiaodian.path)
    bad = xlsx([UNIT_HEADER,
                ["91140105MA0000001X", "", "", "私营独资企业", "", joint.code, 50, 3, 10, "否", "是"],
                ["", "某某商贸有限公司", tree.xiaodian.code, "私营独资企业", "没有党员", "", 8, 9, "", "否", "否"]])
    job = upload(ty, bad, importer="unit-statistics")
    assert job.status == Job.Status.FAILED
    assert job.result["errors"] == ["第3行“党员数”列：在岗职工中党员数 9 大于在岗职工数 8"]
    assert Unit.objects.unrestricted().get(pk=u1.pk).entity_type == ""
    good = xlsx([UNIT_HEADER,
                 ["91140105MA0000001X", "", "", "私营独资企业", "", joint.code, 50, 3, 10, "否", "是"],
                 ["", "某某商贸有限公司", tree.xiaodian.code, "private_sole", "没有党员", "", 8, 0, "", "否", "否"]])
    job = upload(ty, good, importer="unit-statistics")
    assert job.status == Job.Status.DONE, job.result
    u1.refresh_from_db()
    u2.refresh_from_db()
    assert (u1.entity_type, u1.joint_organization, u1.employees, u1.legal_rep_member) == (
        "private_sole", joint, 50, True)
    assert (u2.coverage, u2.employees, u2.employee_members) == ("none", 8, 0)


@pytest.mark.django_db
def test_the_unit_page_edits_the_statistics_details(ty, tree, users, login):
    unit = Unit.objects.unrestricted().create(name="小店区财政局", org_path=tree.b2.path)
    tree.b2.unit = unit
    tree.b2.save()
    page = ty.get(f"/orgs/{tree.b2.pk}/").content.decode()
    assert "编辑单位信息" in page
    data = {"name": "小店区财政局", "entity_type": "organ_state", "employees": "40", "employee_members": "50"}
    r = ty.post(f"/orgs/units/{unit.pk}/edit/", data)
    assert "在岗职工中党员数不能大于在岗职工数" in r.content.decode()
    data["employee_members"] = "20"
    r = ty.post(f"/orgs/units/{unit.pk}/edit/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    unit.refresh_from_db()
    assert (unit.entity_type, unit.employees, unit.employee_members) == ("organ_state", 40, 20)
    assert login(users.datong).get(f"/orgs/units/{unit.pk}/edit/").status_code == 404
