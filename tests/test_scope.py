"""Nobody sees what is not theirs: every URL, walked as a user of the sibling subtree."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from django.utils import timezone

from zugong.cadres import services as cadre_services
from zugong.core import scope
from zugong.core.models import Finding, Job, LocalRule
from zugong.members import services as member_services
from zugong.members.models import DuesExemption, DuesPayment, Membership, TransferRequest
from zugong.recruitment.models import Case, Step, StepDocument
from zugong.orgs.models import Organization
from zugong.people.idnumber import make_id_number
from zugong.people.models import Person

# What of the 太原 side must never show to a 大同 user.
TAIYUAN_MARKERS = ["太原", "小店", "红星社区", "财政局", "张三", "李四", "王五"]


def walk(patterns, prefix="", namespace=""):
    """(name, route regex) of every URL pattern."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern.regex.pattern).lstrip("^"), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", prefix + str(p.pattern.regex.pattern).lstrip("^")


def fill(regex: str, values: dict) -> str | None:
    """A concrete path for a route regex, with named groups from `values` (None if one is missing)."""
    missing = []

    def group(m):
        name = m.group(1)
        if name not in values:
            missing.append(name)
            return ""
        return str(values[name])

    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", group, regex)
    path = path.replace("\\Z", "").replace("$", "").replace("\\.", ".").replace("\\", "")
    path = re.sub(r"\(\?:[^)]*\)\??", "", path).replace("?", "")
    return None if missing else "/" + path


@pytest.fixture
def other_side(tree, users):
    """Records of the 太原 side (including a job of its admin) that the 大同 admin must not reach."""
    job = Job.objects.create(kind="import", title="太原导入", user=users.taiyuan, org_path=tree.taiyuan.path)
    finding = Finding.objects.create(
        rule="test.rule", severity="error", model="people.person", object_id=tree.people.zhangsan.pk,
        person=tree.people.zhangsan, organization=tree.b1, org_path=tree.b1.path, regulation="某规定",
        article="第一条", detail="张三的问题", opened_at=timezone.now())
    zs, ww = (Membership.objects.create(person=p, organization=p.organization, joined_on=dt.date(2005, 7, 1),
                                        converted_on=dt.date(2006, 7, 1), dues_base=Decimal("4000"))
              for p in (tree.people.zhangsan, tree.people.wangwu))
    transfer = member_services.request_transfer(users.secretary, zs, kind=TransferRequest.Kind.WITHIN,
                                                to_org=tree.b2)
    payment = DuesPayment.objects.create(membership=zs, organization=tree.b1, org_path=tree.b1.path,
                                         month=dt.date(2026, 1, 1), amount=Decimal("40"), paid_on=dt.date(2026, 1, 5))
    exemption = DuesExemption.objects.create(membership=zs, organization=tree.b1, org_path=tree.b1.path,
                                             month_from=dt.date(2026, 2, 1), reason="病休")
    case = Case.objects.create(person=tree.people.lisi, organization=tree.b1, applied_on=dt.date(2025, 3, 1))
    step = Step.objects.create(case=case, kind="application", number=1, on=case.applied_on)
    document = StepDocument.objects.create(step=step, title="入党申请书", file="recruitment/x.pdf")
    adform_person = Person.objects.create(
        organization=tree.b2, name="周八", sex="1", birth_date=dt.date(1971, 2, 3),
        id_number=make_id_number("140105", dt.date(1971, 2, 3), 19))
    adform_cadre = cadre_services.create_cadre(users.taiyuan, adform_person, tree.xiaodian)
    adform_job = Job.objects.create(kind="adform_preview", title="太原任免审批表导入", user=users.taiyuan,
                                    org_path=tree.taiyuan.path, params={"org_id": tree.taiyuan.pk})
    local = LocalRule.objects.create(template="publicity_working_days", code="test.local", title="太原本地规则",
                                     params={"days": 5}, regulation="《太原某办法》", organization=tree.taiyuan)
    team_standard = LocalRule.objects.create(template="team_composition", code="test.team_standard",
                                             title="太原班子配备要求", regulation="《太原某办法》",
                                             params={"level": 3, "young_age": 40, "women": 1, "young": 1},
                                             organization=tree.taiyuan)
    team, team_post, team_member = _taiyuan_team(tree)
    return {
        "adform_cadre": [adform_cadre.pk], "adform_job": [adform_job.pk],
        "localrule": [local.pk],
        "team_standard": [team_standard.pk], "team": [team.pk], "team_post": [team_post.pk],
        "team_member": [team_member.pk],
        "case": [case.pk], "step": [step.pk], "document": [document.pk],
        "membership": [zs.pk, ww.pk], "transfer": [transfer.pk], "payment": [payment.pk],
        "exemption": [exemption.pk],
        "org": [tree.taiyuan.pk, tree.xiaodian.pk, tree.b1.pk],
        "person": [tree.people.zhangsan.pk, tree.people.wangwu.pk],
        "job": [job.pk],
        "user": [users.taiyuan.pk, users.secretary.pk],
        "finding": [finding.pk],
    }


def _taiyuan_team(tree):
    """A leadership team of 小店区 with a post held by 王五 (a cadre)."""
    from zugong.cadres.models import Cadre, CadrePost
    from zugong.orgs.models import Unit
    from zugong.teams.models import LeadershipTeam, TeamMember, TeamPost

    unit = Unit.objects.create(name="中共太原市小店区委员会", org_path=tree.xiaodian.path)
    team = LeadershipTeam.objects.create(unit=unit, organization=tree.xiaodian, name="小店区委领导班子", level=3)
    team_post = TeamPost.objects.create(team=team, title="书记", quota=1)
    cadre = Cadre.objects.create(person=tree.people.wangwu, organization=tree.xiaodian)
    post = CadrePost.objects.create(cadre=cadre, title="书记", unit=unit, start_on=dt.date(2022, 1, 1))
    return team, team_post, TeamMember.objects.create(team_post=team_post, post=post)


# Which model a URL's pk names: every URL with a pk must be listed, so a new page cannot skip this test.
PK_MODEL = {
    "orgs:tree_children": "org", "orgs:detail": "org", "orgs:edit": "org", "orgs:move": "org",
    "orgs:merge": "org", "orgs:dissolve": "org", "people:detail": "person", "people:edit": "person",
    "core:job": "job", "core:job_output": "job", "accounts:user": "user",
    "api:organization-detail": "org", "api:person-detail": "person", "api:finding-detail": "finding",
    "core:finding_ack": "finding", "core:local_rule": "localrule",
    "members:detail": "membership", "members:edit": "membership", "members:transfer_create": "membership",
    "members:dues_pay": "membership", "members:dues_exempt": "membership", "api:membership-detail": "membership",
    "members:register": "person", "members:transfer_detail": "transfer", "members:transfer_send": "transfer",
    "members:transfer_receive": "transfer", "members:transfer_close": "transfer",
    "members:payment_delete": "payment", "members:exemption_delete": "exemption",
    "recruitment:detail": "case", "recruitment:step": "case", "recruitment:docx": "case",
    "recruitment:add_document": "step", "recruitment:document": "document", "api:recruitment-case-detail": "case",
    "adform:session": "adform_job", "adform:confirm": "adform_job", "adform:lrmx": "adform_cadre",
    "adform:docx": "adform_cadre", "adform:pdf": "adform_cadre", "adform:edit": "adform_cadre",
    "teams:detail": "team", "teams:add_post": "team", "teams:assign": "team", "api:team-detail": "team",
    "teams:post": "team_post", "teams:edit_post": "team_post", "teams:member": "team_member",
    "teams:release": "team_member", "teams:standard_edit": "team_standard",
}


def _leaks(response) -> list[str]:
    body = response.content.decode("utf-8", "replace")
    return [m for m in TAIYUAN_MARKERS if m in body]


@pytest.mark.django_db
def test_every_url_hides_the_sibling_subtree(client, tree, users, other_side):
    client.force_login(users.datong, backend="django.contrib.auth.backends.ModelBackend")
    seen = 0
    for name, regex in walk(get_resolver().url_patterns):
        if "<pk>" in regex or "(?P<pk>" in regex:
            assert name in PK_MODEL, f"{name}: add it to PK_MODEL so its scope is tested"
            for pk in other_side[PK_MODEL[name]]:
                path = fill(regex, {"pk": pk, "format": "json"})
                for method in ("get", "post", "patch"):
                    r = getattr(client, method)(path, content_type="application/json") if method == "patch" \
                        else getattr(client, method)(path)
                    if r.status_code == 405:  # the method is refused before any record is looked up
                        continue
                    assert r.status_code == 404, f"{method.upper()} {path} ({name}) answered {r.status_code}"
                    seen += 1
            continue
        path = fill(regex, {"kind": "people", "path": "photos/2026/x.jpg", "format": "json", "code": "test.rule"})
        if path is None:
            continue
        for query in ("", "?q=张", "?q=zs", "?search=张", "?q=中共", "?within=1401", "?org=1401",
                      "?organization=1401", "?tab=findings", "?open=true"):
            r = client.get(path + query)
            assert r.status_code in (200, 302, 400, 403, 404, 405), f"GET {path}{query}: {r.status_code}"
            if r.status_code == 200 and not r.get("Content-Disposition"):
                assert not _leaks(r), f"GET {path}{query} shows {_leaks(r)}"
            seen += 1
    assert seen > 50


@pytest.mark.django_db
def test_exports_hide_the_sibling_subtree(login, tree, users):
    from io import BytesIO

    from openpyxl import load_workbook

    client = login(users.datong)
    for url in ("/people/?export=xlsx", "/orgs/list/?export=xlsx", "/core/audit/?export=xlsx",
                "/accounts/users/?export=xlsx"):
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        text = " ".join(str(c.value) for row in load_workbook(BytesIO(r.content)).active.iter_rows() for c in row)
        assert "大同" in text or "赵六" in text or "dt_admin" in text
        assert not [m for m in TAIYUAN_MARKERS if m in text], url


@pytest.mark.django_db
def test_unscoped_query_in_a_request_fails_closed(tree):
    with scope.guard():
        with pytest.raises(scope.ScopeError):
            list(Person.objects.all())
        with pytest.raises(scope.ScopeError):
            Organization.objects.filter(kind="branch").count()
        assert Person.objects.unrestricted().count() == 5


@pytest.mark.django_db
def test_visible_to_follows_grants(tree, users):
    names = set(Person.objects.visible_to(users.datong).values_list("name", flat=True))
    assert names == {"赵六", "孙七"}
    assert set(Person.objects.visible_to(users.secretary).values_list("name", flat=True)) == {"张三", "李四"}
    assert Person.objects.visible_to(users.admin).count() == 5
    # A read-only user may view, not change.
    assert Person.objects.visible_to(users.reader).count() == 3
    assert Person.objects.visible_to(users.reader, "change").count() == 0


@pytest.mark.django_db
def test_admin_creates_users_only_inside_own_subtree_and_rank(tree, users):
    from django.core.exceptions import PermissionDenied, ValidationError

    from zugong.accounts import services

    with pytest.raises(PermissionDenied):
        services.create_user(users.datong, username="x1", display_name="某", password="Zg-long-pass-1",
                             organization=tree.b1, role=scope.Role.READONLY)
    with pytest.raises(ValidationError) as exc:
        services.create_user(users.datong, username="x2", display_name="某", password="Zg-long-pass-1",
                             organization=tree.b3, role=scope.Role.DEPT_ADMIN)
    assert "不能授予高于您自己的角色" in str(exc.value)
    user = services.create_user(users.datong, username="x3", display_name="某", password="Zg-long-pass-1",
                                organization=tree.b3, role=scope.Role.SECRETARY)
    assert list(Person.objects.visible_to(user).values_list("name", flat=True).order_by("name")) == ["孙七", "赵六"]


@pytest.mark.django_db
def test_narrowing_intersects_the_scope_and_keeps_one_range(tree, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A province admin narrowed to one county: one path range in the SQL, the county's.
    with CaptureQueriesContext(connection) as ctx:
        names = set(Person.objects.visible_to(users.admin).subtree(tree.xiaodian.path).values_list("name", flat=True))
    assert names == {"张三", "李四", "王五"}
    assert ctx.captured_queries[-1]["sql"].count('"people_person"."org_path" >=') == 1
    # Narrowing to another subtree than one's own gives nothing, not the other subtree.
    assert not Person.objects.visible_to(users.datong).subtree(tree.xiaodian.path).exists()
    # A broader narrowing keeps the user's own subtree.
    assert Person.objects.visible_to(users.secretary).subtree(tree.root.path).count() == 2
    # Used as a subquery, a scoped queryset is scoped too.
    visible_orgs = Organization.objects.visible_to(users.datong).values("pk")
    assert set(Person.objects.unrestricted().filter(organization__in=visible_orgs).values_list("name", flat=True)) \
        == {"赵六", "孙七"}
    with scope.guard():
        with pytest.raises(scope.ScopeError):
            list(Person.objects.unrestricted().filter(organization__in=Organization.objects.values("pk")))
