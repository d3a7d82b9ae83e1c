"""The rules engine: editions, set-based scans that open and resolve findings, and the workflow guard."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person
from zugong.core import rules
from zugong.core.pii import mask_id
from zugong.core.models import AuditEntry, Finding
from zugong.people.models import Person

OLD = rules.Edition("《某工作规定》", "第七条", "2014年版", dt.date(2014, 6, 10), dt.date(2026, 5, 11))
NEW = rules.Edition("《某工作规定》", "第九条", "2026年修订", dt.date(2026, 5, 11))


@pytest.fixture
def phone_rule():
    """A rule on people (no phone recorded), judged by the edition in force on the birth date
    (a stand-in for an event date)."""
    rule = rules.register(rules.Rule(
        code="test.no_phone", title="人员应登记联系电话", severity=rules.ERROR, model="people.Person",
        editions=(OLD, NEW), event_field="birth_date",
        check=lambda qs, as_of: qs.filter(phone="").exclude(birth_date__gt=as_of),
        describe=lambda row: "未登记联系电话", person_field="pk",
    ))
    yield rule
    rules.RULES.pop(rule.code)


def open_findings(code="test.no_phone"):
    return Finding.objects.unrestricted().filter(rule=code, resolved_at__isnull=True)


@pytest.mark.django_db
def test_scan_opens_and_resolves(tree, phone_rule):
    Person.objects.unrestricted().filter(name="李四").update(birth_date=dt.date(2026, 6, 1))
    result = rules.scan(tree.taiyuan.path, dt.date(2026, 11, 27), [phone_rule])
    # 张三 and 王五 were born before the rule's first edition: not judged; 李四's event is under the 2026 edition.
    assert result.opened == 1
    f = open_findings().get()
    assert (f.person.name, f.article, f.edition, f.organization) == ("李四", "第九条", "2026年修订", tree.b1)
    Person.objects.unrestricted().filter(name="李四").update(phone="13800000000")
    result = rules.scan(tree.taiyuan.path, dt.date(2026, 11, 27), [phone_rule])
    assert result.resolved == 1 and not open_findings().exists()


@pytest.mark.django_db
def test_edition_by_event_date(tree, phone_rule):
    Person.objects.unrestricted().filter(name="张三").update(birth_date=dt.date(2026, 5, 10))
    Person.objects.unrestricted().filter(name="李四").update(birth_date=dt.date(2026, 5, 11))
    rules.scan("", dt.date(2026, 11, 27), [phone_rule])
    cited = dict(open_findings().values_list("person__name", "article"))
    assert cited == {"张三": "第七条", "李四": "第九条"}


@pytest.mark.django_db
def test_as_of_makes_scans_reproducible(tree, phone_rule):
    Person.objects.unrestricted().filter(name="李四").update(birth_date=dt.date(2026, 6, 1))
    assert rules.scan("", dt.date(2026, 5, 31), [phone_rule]).opened == 0
    assert rules.scan("", dt.date(2026, 6, 1), [phone_rule]).opened == 1


@pytest.mark.django_db
def test_scan_query_count_does_not_grow_with_rows(tree, phone_rule):
    def queries_for(n):
        Person.objects.unrestricted().filter(name__startswith="批量").delete()
        for i in range(n):
            make_person(tree.b2, f"批量{i}", birth=dt.date(2020, 1, 1) + dt.timedelta(days=i), seq=101)
        Finding.objects.unrestricted().filter(rule=phone_rule.code).delete()
        with CaptureQueriesContext(connection) as ctx:
            rules.scan("", dt.date(2026, 11, 27), [phone_rule])
        return len(ctx.captured_queries)

    # 40 rows stay within one INSERT batch on SQLite (999 variables); past that only the batches add queries.
    assert queries_for(5) == queries_for(40)


@pytest.mark.django_db
def test_enforce_refuses_with_citation_and_rolls_back(tree, users, phone_rule):
    person = tree.people.lisi
    with pytest.raises(rules.RuleViolation) as exc:
        with transaction.atomic():
            Person.objects.unrestricted().filter(pk=person.pk).update(birth_date=dt.date(2026, 6, 1))
            rules.enforce([phone_rule.code], person, user=users.taiyuan, as_of=dt.date(2026, 11, 27))
    assert "未登记联系电话（《某工作规定》（2026年修订）第九条）" in str(exc.value)
    assert Person.objects.unrestricted().get(pk=person.pk).birth_date == person.birth_date  # rolled back


@pytest.mark.django_db
def test_exception_by_admin_is_recorded_and_audited(tree, users, phone_rule):
    Person.objects.unrestricted().filter(pk=tree.people.lisi.pk).update(birth_date=dt.date(2026, 6, 1))
    with pytest.raises(PermissionDenied):
        rules.enforce([phone_rule.code], tree.people.lisi, user=users.secretary, as_of=dt.date(2026, 11, 27),
                      exception_reason="本人无手机")
    rules.enforce([phone_rule.code], tree.people.lisi, user=users.taiyuan, as_of=dt.date(2026, 11, 27),
                  exception_reason="本人无手机，由家属代为联系")
    f = open_findings().get()
    assert f.excepted_by == users.taiyuan and f.exception_reason == "本人无手机，由家属代为联系"
    entry = AuditEntry.objects.unrestricted().filter(action="exception").get()
    assert entry.note == "本人无手机，由家属代为联系" and "人员应登记联系电话" in entry.changes[0]["new"]
    rules.scan("", dt.date(2026, 11, 27), [phone_rule])  # the next scan keeps the exception, no duplicate
    assert open_findings().get().excepted_at is not None


@pytest.mark.django_db
def test_findings_on_pages_and_api(login, tree, users, phone_rule):
    Person.objects.unrestricted().filter(name="李四").update(birth_date=dt.date(2026, 6, 1))
    rules.scan("", dt.date(2026, 11, 27), [phone_rule])
    client = login(users.taiyuan)
    assert "未登记联系电话" in client.get(f"/people/{tree.people.lisi.pk}/?tab=findings").content.decode()
    org_page = client.get(f"/orgs/{tree.xiaodian.pk}/").content.decode()
    assert 'id="tab-findings"' in org_page and ">1</span>" in org_page
    catalogue = client.get("/core/rules/").content.decode()
    assert "人员应登记联系电话" in catalogue and "《某工作规定》（2026年修订）第九条" in catalogue
    data = client.get("/api/findings/", {"organization": "1401", "open": "true"}).json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["person"] == mask_id(tree.people.lisi.id_number)  # masked (issue 12) and item["article"] == "第九条"
    assert item["subject"] == {"type": "people.person", "id": tree.people.lisi.pk}
    assert item["organization"] == "14010501" and item["title"] == "人员应登记联系电话"
    assert client.get("/api/findings/", {"person": tree.people.lisi.id_number}).json()["count"] == 1
    assert login(users.datong).get("/api/findings/").json()["count"] == 0


@pytest.mark.django_db
def test_scan_command(tree, phone_rule, capsys):
    Person.objects.unrestricted().filter(name="李四").update(birth_date=dt.date(2026, 6, 1))
    call_command("rules", "scan", "--org", "1401", "--as-of", "2026-11-27", "--rule", "test.no_phone")
    out = capsys.readouterr().out
    assert "检查基准日 2026-11-27" in out and "新增问题 1 个" in out


def test_list_and_facts_commands(tree, capsys):
    """`rules list`: code and severity, then title and every edition's citation; `rules facts`: the rules per
    regulations.md fact and the counts."""
    call_command("rules", "list")
    out = capsys.readouterr().out
    assert ("recruitment.applicant_age  [违规]\n    申请入党须年满十八岁\n"
            "    依据：《中国共产党发展党员工作细则》（2014年）第五条（2014年6月10日起）\n"
            "    依据：《中国共产党发展党员工作细则》（2026年修订）条款号待核（2026年5月11日起）\n") in out
    assert f"共 {len(rules.all_rules())} 条规则。" in out
    call_command("rules", "facts")
    out = capsys.readouterr().out
    assert "A1\t条款已确认\trecruitment.applicant_age\t" in out
    assert "A22\t内容待核\ttemplate:publicity_working_days\t" in out
    assert "规定事项 " in out and "已有规则检查 " in out and "标注了所依据事项的 " in out


@pytest.mark.django_db(transaction=True)
def test_scan_button_runs_a_background_job(login, tree, users, phone_rule):
    Person.objects.unrestricted().filter(name="李四").update(birth_date=dt.date(2026, 6, 1))
    client = login(users.taiyuan)
    r = client.post("/core/rules/scan/", {"as_of": "2026-11-27"})
    assert r.status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay")
    page = client.get(r["Location"]).content.decode()
    assert "检查完成：新增问题" in page
    assert open_findings().get().person == tree.people.lisi


@pytest.mark.django_db
def test_a_finding_is_acknowledged_with_a_note_and_audited(login, tree, users, phone_rule):
    Person.objects.unrestricted().filter(name="李四").update(birth_date=dt.date(2026, 6, 1))
    rules.scan("", dt.date(2026, 11, 27), [phone_rule])
    finding = open_findings().get()
    assert login(users.reader).post(f"/core/findings/{finding.pk}/acknowledge/", {"note": "x"}).status_code == 403
    client = login(users.secretary)
    client.post(f"/core/findings/{finding.pk}/acknowledge/", {"note": ""})
    assert open_findings().get().acknowledged_at is None
    client.post(f"/core/findings/{finding.pk}/acknowledge/", {"note": "本周内补登联系电话"})
    finding.refresh_from_db()
    assert finding.acknowledged_by == users.secretary and finding.acknowledgement == "本周内补登联系电话"
    assert finding.resolved_at is None  # knowing of a problem does not resolve it
    assert AuditEntry.objects.unrestricted().filter(action="acknowledge", note="本周内补登联系电话").exists()
    item = client.get("/api/findings/").json()["results"][0]
    assert item["acknowledgement"] == "本周内补登联系电话"


@pytest.mark.django_db
def test_local_rules_are_configured_without_code_by_a_department_admin(login, tree, users):
    from zugong.core.models import LocalRule

    rule = LocalRule.objects.create(template="publicity_working_days", code="test.local", title="公示天数",
                                    params={"days": 5, "stage": "candidate"}, regulation="《某办法》",
                                    organization=tree.root)
    assert login(users.taiyuan).get(f"/core/local-rules/{rule.pk}/").status_code == 403  # applies, not theirs
    client = login(users.admin)
    form = {"title": "公示天数", "params": '{"days": 7, "stage": "candidate"}', "severity": "warning",
            "regulation": "《某省发展党员工作实施办法》", "article": "第八条", "effective_from": "2026-01-01",
            "effective_to": "2025-01-01", "active": "on"}
    r = client.post(f"/core/local-rules/{rule.pk}/", form)
    assert "失效日期应晚于生效日期" in r.content.decode()
    r = client.post(f"/core/local-rules/{rule.pk}/", {**form, "effective_to": ""})
    assert r.status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"days": 7, "stage": "candidate"} and rule.article == "第八条"
    assert AuditEntry.objects.unrestricted().filter(model="core.localrule", action="update").exists()
    assert "修改本地规则" in client.get("/core/rules/").content.decode()
