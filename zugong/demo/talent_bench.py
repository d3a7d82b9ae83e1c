"""Seeding for the talent benchmarks (`bench/talent_bench.py`), each area its own self-contained function:
`seed_applications` (the pre-check: a programme and an open edition with every kind of condition, and N
applications of the people already in the database, the first N by id, one bulk insert each; called inside a
transaction the bench rolls back) and `seed_review_bench` (a review round of experts and applications)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from zugong.orgs.models import Organization
from zugong.people.models import Person
from zugong.talent.models import Application, Condition, Edition, Program, Tier

CODE = "BENCH-TALENT"
SOURCE = "基准测试用文件 条款号待核"


def seed_applications(n: int, *, year: int = 2026) -> tuple[Edition, int]:
    """A programme issued by the first root, its edition of `year` (deadline 30 April) and up to `n`
    applications (one per person); returns the edition and how many were written."""
    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    program = Program.objects.create(organization=root, code=CODE, name="人才项目（基准测试）", document=SOURCE)
    edition = Edition.objects.create(program=program, year=year, title=f"{year}年度人才项目（基准测试）",
                                     status=Edition.Status.OPEN, opens_on=dt.date(year, 3, 1),
                                     closes_on=dt.date(year, 4, 30))
    tiers = [Tier.objects.create(edition=edition, code=code, name=name, allowance_total=Decimal(total), order=i)
             for i, (code, name, total) in enumerate([("lead", "高端领军", 300000), ("top", "拔尖骨干", 150000),
                                                      ("young", "青年优秀", 60000)])]
    rows = [("annual_grades", None, {"years": 3, "grades": ["excellent", "competent", "qualified"]}),
            ("no_sanction", None, {"years": 5}), ("years_in_post", None, {"years": 2}),
            ("education", None, {"codes": ["10", "11", "14", "20"]}), ("title", tiers[0], {"titles": ["正高级"]}),
            ("max_age", tiers[2], {"age": 40}), ("min_age", None, {"age": 25}), ("manual", None, {})]
    for order, (kind, tier, params) in enumerate(rows):
        Condition.objects.create(edition=edition, tier=tier, kind=kind, label=f"条件{order + 1}（{kind}）",
                                 params=params, source=SOURCE, order=order)
    _top_up_people(root, n)
    people = list(Person.objects.unrestricted().order_by("pk").values_list("pk", "organization_id", "org_path")[:n])
    applied = dt.date(year, 3, 15)
    apps = [Application(edition=edition, tier=tiers[i % 3], person_id=pk, organization_id=org, org_path=path,
                        field="工程技术", applied_on=applied, stage=1, status="applied")
            for i, (pk, org, path) in enumerate(people)]
    Application.objects.bulk_create(apps, batch_size=2000)
    return edition, len(apps)

REVIEW_CODE = "BENCHREVIEW"


def _top_up_people(root, wanted: int) -> None:
    """A small tree: add plain people (no identity number) in the root's first branch up to `wanted`."""
    from zugong.orgs.models import Organization
    from zugong.people.models import Person

    have = Person.objects.unrestricted().count()
    if have >= wanted:
        return
    branch = Organization.objects.unrestricted().filter(kind="branch").order_by("path").first() or root
    Person.objects.bulk_create([
        Person(organization=branch, org_path=branch.path, name=f"基准{have + i:06d}", sex="1",
               birth_date=dt.date(1970 + i % 30, 1 + i % 12, 1), name_pinyin="", name_initials="",
               pinyin_key="", stroke_key="") for i in range(wanted - have)], batch_size=2000)


def seed_review_bench(n_experts: int = 200, n_applications: int = 5000, *, seed: int = 1, log=print):
    """A programme (code BENCHREVIEW) issued by the first root organization, its edition and three tiers, a
    draft review round, `n_applications` qualified applications of existing people (spread over 400 units;
    one in ten with a co-applicant, one in five with a named supervisor) and `n_experts` experts (a quarter in
    an applicant's unit, some linked to people: supervisors, co-applicants, applicants). Idempotent: returns
    the round when the programme exists already."""
    from django.db import transaction

    from zugong.orgs.models import Organization, Unit
    from zugong.people.models import Person
    from zugong.talent.models import (Application, CoApplicant, Criterion, Edition, Expert, Program, ReviewRound,
                                      Tier)

    existing = Program.objects.unrestricted().filter(code=REVIEW_CODE).first()
    if existing:
        return ReviewRound.objects.unrestricted().filter(edition__program=existing).first()
    rng = random.Random(seed)
    root = Organization.objects.unrestricted().filter(depth=1).order_by("path").first()
    wanted = n_applications + n_experts
    _top_up_people(root, wanted)
    people = list(Person.objects.unrestricted().order_by("pk").values_list("pk", "organization_id", "name")
                  [:wanted])
    org_paths = dict(Organization.objects.unrestricted().values_list("pk", "path"))
    fields = ["材料科学", "化学", "机械工程", "电子信息", "临床医学", "农学", "经济学", "教育学", "能源", "环境科学"]
    with transaction.atomic():
        program = Program.objects.create(organization=root, code=REVIEW_CODE, name="评审基准测试人才计划")
        edition = Edition.objects.create(program=program, year=2026, title="2026年度评审基准测试",
                                         status=Edition.Status.CLOSED, reviewers_per_application=5)
        tiers = [Tier.objects.create(edition=edition, code=c, name=n, order=i)
                 for i, (c, n) in enumerate([("lead", "高端领军"), ("top", "拔尖骨干"), ("young", "青年优秀")])]
        Criterion.objects.create(edition=edition, name="业绩成果", weight=1, max_score=100)
        units = Unit.objects.bulk_create([Unit(name=f"基准测试单位{i:03d}", org_path=root.path) for i in range(400)])
        appl = people[:n_applications]
        rows = []
        for i, (pid, org_id, _) in enumerate(appl):
            rows.append(Application(
                edition=edition, tier=tiers[i % 3], person_id=pid, organization_id=org_id,
                org_path=org_paths[org_id], unit=units[i % 400], field=fields[i % len(fields)],
                applied_on=dt.date(2026, 3, 1), qualified_on=dt.date(2026, 5, 1), qualification="passed",
                status=Application.Status.QUALIFIED, stage=3,
                supervisor_name=f"导师{i % 150:03d}" if i % 5 == 0 else ""))
        Application.objects.bulk_create(rows, batch_size=2000)
        expert_people = people[n_applications:]
        experts = []
        for j in range(n_experts):
            person_id, name = (None, f"导师{j:03d}") if j < 150 else (None, f"专家{j:03d}")
            if j >= 150 and expert_people:
                person_id, _, name = expert_people[(j - 150) % len(expert_people)]
            experts.append(Expert(organization=root, org_path=root.path, name=name, field=fields[j % len(fields)],
                                  unit=units[rng.randrange(400)] if j % 4 == 0 else None,
                                  unit_name="" if j % 4 == 0 else f"外单位{j:03d}", person_id=person_id))
        Expert.objects.bulk_create(experts)
        co = [CoApplicant(application=a, name=f"专家{(k * 7) % n_experts:03d}", unit_name=f"外单位{(k * 7) % n_experts:03d}")
              for k, a in enumerate(rows[::10])]
        CoApplicant.objects.bulk_create(co, batch_size=2000)
        rnd = ReviewRound.objects.create(edition=edition, name="评审基准测试轮次", reviewers_per_application=5)
    log(f"seeded {len(rows)} applications, {len(experts)} experts, {len(co)} co-applicants")
    return rnd
