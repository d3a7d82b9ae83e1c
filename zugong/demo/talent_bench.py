"""Seeding for the talent benchmarks (`bench/talent_bench.py`), each area its own self-contained function."""

from __future__ import annotations

import datetime as dt
import random

REVIEW_CODE = "BENCHREVIEW"


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
    have = Person.objects.unrestricted().count()
    if have < wanted:  # a small tree: add plain people (no identity number) in the root's first branches
        branch = Organization.objects.unrestricted().filter(kind="branch").order_by("path").first() or root
        Person.objects.bulk_create([
            Person(organization=branch, org_path=branch.path, name=f"基准{i:05d}", sex="1",
                   birth_date=dt.date(1980 + i % 20, 1 + i % 12, 1), name_pinyin="", name_initials="",
                   pinyin_key="", stroke_key="") for i in range(wanted - have)], batch_size=2000)
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
