"""The organization, unit and special-group tables of the 2017 edition (表8, 24–31, 33, 41, 43): a small
hand-built dataset per table, counted cell by cell on the reporting date, and the table's formulas holding on
the computed grid."""

import datetime as D

import pytest

from tests.stats.fixtures import member
from zugong.stats import definitions, engine
from zugong.stats.definitions import parse_formula
from zugong.stats.populations import Ctx

pytestmark = pytest.mark.django_db
DAY = D.date(2025, 12, 31)
AFTER = D.date(2026, 1, 1)


@pytest.fixture(scope="module")
def tables():
    return {t.number: t for t in definitions.read("2017")}


def holds(table, grid):
    """Every formula of the table holds on the grid wherever all its cells have a value."""
    ops = {"=": lambda a, b: a == b, ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}
    for text in table.formulas:
        f = parse_formula(text, table)
        if f.kind == "cell":
            lines = [(f.target, [(s, ref) for s, ref in f.terms])]
        elif f.kind == "row":
            lines = [((f.target[0], c), [(s, (ref[0], c)) for s, ref in f.terms]) for c in range(len(table.columns))]
        else:
            lines = [((r, f.target[0]), [(s, (r, ref[0])) for s, ref in f.terms]) for r in range(len(table.rows))]
        for target, terms in lines:
            values = [grid.values[target[0]][target[1]]] + [grid.values[r][c] for _, (r, c) in terms]
            if any(v is None for v in values):
                continue
            right = sum(s * grid.values[r][c] for s, (r, c) in terms)
            assert ops[f.relation](values[0], right), f"表{table.number} {text} at {target}: {values[0]} vs {right}"


def org(parent, name, code, kind="branch", sector="government", **extra):
    from zugong.orgs.models import Organization

    parent.refresh_from_db()
    return Organization.objects.add_child(parent, instance=Organization(name=name, code=code, kind=kind,
                                                                        sector=sector, **extra))


def unit(tree, name, entity_type, **fields):
    from zugong.orgs.models import Unit

    return Unit.objects.create(name=name, org_path=tree.xiaodian.path, entity_type=entity_type, **fields)


def test_definitions_validate(tables):
    for n in (8, 24, 25, 26, 27, 28, 29, 30, 31, 33, 41, 43):
        assert n in tables
    assert tables[24].cell(0, 0).population == "organizations"
    assert tables[26].cell(13, 0).measure == "sum:employees"
    assert tables[26].cell(7, 0).measure == "distinct:joint_organization"
    assert tables[26].cell(0, 8).source == "none" and tables[24].cell(9, 0).source == "manual"


def test_bad_measure_is_refused():
    with pytest.raises(definitions.DefinitionError, match="measure"):
        definitions.Table.from_json({"number": 99, "rows": [{"label": "a", "measure": "avg:x"}],
                                     "columns": [{"label": "b"}]})


# ------------------------------------------------------------------ 表24


def test_table24_organizations_terms_and_elections(tree, tables):
    from zugong.elections.models import Election

    street = unit(tree, "坞城街道", "street")
    soe = unit(tree, "太原某国企", "soe_sole")
    private = unit(tree, "某私企", "private_holding")
    c = org(tree.xiaodian, "街道党工委", "1401050A", "committee", unit=street,
            term_started_on=D.date(2020, 12, 31))  # 5 years: the term ends on the day
    gb = org(tree.xiaodian, "国企总支", "1401050B", "general_branch", unit=soe,
             term_started_on=D.date(2023, 1, 1))  # 3 years: ends the day after
    org(tree.xiaodian, "私企支部", "1401050C", "branch", unit=private, dissolved_on=AFTER, status="dissolved")
    org(tree.xiaodian, "已撤销支部", "1401050D", "branch", dissolved_on=DAY, status="dissolved")
    org(tree.xiaodian, "新支部", "1401050E", "branch", founded_on=AFTER)
    org(tree.xiaodian, "党小组", "1401050F", "party_group")
    Election.objects.create(organization=gb, org_path=gb.path, held_on=D.date(2025, 6, 1), seats=5, candidates=6,
                            expected_voters=20, voters_present=18, valid=True)
    Election.objects.create(organization=c, org_path=c.path, held_on=D.date(2024, 6, 1), seats=5, candidates=6,
                            expected_voters=20, voters_present=18, valid=True)  # the year before
    t = tables[24]
    grid = engine.compute_one(t, Ctx.of(tree.xiaodian.path, DAY))
    # 小店区委 + 党工委 (committees), 总支, b1, b2, 私企支部 (dissolved the day after: still counted)
    assert grid.values[0] == [6, 2, 1, 3]
    assert grid.values[1] == [1, 1, 0, 0]  # 党工委 (ends on the day); 总支 the day after, b1 in 2026
    assert grid.values[2] == [1, 0, 1, 0]
    assert grid.values[3][0] == 1 and grid.values[4][0] == 0
    assert grid.values[5][0] == 2 and grid.values[6][0] == 1 and grid.values[7][0] == 0 and grid.values[8][0] == 1
    assert grid.sources[9][0] == "manual" and grid.values[9][0] is None
    holds(t, grid)
    assert engine.compute_one(t, Ctx.of(tree.xiaodian.path, AFTER)).values[0][3] == 3  # 私企支部 gone, 新支部 in


# ------------------------------------------------------------------ 表25–31


@pytest.fixture
def units(tree):
    """Public enterprises covering every row of the unit tables."""
    j1 = org(tree.xiaodian, "联合支部一", "1401050J", "branch", is_joint=True)
    j2 = org(tree.xiaodian, "联合支部二", "1401050K", "branch", is_joint=True)
    u1 = unit(tree, "国企一", "soe_sole", large=True, employees=100, employee_members=30, full_time_worker=True)
    c1 = org(tree.xiaodian, "国企一党委", "1401050L", "committee", unit=u1)
    org(c1, "国企一第一支部", "1401050L0001", "branch", unit=u1)
    u2 = unit(tree, "国企二", "soe_holding", employees=40, employee_members=8)
    org(tree.xiaodian, "国企二总支", "1401050M", "general_branch", unit=u2, dissolved_on=AFTER, status="dissolved")
    u3 = unit(tree, "国企三", "soe_hmt", joint_organization=j1, employee_members=3, employees=10)
    org(tree.xiaodian, "国企三支部（未成立）", "1401050N", "branch", unit=u3, founded_on=AFTER)
    unit(tree, "集体一", "collective", joint_organization=j1, employee_members=2, employees=5)
    unit(tree, "集体二", "collective_holding", joint_organization=j2, employee_members=4)
    unit(tree, "国企四", "soe_foreign", coverage="pending", employees=7)
    unit(tree, "国企五", "soe_sole", coverage="none")
    u8 = unit(tree, "国企六", "soe_sole")
    org(tree.xiaodian, "国企六支部", "1401050P", "branch", unit=u8)
    unit(tree, "大同国企", "soe_sole", employees=1000).__class__.objects.filter(name="大同国企").update(
        org_path=tree.datong.path)
    return tree


def test_table26_public_enterprises(units, tables):
    t = tables[26]
    grid = engine.compute_one(t, Ctx.of(units.taiyuan.path, DAY))
    col = [row[0] for row in grid.values]
    assert col[0] == 8  # 大同国企 is outside 太原
    assert col[1:5] == [3, 1, 1, 1]  # 国企一 党委 (with a branch under it), 国企二 总支 (dissolved the day after), 国企六
    assert col[5:8] == [3, 2, 2]  # 联合: 国企三 (its own branch founded later), 集体一, 集体二; ≥3 党员: 国企三, 集体二
    assert col[8:13] == [2, 1, 0, 0, 1]
    assert col[13] == 162 and col[14] == 47  # 在岗职工 100+40+10+5+7, 党员 30+8+3+2+4
    assert col[15] is None and grid.sources[15][0] == "none"
    assert col[17] == 1  # 配备专职党务工作人员
    assert grid.values[0][1] == 1  # 大中型
    assert grid.values[0][2] == 6 and grid.values[0][3] == 3  # 国有经济控制, 国有独资
    assert grid.values[0][4] == 2 and grid.values[0][5] == 1  # 集体经济控制, 集体企业
    assert grid.values[0][10] == 3 and grid.values[0][11] == 1 and grid.values[0][12] == 1  # 国有控股, 港澳台, 外商
    assert grid.values[7][4] == 2  # two distinct joint branches among the collectives
    assert grid.values[13][10] == 57  # 国有控股 在岗职工: 40 + 10 + 7
    holds(t, grid)
    pop, rows = engine.drill(t, 5, 0, Ctx.of(units.taiyuan.path, DAY))
    assert sorted(rows.values_list("name", flat=True)) == ["国企三", "集体一", "集体二"]


def test_table26_sums_are_zero_without_units(tree, tables):
    grid = engine.compute_one(tables[26], Ctx.of(tree.taiyuan.path, DAY))
    assert grid.values[13][0] == 0 and grid.values[7][0] == 0


def test_table25_grassroots_units(tree, tables):
    j = org(tree.xiaodian, "联合支部", "1401050J", "branch", is_joint=True)
    s = unit(tree, "坞城街道", "street")
    org(tree.xiaodian, "坞城街道党工委", "1401050A", "committee", unit=s)
    unit(tree, "红星社区", "city_community", coverage="group")
    unit(tree, "某乡镇", "town", coverage="few")
    unit(tree, "乡镇社区", "town_community", joint_organization=j, employee_members=5)
    v = unit(tree, "某村", "village")
    org(tree.xiaodian, "某村总支", "1401050B", "general_branch", unit=v)
    t = tables[25]
    grid = engine.compute_one(t, Ctx.of(tree.root.path, DAY))
    assert [grid.values[0][c] for c in range(5)] == [1, 1, 1, 1, 1]
    assert grid.values[2][0] == 1 and grid.values[3][4] == 1
    assert grid.values[5][3] == 1 and grid.values[6][3] == 1 and grid.values[7][3] == 1
    assert grid.values[10][1] == 1 and grid.values[11][2] == 1
    assert grid.sources[13][0] == "none" and grid.sources[15][0] == "manual"
    holds(t, grid)


def test_table27_private_enterprises(tree, tables):
    a = unit(tree, "私营独资一", "private_sole", employees=120, employee_members=10, liaison=True,
             legal_rep_member=True, legal_rep_secretary=True)
    org(tree.xiaodian, "私企一支部", "1401050A", "branch", unit=a)
    unit(tree, "港资独资", "hmt_sole", employees=60, employee_members=2, liaison=True, coverage="few")
    unit(tree, "外资控制", "foreign_holding", employees=10, legal_rep_member=True, coverage="none")
    unit(tree, "私有港澳台", "private_hmt")
    unit(tree, "私有外资", "private_foreign")
    t = tables[27]
    grid = engine.compute_one(t, Ctx.of(tree.root.path, DAY))
    assert grid.values[0][:9] == [5, 3, 1, 1, 1, 1, 1, 1, 0]
    assert grid.values[0][9:] == [2, 1, 2, 1]
    assert grid.values[1][0] == 2 and grid.values[5][0] == 1  # 指导员联系的, 建立支部的
    assert grid.values[11][0] == 1 and grid.values[12][0] == 1
    assert grid.values[14][0] == 190 and grid.values[15][0] == 12
    assert grid.values[16][0] == 120 and grid.values[17][0] == 10
    assert grid.values[18][0] == 60 and grid.values[19][0] == 2
    holds(t, grid)


def test_table28_29_30_31_by_entity_type(tree, tables):
    unit(tree, "某大学", "inst_university", employees=500, employee_members=200, tech_staff=300)
    unit(tree, "某医院", "inst_health", coverage="pending")
    unit(tree, "其他事业单位", "inst_other")
    unit(tree, "某局", "organ_state", employees=50, employee_members=40)
    g = unit(tree, "某党委机关", "organ_party")
    org(tree.xiaodian, "机关党委", "1401050A", "committee", unit=g)
    unit(tree, "某协会", "social_group", liaison=True, coverage="none")
    unit(tree, "某律所", "social_law", employees=30, employee_members=4)
    d = unit(tree, "县财政局", "dept_county")
    org(tree.xiaodian, "财政局支部", "1401050B", "branch", unit=d)
    unit(tree, "市发改委", "dept_city")
    ctx = Ctx.of(tree.root.path, DAY)
    grids = engine.compute([tables[n] for n in (28, 29, 30, 31)], ctx)
    g28 = grids[28]
    assert g28.values[0][0] == 3 and g28.values[0][3] == 1 and g28.values[0][7] == 1
    assert g28.values[9][7] == 1 and g28.values[15][0] == 300 and g28.sources[16][0] == "none"
    g29 = grids[29]
    assert g29.values[0] == [2, 1, 1, 0] and g29.values[2][2] == 1 and g29.values[14][1] == 40
    g30 = grids[30]
    assert g30.values[0][:5] == [2, 1, 0, 0, 1] and g30.values[12][1] == 1 and g30.values[13][1] == 1
    assert g30.values[14][4] == 30
    g31 = grids[31]
    assert [g31.values[0][c] for c in (0, 2, 3, 4)] == [2, 0, 1, 1]
    assert g31.values[4][4] == 1 and g31.values[5][3] == 1 and g31.sources[1][0] == "none"
    for n in (28, 29, 30, 31):
        holds(tables[n], grids[n])


# ------------------------------------------------------------------ 表33 and 表43


def test_table33_mobile_members(tree, tables):
    member(tree.b1, "甲", 31, category="mobile", away_since=D.date(2024, 3, 1), mobile_scope="interprovincial",
           mobile_card=True, mobile_destination="organ", person_fields={"occupation_class": "12"})
    member(tree.b1, "乙", 32, category="mobile", away_since=DAY, mobile_scope="intercity",
           mobile_destination="private_hmt", person_fields={"occupation_class": "32", "social_stratum": "intermediary"})
    member(tree.b2, "丙", 33, category="mobile", away_since=D.date(2025, 1, 1), mobile_scope="local",
           person_fields={"occupation_class": "25"})  # no destination: 不掌握流向
    member(tree.b2, "丁", 34, category="mobile", away_since=AFTER, mobile_destination="village")  # after the day
    member(tree.b2, "戊", 35, mobile_destination="village")  # not mobile
    t = tables[33]
    grid = engine.compute_one(t, Ctx.of(tree.taiyuan.path, DAY))
    col = [row[0] for row in grid.values]
    assert col[:4] == [3, 1, 1, 1]
    assert col[4] == 1 and col[5] == 1 and col[10] == 1 and col[13] == 1 and col[18] == 0 and col[20] == 1
    assert grid.values[0][1:4] == [1, 1, 1] and grid.values[0][6] == 1
    assert grid.sources[0][4] == "none" and grid.sources[21][0] == "manual"
    holds(t, grid)


def test_table43_lost_members(tree, tables):
    from zugong.orgs.models import Organization

    Organization.objects.filter(pk=tree.b2.pk).update(sector="")
    member(tree.b1, "甲", 31, joined=D.date(2025, 3, 1), status="probationary", birth=D.date(1990, 12, 31),
           lost_contact_since=D.date(2025, 6, 30), lost_reason="migrant",
           person_fields={"education": "20", "ethnicity": "03"})  # 35, lost exactly 6 months
    member(tree.b2, "乙", 32, joined=D.date(2004, 12, 31), birth=D.date(1960, 1, 1),
           lost_contact_since=D.date(2014, 12, 31), lost_reason="abroad",
           person_fields={"education": "70"})  # 党龄 21 (joined 21 years ago on the day), lost 11 years
    member(tree.b1, "丙", 33, lost_contact_since=D.date(2025, 7, 1))  # under 6 months: not counted
    member(tree.b1, "丁", 34)
    t = tables[43]
    grid = engine.compute_one(t, Ctx.of(tree.taiyuan.path, DAY))
    assert grid.values[0][:4] == [2, 1, 1, 1]
    assert grid.values[0][4:8] == [1, 0, 0, 1]
    assert grid.values[0][8:13] == [1, 0, 0, 0, 1]
    assert grid.values[0][13:16] == [1, 0, 1]
    assert grid.values[0][16:20] == [1, 0, 0, 1]
    assert grid.values[0][20] == 1 and grid.values[0][24] == 1
    assert grid.values[2][0] == 1 and grid.values[8][0] == 1  # 社区 (b1), 其他 (b2: no sector)
    assert grid.sources[9][0] == "manual"
    holds(t, grid)


# ------------------------------------------------------------------ 表8


def test_table8_democratic_appraisal(tree, tables):
    from zugong.branchlife.models import Appraisal, AppraisalResult
    from zugong.members.models import CorrectionPeriod

    a, b, c = (member(tree.b1, n, s) for n, s in (("甲", 31), ("乙", 32), ("丙", 33)))
    d = member(tree.b2, "丁", 34)
    cur = Appraisal.objects.create(organization=tree.b1, org_path=tree.b1.path, year=2025, decided_on=DAY)
    open_ = Appraisal.objects.create(organization=tree.b2, org_path=tree.b2.path, year=2025)
    old = Appraisal.objects.create(organization=tree.b1, org_path=tree.b1.path, year=2024,
                                   decided_on=D.date(2025, 1, 10))
    AppraisalResult.objects.create(appraisal=cur, membership=a, org_path=tree.b1.path, grade="excellent")
    AppraisalResult.objects.create(appraisal=cur, membership=b, org_path=tree.b1.path, grade="unqualified",
                                   followup="correct")
    AppraisalResult.objects.create(appraisal=cur, membership=c, org_path=tree.b1.path, grade="unqualified",
                                   followup="persuade")
    AppraisalResult.objects.create(appraisal=open_, membership=d, org_path=tree.b2.path)
    AppraisalResult.objects.create(appraisal=old, membership=a, org_path=tree.b1.path, grade="qualified")
    CorrectionPeriod.objects.create(membership=b, started_on=D.date(2024, 3, 1), deadline=D.date(2025, 3, 1),
                                    reason="不按时交纳党费", outcome="removed", outcome_on=D.date(2025, 3, 5))
    CorrectionPeriod.objects.create(membership=c, started_on=D.date(2025, 3, 1), deadline=D.date(2026, 3, 1),
                                    reason="x", outcome="corrected", outcome_on=D.date(2025, 9, 1))
    t = tables[8]
    grid = engine.compute_one(t, Ctx.of(tree.taiyuan.path, DAY))
    assert [grid.values[r][0] for r in (0, 1, 2, 3, 5, 7, 8, 11)] == [2, 1, 4, 3, 2, 1, 1, 1]
    assert grid.values[0][2] == 1 and grid.values[0][3] == 1  # 社区 (b1), 机关 (b2)
    assert grid.values[2][2] == 3 and grid.values[11][2] == 1
    assert grid.values[0][9] == 1 and grid.values[3][9] == 1  # 上年开展本年结束
    assert grid.sources[4][0] == "none" and grid.values[6][0] is None  # 合计 waits for the hand-entered rows
    holds(t, grid)


def test_table8_grade_counts_once_decided(tree, tables):
    """A branch may record the grades before the organization decides them: on a reporting date before the
    decision the appraisal has no result yet, so 不合格 and its follow-up stay within 结束评议的党员 (r3 >= r5)."""
    from zugong.branchlife.models import Appraisal, AppraisalResult

    a = member(tree.b1, "戊", 35)
    later = Appraisal.objects.create(organization=tree.b1, org_path=tree.b1.path, year=2025, decided_on=DAY)
    AppraisalResult.objects.create(appraisal=later, membership=a, org_path=tree.b1.path, grade="unqualified",
                                   followup="correct")
    t = tables[8]
    grid = engine.compute_one(t, Ctx.of(tree.taiyuan.path, DAY - D.timedelta(days=20)))
    assert [grid.values[r][0] for r in (2, 3, 5, 7)] == [1, 0, 0, 0]
    holds(t, grid)
    grid = engine.compute_one(t, Ctx.of(tree.taiyuan.path, DAY))
    assert [grid.values[r][0] for r in (3, 5, 7)] == [1, 1, 1]


def test_table8_total_once_hand_entered_rows_are_in(tree, tables):
    from zugong.stats.engine import _eval

    t = tables[8]
    grid = engine.compute_one(t, Ctx.of(tree.taiyuan.path, DAY))
    for r in (9, 10):
        grid.values[r][0] = 2
    assert _eval(t.cell(6, 0).expr, grid.values) == 4


# ------------------------------------------------------------------ 表41


def test_table41_weak_organizations(tree, tables):
    from zugong.weakorgs.models import IdentificationList, IndicatorSet, Rectification, WeakOrganization

    iset = IndicatorSet.objects.create(name="认定标准", edition="2025", issuing_body="省委组织部", organization=tree.root,
                                       org_path=tree.root.path, effective_from=D.date(2025, 1, 1))
    approved = IdentificationList.objects.create(year=2025, organization=tree.xiaodian, org_path=tree.xiaodian.path,
                                                 indicator_set=iset, as_of=D.date(2025, 3, 1), status="approved")
    draft = IdentificationList.objects.create(year=2025, organization=tree.datong, org_path=tree.datong.path,
                                              indicator_set=iset, as_of=D.date(2025, 3, 1))
    e1 = WeakOrganization.objects.create(identification_list=approved, organization=tree.b1, org_path=tree.b1.path,
                                         reasons=[{"code": "W1", "text": "班子不健全"}, {"code": "W10", "text": "服务"}])
    WeakOrganization.objects.create(identification_list=approved, organization=tree.b2, org_path=tree.b2.path,
                                    reasons=[{"code": "W4", "text": "组织制度形同虚设"}])
    WeakOrganization.objects.create(identification_list=draft, organization=tree.b3, org_path=tree.b3.path,
                                    reasons=[{"code": "W1"}])
    Rectification.objects.create(organization=tree.b1, org_path=tree.b1.path, entry=e1, problems="p", measures="m",
                                 responsibilities="r", responsible_leader="张三", county_leader="李县长",
                                 first_secretary="王五", paired_unit="某局", started_on=D.date(2025, 4, 1),
                                 deadline=D.date(2026, 4, 1), status="accepted", accepted_on=D.date(2025, 11, 30))
    t = tables[41]
    grid = engine.compute_one(t, Ctx.of(tree.root.path, DAY))
    assert grid.values[0][0] == 2 and grid.values[2][0] == 1 and grid.values[1][0] == 0
    assert grid.values[0][2] == 1 and grid.values[0][5] == 1 and grid.values[0][11] == 1  # W1, W4, W10
    assert grid.values[0][3] == 0  # W2 (W1 and W10 do not match W2)
    assert grid.values[0][18:21] == [1, 1, 1] and grid.values[0][25] == 1
    assert grid.sources[0][1] == "none" and grid.sources[0][12] == "none"
    holds(t, grid)
    assert engine.compute_one(t, Ctx.of(tree.root.path, D.date(2026, 12, 31))).values[0][0] == 0


# ------------------------------------------------------------------ every column and row, once each


def _expected_units(where: dict) -> set:
    from zugong.orgs.entity_types import ENTITY_TYPES, GROUPS

    codes = {c for c, _, _ in ENTITY_TYPES}
    if "entity_type" in where:
        codes &= set(where["entity_type"])
    if "entity_group" in where:
        codes &= {c for g in where["entity_group"] for c in GROUPS[g]}
    return codes


def test_unit_tables_every_column_counts_its_entity_types(tree, tables):
    """One unit of every legal-entity type (none large, no liaison …): each column's 单位数 is the number of the
    types it selects, so every column's predicate is checked against the entity-type list."""
    from zugong.orgs.entity_types import ENTITY_TYPES

    for i, (code, label, _) in enumerate(ENTITY_TYPES):
        unit(tree, label, code, employees=50 + i)
    grids = engine.compute([tables[n] for n in (25, 26, 27, 28, 29, 30, 31)], Ctx.of(tree.root.path, DAY))
    for n, grid in grids.items():
        t = tables[n]
        for c, col in enumerate(t.columns):
            if grid.sources[0][c] != "computed":
                continue
            where, codes = col.where, _expected_units(col.where)
            extra = set(where) - {"entity_type", "entity_group"}
            if not extra:
                expected = len(codes)
            elif extra == {"employees_min"}:  # 从业人员50/100人以上: the i-th type's unit employs 50 + i
                expected = sum(1 for i, (code, _, _) in enumerate(ENTITY_TYPES)
                               if code in codes and 50 + i >= where["employees_min"])
            else:  # 大中型, 法定代表人是党员 …: none of these units
                expected = 0
            assert grid.values[0][c] == expected, (n, col.label)
            no_org = {27: 9, 31: 5}.get(n, 8)  # 未建立党组织: no unit has an organization
            assert grid.values[no_org][c] == expected, (n, col.label)
        holds(t, grid)


def test_table33_every_destination_row(tree, tables):
    from zugong.members.models import MOBILE_DESTINATIONS

    for i, (code, _) in enumerate(MOBILE_DESTINATIONS):
        member(tree.b1, f"流动{i}", 40 + i, category="mobile", away_since=D.date(2025, 1, 1),
               mobile_destination=code)
    t = tables[33]
    grid = engine.compute_one(t, Ctx.of(tree.root.path, DAY))
    for r, row in enumerate(t.rows):
        if grid.sources[r][0] == "computed" and "destination" in row.where:
            assert grid.values[r][0] == len(set(row.where["destination"]) - {""}), row.label
    holds(t, grid)


def test_table43_and_table8_every_sector_row_and_reason_column(tree, tables):
    from zugong.branchlife.models import Appraisal
    from zugong.members.models import LOST_REASONS
    sectors = ["rural", "community", "government", "institution", "school", "soe", "private", "social", "other"]
    branches = [org(tree.xiaodian, f"支部{s}", f"1401050{i:02d}", sector=s) for i, s in enumerate(sectors)]
    for i, b in enumerate(branches):
        code = LOST_REASONS[i % len(LOST_REASONS)][0]
        member(b, f"失联{i}", 60 + i, lost_contact_since=D.date(2024, 1, 1), lost_reason=code)
        Appraisal.objects.create(organization=b, org_path=b.path, year=2025)
    t43, t8 = tables[43], tables[8]
    grids = engine.compute([t43, t8], Ctx.of(tree.root.path, DAY))
    g43, g8 = grids[43], grids[8]
    expected = [9, 1, 1, 1, 2, 1, 1, 1, 1]  # 总计, 建制村 … 事业单位 (institution and school) … 其他
    assert [g43.values[r][0] for r in range(9)] == expected
    assert g8.values[0][:9] == expected
    assert g43.values[0][20:27] == [2, 2, 1, 1, 1, 1, 1]  # reasons in turn over the nine branches
    assert g43.values[0][16] == 0 and g43.values[0][17] == 9  # lost 1 year 11 months: 1年至5年
    holds(t43, g43)
    holds(t8, g8)


def test_drill_lists_only_what_the_user_may_see(tree, users, tables):
    """A cell counted over the province lists by name only the rows of the user's scope."""
    from zugong.orgs.models import Unit

    unit(tree, "太原国企", "soe_sole")
    Unit.objects.create(name="大同国企", org_path=tree.b3.path, entity_type="soe_sole")
    ctx = Ctx.of(tree.root.path, DAY)
    pop, rows = engine.drill(tables[26], 0, 0, ctx)
    assert rows.count() == 2
    assert list(pop.visible(rows, users.datong).values_list("name", flat=True)) == ["大同国企"]
    pop, rows = engine.drill(tables[24], 0, 0, ctx)
    assert set(pop.visible(rows, users.taiyuan).values_list("name", flat=True)) == {
        tree.taiyuan.name, tree.xiaodian.name, tree.b1.name, tree.b2.name}
