"""The data the party statistics (党内统计) read, in the demo: set-based UPDATEs and bulk writes after the members'
history, deterministic per person (their id) so the same seed gives the same tables, at every scale.

- every person's 职业（党内统计分类） from their membership category and their organization's sector (a member
  employed in a 机关 is 党政机关工作人员, in a 国有企业 a manager, technician or skilled worker …; farmers, one in
  seven 外出务工经商; students, retirees) — one person in 150 of the last county left blank, the
  data-completeness page's problem (that county cannot submit its report until it is filled);
  新的社会阶层 for some employees of private firms and social organizations; 一线; students' level and year;
- 流动党员's scope, destination and activity card, 失联党员's circumstances;
- units' legal-entity type from their sector and name (街道, 乡镇, 社区, 村 …), their staff and members counts;
- deaths (a few old retired members a year, this year's up to the seed's day) and a few 出党 of each kind, each
  an `Exit` with its date and handling branch, the member's status and dated history ending that day;
- 党内表彰 on 1 July of the last two years (先进基层党组织, 优秀共产党员, 优秀党务工作者 of each county).
"""

from __future__ import annotations

import datetime as dt
import time

from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.functions import Mod

from zugong.core import bulk
from zugong.members.models import Award, Exit, Membership, StatusSpan
from zugong.orgs.models import Organization, Unit
from zugong.people.models import Person

C = Membership.Category


def _mod(n: int):
    return Mod(F("id"), Value(n), output_field=IntegerField())


def _people() -> int:
    """Every person's 职业（党内统计分类） — members by their category and branch's sector, others (the applicants
    of recruitment cases) by their organization's sector as employees — and from it 新的社会阶层, 一线, 专业技术职务
    and the students' level and year, in two passes over the people (at province scale each pass rewrites 2.6
    million rows, and in the seed's one transaction every pass leaves them all behind as dead rows the next scans
    read): the class by one UPDATE … FROM (it reads the membership and the organization: joins `update()`
    refuses), then the rest from the class by one UPDATE. One person in 150 of the last county is left without
    a class (with a single county, nobody): what the data-completeness page finds, and why that county's annual
    report does not add up yet."""
    people = Person.objects.unrestricted()
    cat, sector = "membership__category", "organization__sector"
    employed = Q(**{f"{cat}__in": (C.EMPLOYED,)}) | Q(membership__isnull=True)
    counties = list(Organization.objects.unrestricted().filter(kind=Organization.Kind.COMMITTEE, depth=3)
                    .order_by("path").values_list("path", flat=True))
    blank = Q(m150=7, org_path__startswith=counties[-1]) if len(counties) > 1 else Q(pk__in=[])
    occupation = Case(
        When(blank, then=Value("")),
        When(Q(**{cat: C.RETIRED}), then=Value("60")),
        When(Q(**{cat: C.STUDENT}), then=Value("50")),
        When(Q(**{cat: C.FARMER}) & Q(m7=0), then=Value("32")),
        When(Q(**{cat: C.FARMER}), then=Value("31")),
        When(Q(**{cat: C.MOBILE}) & Q(**{sector: "rural"}), then=Value("32")),
        When(Q(**{cat: C.MOBILE}), then=Value("26")),
        When(Q(**{f"{cat}__in": (C.UNEMPLOYED, C.LOST, C.OTHER)}), then=Value("70")),
        When(employed & Q(**{sector: "government"}), then=Value("11")),
        When(employed & Q(**{f"{sector}__in": ("institution", "school", "community")}) & Q(m10__lt=3),
             then=Value("12")),
        When(employed & Q(**{f"{sector}__in": ("institution", "school", "community")}), then=Value("13")),
        When(employed & Q(**{sector: "soe"}) & Q(m10__lt=3), then=Value("14")),
        When(employed & Q(**{sector: "soe"}) & Q(m10__lt=7), then=Value("15")),
        When(employed & Q(**{sector: "soe"}) & Q(m10__lt=9), then=Value("16")),
        When(employed & Q(**{sector: "soe"}), then=Value("17")),
        When(employed & Q(**{sector: "private"}) & Q(m10__lt=3), then=Value("21")),
        When(employed & Q(**{sector: "private"}) & Q(m10__lt=6), then=Value("22")),
        When(employed & Q(**{sector: "private"}) & Q(m10__lt=9), then=Value("25")),
        When(employed & Q(**{sector: "private"}), then=Value("26")),
        When(employed & Q(**{sector: "social"}) & Q(m10__lt=5), then=Value("23")),
        When(employed & Q(**{sector: "social"}), then=Value("24")),
        When(employed & Q(**{sector: "rural"}), then=Value("31")),
        default=Value("70"), output_field=CharField(),
    )

    n = bulk.update_from(Person, ["occupation_class"], people.annotate(
        m7=_mod(7), m10=_mod(10), m150=_mod(150), _k=F("pk"), _occupation_class=occupation).values(
        "_k", "_occupation_class"))

    def pick(field: str, *whens: When) -> Case:
        return Case(*whens, default=F(field), output_field=CharField())

    def occ(*codes: str) -> Q:
        return Q(occupation_class__in=codes)

    schools = Organization.objects.unrestricted().filter(sector="school").values("pk")
    people.annotate(m3=_mod(3), m4=_mod(4), m5=_mod(5)).update(
        social_stratum=pick(
            "social_stratum",
            When(occ("21", "22") & Q(m5=0), then=Value("tech")),
            When(occ("25", "26") & Q(m5=0), then=Value("private_owner")),
            When(occ("23", "24") & Q(m5=1), then=Value("intermediary")),
            When(occ("70") & Q(m5=2), then=Value("freelance"))),
        front_line=pick(
            "front_line",
            When(occ("14", "15", "16", "21", "22", "25") & Q(m3=0), then=Value("enterprise")),
            When(occ("31", "32") & Q(m3__lt=2), then=Value("rural")),
            When(occ("13") & Q(organization_id__in=schools, m3=0), then=Value("teaching")),
            When(occ("11") & Q(m5=0), then=Value("organ"))),
        tech_title_level=pick(
            "tech_title_level",
            *(When(occ("13", "15", "22", "24") & Q(m3=m), then=Value(level))
              for m, level in ((0, "senior"), (1, "middle"), (2, "junior")))),
        student_level=pick(
            "student_level",
            *(When(occ("50") & Q(m3=m), then=Value(level))
              for m, level in ((0, "graduate"), (1, "undergraduate"), (2, "college")))),
        student_year=pick(
            "student_year",
            *(When(occ("50") & Q(m4=m), then=Value(year))
              for m, year in ((0, "final"), (1, "first"), (2, "other"), (3, "other")))),
    )
    return n


def _details() -> None:
    # The mobile and the lost members' details: one UPDATE each (their rows only).
    members = Membership.objects.unrestricted().annotate(m3=_mod(3), m2=_mod(2), m7=_mod(7), m15=_mod(15))
    scopes = ("interprovincial", "intercity", "local")
    destinations = ("private_enterprise", "self_employed", "city_community", "organ", "institution", "village",
                    "talent_centre", "private_foreign", "public_other", "other", "unknown", "private_nonprofit",
                    "town_community", "private_hmt", "public_hmt")
    members.filter(category=C.MOBILE).update(
        mobile_scope=Case(*(When(m3=m, then=Value(v)) for m, v in enumerate(scopes)), output_field=CharField()),
        mobile_card=Case(When(m2=0, then=Value(True)), default=Value(False)),
        mobile_destination=Case(*(When(m15=m, then=Value(v)) for m, v in enumerate(destinations)),
                                output_field=CharField()))
    reasons = ("migrant", "restructured", "graduate", "job_change", "abroad", "moved", "other")
    members.filter(lost_contact_since__isnull=False).update(
        lost_reason=Case(*(When(m7=m, then=Value(v)) for m, v in enumerate(reasons)), output_field=CharField()))


def _units() -> None:
    units = Unit.objects.unrestricted().annotate(m3=_mod(3), m4=_mod(4), m2=_mod(2))
    units.filter(name__endswith="街道").update(entity_type="street")
    units.filter(Q(name__endswith="镇") | Q(name__endswith="乡")).update(entity_type="town")
    units.filter(entity_type="", sector="community").update(entity_type="city_community")
    units.filter(entity_type="", sector="rural").update(entity_type="village")
    units.filter(entity_type="", sector="government", name__endswith="局").update(entity_type="dept_county")
    units.filter(entity_type="", sector="government").update(entity_type="organ_state")
    units.filter(entity_type="", sector="school", m2=0).update(entity_type="inst_primary")
    units.filter(entity_type="", sector="school").update(entity_type="inst_secondary")
    units.filter(entity_type="", sector="institution", m4=0).update(entity_type="inst_health")
    units.filter(entity_type="", sector="institution", m4=1).update(entity_type="inst_culture")
    units.filter(entity_type="", sector="institution").update(entity_type="inst_other")
    units.filter(entity_type="", sector="soe", m3=0).update(entity_type="soe_sole", large=True)
    units.filter(entity_type="", sector="soe").update(entity_type="soe_holding")
    units.filter(entity_type="", sector="private", m4=0).update(entity_type="private_sole")
    units.filter(entity_type="", sector="private", m4=1).update(entity_type="foreign_holding")
    units.filter(entity_type="", sector="private").update(entity_type="private_holding", legal_rep_member=True)
    units.filter(entity_type="", sector="social", m3=0).update(entity_type="social_nonprofit")
    units.filter(entity_type="", sector="social").update(entity_type="social_group")
    units.filter(entity_type__in=("private_sole", "private_holding", "foreign_holding", "social_group",
                                  "social_nonprofit"), m3=0).update(liaison=True)
    units.filter(entity_type__in=("soe_sole", "soe_holding"), m2=0).update(full_time_worker=True)


def _end(ids: list[int], rows: list[tuple[int, dt.date, str, str]]) -> None:
    """End the open status span of each member on its day and open the new status (bulk)."""
    by_day: dict[dt.date, list[int]] = {}
    for pk, day, _, _ in rows:
        by_day.setdefault(day, []).append(pk)
    for day, pks in by_day.items():
        StatusSpan.objects.unrestricted().filter(membership_id__in=pks, ended_on__isnull=True).update(ended_on=day)
    StatusSpan.objects.bulk_create([StatusSpan(membership_id=pk, status=status, started_on=day)
                                    for pk, day, status, _ in rows], batch_size=2000)
    for status in {r[2] for r in rows}:
        Membership.objects.unrestricted().filter(pk__in=[r[0] for r in rows if r[2] == status]).update(status=status)


def _exits(as_of: dt.date) -> int:
    """Deaths (old retired members: about one in 250 a year) and a few 出党 of each kind, this year up to the
    seed's day and last year, each with its `Exit`."""
    S, K = Membership.Status, Exit.Kind
    old = as_of.replace(year=as_of.year - 78)
    base = (Membership.objects.unrestricted().filter(status=S.FULL, transferred_out_on__isnull=True,
                                                      committee_post="")
            .annotate(m250=_mod(250), m4000=_mod(4000)))
    rows: list[tuple[int, dt.date, str, str]] = []
    exits: list[Exit] = []
    years = (as_of.year - 1, as_of.year)
    picked = list(base.filter(category=C.RETIRED, person__birth_date__lte=old, m250__in=(11, 12))
                  .values_list("pk", "organization_id", "org_path", "m250", "converted_on"))
    kinds = (K.EXPELLED, K.WITHDRAWN, K.PERSUADED, K.REMOVED, K.LAPSED, K.UNREACHABLE)
    others = list(base.exclude(category=C.RETIRED).filter(m4000__in=range(100, 100 + 2 * len(kinds)))
                  .values_list("pk", "organization_id", "org_path", "m4000", "converted_on"))
    for pk, org_id, path, m, converted in picked + others:
        year = years[m % 2]
        last = as_of if year == as_of.year else dt.date(year, 12, 31)
        day = dt.date(year, 1, 1) + dt.timedelta(days=(pk * 37) % max((last - dt.date(year, 1, 1)).days, 1))
        if converted and converted >= day:
            continue
        if (pk, org_id, path, m, converted) in picked:
            kind, status = K.DIED, S.DECEASED
        else:
            kind, status = kinds[(m - 100) // 2], S.LEFT
        rows.append((pk, day, status, kind))
        exits.append(Exit(membership_id=pk, organization_id=org_id, org_path=path, kind=kind, decided_on=day,
                          approved_by="" if kind == K.DIED else "（演示数据）基层党委",
                          rank_level="county" if kind == K.EXPELLED and m % 4 == 0 else "",
                          misconduct="integrity" if kind == K.EXPELLED else "",
                          note="（演示数据）"))
    if rows:
        _end([r[0] for r in rows], rows)
        Exit.objects.bulk_create(exits, batch_size=2000)
    return len(exits)


def _awards(as_of: dt.date) -> int:
    """Each county's 七一 awards of the last two years: two branches, five members, two party workers."""
    out: list[Award] = []
    counties = Organization.objects.unrestricted().filter(kind=Organization.Kind.COMMITTEE, depth=3)
    for county in counties.order_by("path"):
        for year in (as_of.year - 1, as_of.year):
            day = dt.date(year, 6, 28)
            if day > as_of:
                continue
            branches = list(Organization.objects.unrestricted()
                            .filter(path__startswith=county.path, kind=Organization.Kind.BRANCH)
                            .order_by("path").values_list("pk", "path")[year % 5::7][:2])
            for pk, path in branches:
                out.append(Award(kind=Award.Kind.ORGANIZATION, level=Award.Level.COUNTY, organization_id=pk,
                                 org_path=path, awarded_on=day, conferred_by=f"中共{county.name[2:]}（演示数据）"))
            members = list(Membership.objects.unrestricted()
                           .filter(org_path__startswith=county.path, status=Membership.Status.FULL)
                           .order_by("pk").values_list("pk", "organization_id", "org_path")[year % 11::97][:7])
            for i, (pk, org_id, path) in enumerate(members):
                out.append(Award(kind=Award.Kind.MEMBER if i < 5 else Award.Kind.WORKER, level=Award.Level.COUNTY,
                                 membership_id=pk, organization_id=org_id, org_path=path, awarded_on=day,
                                 conferred_by=f"{county.name}（演示数据）"))
    Award.objects.bulk_create(out, batch_size=2000)
    return len(out)


def seed_stats_data(seed: int, as_of: dt.date, log=print) -> dict[str, int]:
    t = time.perf_counter()
    counts = {"occupation_classes": _people()}
    _details()
    _units()
    counts["exits"] = _exits(as_of)
    counts["awards"] = _awards(as_of)
    log(f"  statistics data: {counts} in {time.perf_counter() - t:.1f} s")
    return counts


def seed_reports(root, as_of: dt.date, log=print) -> dict[str, int]:
    """Last year's annual reports (截至 12月31日) of the counties, as their department admins would have filed
    them in January: the cover filled, the asked explanations written, submitted (frozen); the second county's
    returned by the city with a reason and not yet resubmitted — the city's subordinates page shows both states.
    Run after every other domain's data, below province scale (the tables are computed for each county)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone as tz

    from zugong.accounts.models import User
    from zugong.stats import checks, reports_services
    from zugong.stats.models import Report

    t = time.perf_counter()
    day = dt.date(as_of.year - 1, 12, 31)
    admin = User.objects.get(username="admin")
    city = User.objects.filter(username="city").first()
    counties = list(Organization.objects.unrestricted()
                    .filter(kind=Organization.Kind.COMMITTEE, depth=3, path__startswith=root.path).order_by("path"))
    counts = {"stats_reports": 0, "stats_submitted": 0}
    for i, county in enumerate(counties):
        report = reports_services.open_report(admin, county, day)
        reports_services.save_cover(admin, report, responsible=f"{county.name[-3:]}组织部负责人（演示）",
                                    preparer="统计员（演示）", phone="0351-0000000")
        for f in reports_services.findings(report):
            if f.severity == checks.EXPLAIN and not f.explained:
                reports_services.explain(admin, report, f.code, f.number, f.row, f.col,
                                         "（演示数据）经逐人核实，数据准确，变化系本年党员发展和组织关系转接所致。")
        counts["stats_reports"] += 1
        try:
            reports_services.submit(admin, report)
        except ValidationError as exc:
            log(f"  statistics: {county.name} not submitted: {'；'.join(exc.messages)[:200]}")
            continue
        counts["stats_submitted"] += 1
        at = tz.make_aware(dt.datetime(day.year + 1, 1, 8 + i % 10, 10, 30))
        Report.objects.unrestricted().filter(pk=report.pk).update(submitted_at=at, data_as_of=at)
        if i == 1 and city is not None and reports_services.may_return(city, report):
            reports_services.return_report(city, report, "表2 女党员人数与党员花名册不一致，请核实后重新上报")
    log(f"  statistics reports: {counts} in {time.perf_counter() - t:.1f} s")
    return counts
