"""The people tables of the 2017 edition (表1, 3, 4, 7, 10, 12, 15–20): a small hand-built history per table,
every cell that matters counted by hand; the definitions read and validate, and their formulas hold on the
computed grids."""

import datetime as D

import pytest

from tests.conftest import make_person
from tests.stats.fixtures import member
from zugong.members import history
from zugong.members.models import Exit, Membership, TransferRequest
from zugong.stats import definitions, engine
from zugong.stats.definitions import parse_formula
from zugong.stats.populations import Ctx

pytestmark = pytest.mark.django_db
START, DAY = D.date(2025, 1, 1), D.date(2025, 12, 31)


def table(number):
    return next(t for t in definitions.read("2017") if t.number == number)


def grid(tree, number, org=None):
    t = table(number)
    g = engine.compute_one(t, Ctx.of((org or tree.taiyuan).path, DAY))
    assert_formulas(t, g)
    return g.values


def assert_formulas(t, g):
    """Every formula of the table holds on the grid (cells not computed — None — are left out)."""
    import operator

    ops = {"=": operator.eq, ">=": operator.ge, "<=": operator.le}
    v = g.values
    for text in t.formulas:
        f = parse_formula(text, t)
        if f.kind == "cell":
            cases = [(f.target, [(s, ref) for s, ref in f.terms])]
        elif f.kind == "row":
            cases = [((f.target[0], c), [(s, (ref[0], c)) for s, ref in f.terms]) for c in range(len(t.columns))]
        else:
            cases = [((r, f.target[0]), [(s, (r, ref[0])) for s, ref in f.terms]) for r in range(len(t.rows))]
        for (r, c), terms in cases:
            lhs, rhs = v[r][c], [(s, v[tr][tc]) for s, (tr, tc) in terms]
            if lhs is None or any(x is None for _, x in rhs):
                continue
            assert ops[f.relation](lhs, sum(s * x for s, x in rhs)), (t.number, text, r, c)


def case(org, name, seq, *, birth=D.date(1995, 5, 17), applied=D.date(2023, 3, 1), activist=None, candidate=None,
         meeting=None, approved=None, person_fields=None, **dates):
    from zugong.recruitment.models import Case

    person = make_person(org, name, birth=birth, seq=seq, **(person_fields or {}))
    c = Case.objects.create(person=person, organization=org, applied_on=applied, activist_on=activist,
                            candidate_on=candidate, branch_meeting_on=meeting, approved_on=approved, **dates)
    if approved:
        Membership.objects.create(person=person, organization=org, status="probationary", joined_on=meeting)
        history.keep(Membership.objects.get(person=person), on=meeting)
    return c


def change(m, status, on):
    m.status = status
    m.save()
    history.keep(m, on=on)


def exit_(m, kind, on, org=None, **fields):
    Exit.objects.create(membership=m, organization=org or m.organization, kind=kind, decided_on=on, **fields)
    change(m, {"died": "deceased", "cancelled": "cancelled"}.get(kind, "left"), on)


def transfer(m, kind, on, to=None, to_name=""):
    T = TransferRequest
    t = T.objects.create(kind=kind, status=T.Status.RECEIVED, membership=m,
                         from_org=m.organization if kind != T.Kind.IN else None, to_org=to, to_org_name=to_name,
                         from_org_name="中共某省某支部" if kind == T.Kind.IN else "",
                         org_path=(to if kind == T.Kind.IN else m.organization).path, name=m.person.name,
                         member_status=m.status, joined_on=m.joined_on, requested_on=on, sent_on=on, received_on=on)
    if kind == T.Kind.WITHIN:
        m.organization = to
        m.save()
    elif kind == T.Kind.OUT:
        m.transferred_out_on = on
        m.save()
        history.leave(m, on)
    return t


def test_every_definition_reads_and_validates():
    tables = definitions.read("2017")
    assert {1, 2, 3, 4, 7, 10, 12, 15, 16, 17, 18, 19, 20} <= {t.number for t in tables}
    for t in tables:
        t.specs()  # every cell resolves to a population, an expression or a hand-entered figure


def test_table1_balances_on_a_consistent_history(tree):
    K = TransferRequest.Kind
    member(tree.b1, "甲", 21)                                                   # stays
    case(tree.b1, "乙", 22, meeting=D.date(2025, 3, 1), approved=D.date(2025, 4, 1))  # 发展党员
    c = member(tree.b1, "丙", 23, joined=D.date(2000, 7, 1))
    exit_(c, "expelled", D.date(2025, 6, 1))                                   # 出党
    d = member(tree.b2, "丁", 24)
    exit_(d, "died", D.date(2025, 7, 1))                                       # 死亡
    change(member(tree.b1, "戊", 25), "stopped", D.date(2025, 5, 1))           # 停止党籍
    f = member(tree.b1, "己", 26)
    change(f, "stopped", D.date(2024, 3, 1))
    change(f, "full", D.date(2025, 8, 1))                                      # 恢复党籍
    transfer(member(tree.b3, "庚", 27, area="140213"), K.WITHIN, D.date(2025, 9, 1), to=tree.b1)  # 转入
    transfer(member(tree.b2, "辛", 28), K.WITHIN, D.date(2025, 10, 1), to=tree.b3)  # 转出 (to 大同)
    transfer(member(tree.b1, "壬", 29), K.OUT, D.date(2025, 11, 1), to_name="中共某省某支部")  # 转出省外
    person = make_person(tree.b2, "癸", seq=31)
    j = Membership.objects.create(person=person, organization=tree.b2, status="full", joined_on=D.date(2010, 1, 1),
                                  converted_on=D.date(2011, 1, 1))
    history.keep(j, on=D.date(2025, 4, 15), since=D.date(2025, 4, 15))
    transfer(j, K.IN, D.date(2025, 4, 15), to=tree.b2)                        # 从省外转入
    transfer(member(tree.b1, "子", 33), K.WITHIN, D.date(2025, 5, 5), to=tree.b2)  # within the subtree: neither
    transfer(member(tree.b1, "丑", 35), K.WITHIN, D.date(2026, 2, 1), to=tree.b3)  # after the date: counted here
    again = case(tree.b2, "寅", 37, meeting=D.date(2025, 7, 1), approved=D.date(2025, 8, 1))
    Exit.objects.create(membership=again.person.membership, organization=tree.b2, kind="lapsed",
                        decided_on=D.date(2019, 3, 1))  # left the party before: 重新入党
    v = [row[0] for row in grid(tree, 1)]
    assert v[0] == 8                       # 上年底: 甲 丙 丁 戊 辛 壬 子 丑
    assert v[2] == 2 and v[3] == 1         # 发展党员: 乙 寅; 重新入党: 寅
    assert v[4] == 1 and v[5] == 1         # 恢复党籍 (after 停止党籍)
    assert v[6] == 2                       # 转入: 庚 (from 大同), 癸 (from outside the province)
    assert v[1] == 5
    assert v[9] == 1 and v[10] == 1 and v[11] == 1 and v[12] == 2  # 出党, 停止党籍, 死亡, 转出: 辛 壬
    assert v[8] == 5
    assert v[7] is None and v[13] is None  # 整建制: 无数据来源
    assert v[14] == 8 and v[15] == 8 and v[16] == 0
    # the province as a whole: the moves within it are neither in nor out
    p = [row[0] for row in grid(tree, 1, tree.root)]
    assert p[6] == 1 and p[12] == 1 and p[16] == 0


def test_table3_join_periods_and_new_social_strata(tree):
    member(tree.b1, "甲", 21, joined=D.date(1949, 9, 30), person_fields={"occupation_class": "60"})
    member(tree.b1, "乙", 22, joined=D.date(1949, 10, 1), person_fields={"occupation_class": "60"})
    member(tree.b1, "丙", 23, joined=D.date(2012, 11, 1),
           person_fields={"occupation_class": "21", "social_stratum": "intermediary"})
    member(tree.b2, "丁", 24, joined=D.date(2012, 10, 31),
           person_fields={"occupation_class": "21", "social_stratum": "urban_self_employed"})
    v = grid(tree, 3)
    assert v[0][0] == 4
    assert v[0][3] == 1 and v[0][4] == 1   # 1945-09-03..1949-09, 1949-10..1966-04 (boundaries)
    assert v[0][8] == 1 and v[0][9] == 1   # 2002-11..2012-10, 2012-11 及以后
    assert v[21][3] == 1 and v[10][0] == 2  # 离退休 1949年9月; 非公有制合计
    assert v[23][0] == 2 and v[24][0] == 1 and v[25][0] == 1  # 新的社会阶层, 个体劳动者, 中介组织


def test_table4_education_bands(tree):
    for i, edu in enumerate(["11", "14", "20", "30", "40", "60", "80"]):
        member(tree.b1, f"甲{i}", 21 + i, person_fields={"occupation_class": "11", "education": edu})
    v = grid(tree, 4)
    assert v[0] == v[3] and v[0][:7] == [7, 2, 1, 1, 1, 1, 1]


def test_table7_students_and_students_admitted(tree):
    member(tree.b1, "甲", 21, person_fields={"occupation_class": "50", "student_level": "graduate",
                                             "student_year": "final"})
    member(tree.b1, "乙", 22, person_fields={"occupation_class": "50", "student_level": "secondary",
                                             "ethnicity": "03"})
    case(tree.b1, "丙", 24, meeting=D.date(2025, 5, 1), approved=D.date(2025, 6, 1),
         person_fields={"occupation_class": "50", "student_level": "undergraduate", "student_year": "first"})
    v = grid(tree, 7)
    assert v[0][:6] == [3, 2, 1, 1, 1, 0]  # 党员总数 (with the new probationary member), 女, 少数民族; 本年发展
    assert v[2][0] == 1 and v[3][0] == 1   # 研究生, 毕业年级
    assert v[8][3] == 1 and v[6][3] == 1   # 本科一年级 admitted this year
    assert v[14][0] == 1 and v[14][2] == 1  # 高中、中技学生
    assert v[15][0] is None                # 补充资料: entered by hand


def test_table10_exits_by_kind_rank_age_on_the_day_and_join_period(tree):
    a = member(tree.b1, "甲", 21, birth=D.date(1990, 6, 1), joined=D.date(2012, 10, 31))
    exit_(a, "expelled", D.date(2025, 6, 1), rank_level="county")    # 35 on the day: 35岁及以下
    b = member(tree.b1, "乙", 23, birth=D.date(1965, 3, 1), joined=D.date(1966, 4, 30))
    exit_(b, "unreachable", D.date(2025, 3, 1))                      # 60 on the day
    c = member(tree.b2, "丙", 25, birth=D.date(1990, 5, 31))
    exit_(c, "died", D.date(2025, 5, 30))                            # 死亡: not in 表10
    d = member(tree.b3, "丁", 27, area="140213")
    exit_(d, "lapsed", D.date(2025, 4, 1))                           # 大同
    e = member(tree.b1, "戊", 29)
    exit_(e, "withdrawn", D.date(2024, 12, 31))                      # last year
    v = grid(tree, 10)
    assert v[0][0] == 2 and v[0][1] == 1 and v[0][8] == 1 and v[0][7] == 0
    assert v[2][0] == 1 and v[1][0] == 0
    assert v[3][0] == 1 and v[6][0] == 1   # ages on the day of the decision (birthday on it)
    assert v[7][0] == 1 and v[11][0] == 1  # joined 1966-04-30; 2002-11..2012-10
    assert grid(tree, 10, tree.root)[0][0] == 3


def test_table12_sanctions_by_the_branch_on_the_decision_day(tree):
    from zugong.assessment.models import Sanction

    a = member(tree.b1, "甲", 21, birth=D.date(1970, 8, 1), joined=D.date(1980, 1, 1))
    Sanction.objects.create(person=a.person, kind="party_warning", family="party", decided_on=D.date(2025, 8, 1))
    b = member(tree.b1, "乙", 23, joined=D.date(2015, 1, 1))
    Sanction.objects.create(person=b.person, kind="probation_2", family="party", decided_on=D.date(2025, 3, 1))
    transfer(b, TransferRequest.Kind.WITHIN, D.date(2025, 9, 1), to=tree.b3)  # moved to 大同 later
    c = member(tree.b3, "丙", 25, area="140213")
    Sanction.objects.create(person=c.person, kind="party_serious_warning", family="party",
                            decided_on=D.date(2025, 4, 1))
    transfer(c, TransferRequest.Kind.WITHIN, D.date(2025, 10, 1), to=tree.b2)  # into 太原 after the decision
    Sanction.objects.create(person=a.person, kind="gov_warning", family="government", decided_on=D.date(2025, 8, 2))
    v = grid(tree, 12)
    assert v[0][:6] == [2, 1, 0, 0, 1, 0]
    assert v[5][0] == 1 and v[4][0] == 1 and v[6][0] == 0  # 55 on 2025-08-01 (born 1970-08-01); 44
    assert v[10][0] == 1 and v[12][0] == 1  # joined 1980 (1979年1月至2002年10月); 2015
    assert v[1][0] is None and v[13][0] is None  # 厅局级: 无数据来源; 补充资料
    d = grid(tree, 12, tree.datong)
    assert d[0][0] == 1 and d[0][2] == 1


def test_table15_conversions(tree):
    # probation ended 2025-03-01: converted on time
    case(tree.b1, "甲", 21, meeting=D.date(2024, 3, 1), approved=D.date(2024, 4, 1),
         converted_on=D.date(2025, 3, 1), conversion_meeting_on=D.date(2025, 3, 5),
         conversion_approved_on=D.date(2025, 4, 1), status="converted")
    # ended 2025-01-01 (boundary), extended
    case(tree.b1, "乙", 22, meeting=D.date(2024, 1, 1), approved=D.date(2024, 2, 1),
         probation_extended_on=D.date(2024, 12, 20), probation_extended_months=6)
    # ends 2025-12-31, not yet discussed
    case(tree.b2, "丙", 23, meeting=D.date(2024, 12, 31), approved=D.date(2025, 1, 20))
    # admitted 2025-02-01, cancelled before the end of the probation
    case(tree.b1, "丁", 24, meeting=D.date(2025, 2, 1), approved=D.date(2025, 3, 1), status="terminated",
         terminated_on=D.date(2025, 9, 1))
    # extended in 2023, converted in 2025 after the extension; discussed late
    case(tree.b2, "戊", 25, meeting=D.date(2023, 5, 1), approved=D.date(2023, 6, 1),
         probation_extended_on=D.date(2024, 4, 20), probation_extended_months=9, converted_on=D.date(2025, 2, 1),
         conversion_meeting_on=D.date(2025, 2, 10), conversion_approved_on=D.date(2025, 3, 1), status="converted")
    # ended 2024-12-31: last year
    case(tree.b1, "己", 26, meeting=D.date(2023, 12, 31), approved=D.date(2024, 1, 20))
    v = grid(tree, 15)[0]
    # 预备期满 | 已审批: 合计, 延长, 取消, 转正 (其中 延长后转正, 推迟讨论) | 尚未讨论或审批 | 期未满被取消
    assert v == [4, 3, 1, 0, 2, 1, 2, 1, 1]


def test_table16_and_17_new_members(tree):
    meeting = D.date(2025, 6, 1)
    case(tree.b1, "甲", 21, birth=D.date(2000, 6, 1), meeting=meeting, approved=D.date(2025, 7, 1),
         person_fields={"occupation_class": "15", "education": "20", "front_line": "enterprise",
                        "tech_title_level": "middle"})                 # 25 on the day: 25岁及以下
    case(tree.b1, "乙", 22, birth=D.date(1990, 6, 1), meeting=meeting, approved=D.date(2025, 7, 1),
         person_fields={"occupation_class": "31", "education": "60", "front_line": "rural", "taiwan_origin": True})
    case(tree.b2, "丙", 23, birth=D.date(1965, 6, 2), meeting=meeting, approved=D.date(2025, 7, 1),
         person_fields={"occupation_class": "11", "education": "11", "ethnicity": "03"})  # 59 on the day
    case(tree.b1, "丁", 24, meeting=D.date(2025, 12, 20))             # not yet approved
    case(tree.b1, "戊", 26, meeting=D.date(2024, 12, 31), approved=D.date(2025, 1, 10))  # last year
    case(tree.b3, "己", 28, meeting=meeting, approved=D.date(2025, 7, 1),
         person_fields={"occupation_class": "31"})                     # 大同
    v = grid(tree, 16)
    assert v[0][:3] == [3, 1, 1]
    assert v[0][3:9] == [1, 0, 1, 0, 1, 0]   # 25 and 35 on the day of the meeting (birthdays), 59
    assert v[0][9:15] == [1, 1, 0, 0, 1, 0]
    assert v[7][0] == 1 and v[17][0] == 1 and v[3][0] == 1
    w = grid(tree, 17)
    assert w[0] == [2, 1, 2] and w[1][0] == 1 and w[2][0] == 1
    assert w[7][0] == 1 and w[5][0] == 1 and w[16][0] == 1
    assert w[10][0] == 0 and w[9][0] is None
    assert grid(tree, 17, tree.datong)[10][0] == 1  # 建制村: a rural branch


def test_tables18_to_20_candidates_activists_applicants_on_the_day(tree):
    case(tree.b1, "甲", 21, applied=D.date(2024, 1, 1), activist=D.date(2024, 6, 1), candidate=D.date(2025, 6, 1),
         birth=D.date(1990, 12, 31), person_fields={"occupation_class": "22", "education": "30",
                                                   "front_line": "teaching"})  # 35 on the day
    case(tree.b1, "乙", 22, applied=D.date(2025, 1, 1), activist=D.date(2026, 1, 5),
         person_fields={"occupation_class": "31", "education": "40"})   # activist only after the date
    case(tree.b2, "丙", 23, applied=D.date(2024, 1, 1), activist=D.date(2024, 6, 1),
         person_fields={"occupation_class": "11"}, terminated_on=D.date(2026, 1, 5), status="terminated")
    case(tree.b2, "丁", 24, applied=D.date(2023, 1, 1), activist=D.date(2023, 6, 1), candidate=D.date(2024, 1, 1),
         meeting=D.date(2025, 3, 1), approved=D.date(2025, 4, 1))     # admitted: none of these
    case(tree.b1, "戊", 26, applied=D.date(2025, 1, 1), activist=D.date(2025, 3, 1), candidate=D.date(2025, 6, 1),
         meeting=D.date(2025, 12, 30), person_fields={"occupation_class": "31"})  # awaiting approval: still 发展对象
    case(tree.b1, "己", 28, applied=D.date(2025, 3, 1), terminated_on=D.date(2025, 8, 1), status="terminated")
    c18, c19, c20 = grid(tree, 18), grid(tree, 19), grid(tree, 20)
    assert c18[0][:4] == [2, 1, 0, 2] and c18[0][4] == 1 and c18[0][6] == 1 and c18[0][9] == 1  # 甲 35
    assert c18[12][0] == 1 and c18[17][0] == 1
    assert c19[0][0] == 3 and c19[3][0] == 1   # 丙 closed after the day: counted
    assert c20[0][0] == 4 and c20[0][5] == 1 and c20[17][0] == 2


def test_drill_lists_and_scope_of_every_people_population(tree, users):
    from zugong.stats import populations

    a = member(tree.b1, "甲", 21)
    exit_(a, "expelled", D.date(2025, 6, 1))
    case(tree.b1, "乙", 22, meeting=D.date(2025, 3, 1), approved=D.date(2025, 4, 1))
    ctx = Ctx.of(tree.root.path, DAY)
    for code in ("members_before", "new_members", "conversions", "applicants", "activists", "candidates", "exits",
                 "sanctions", "restored", "stopped", "transfers_in", "transfers_out"):
        pop = populations.get(code)
        rows = pop.base(ctx)
        list(rows.values(*[lookup for _, lookup in pop.listing]))  # every listing column is a lookup
        assert pop.visible(rows, users.datong).count() == 0  # 大同 sees none of 太原's rows by name
    pop, rows = engine.drill(table(10), 0, 1, ctx)
    assert [r.membership.person.name for r in pop.visible(rows, users.taiyuan)] == ["甲"]
    pop, rows = engine.drill(table(16), 0, 0, ctx)
    assert rows.count() == 1 and pop.visible(rows, users.datong).count() == 0
