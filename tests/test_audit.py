"""The audit log: field diffs, who and where, append-only, and tampering caught by `zugong audit verify`."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zugong.core import audit
from zugong.core.models import AuditEntry


@pytest.mark.django_db
def test_edit_through_the_page_is_logged_with_diff_user_and_ip(login, tree, users):
    person = tree.people.zhangsan
    client = login(users.secretary)
    data = {
        "name": "张三", "id_number": person.id_number, "sex": "1", "ethnicity": "01", "birth_date": "1980-05-17",
        "organization": tree.b1.pk, "native_place": "山西太原", "birthplace": "", "education": "20",
        "phone": "13912345678",
    }
    r = client.post(f"/people/{person.pk}/edit/", data, REMOTE_ADDR="10.1.2.3")
    assert r.status_code == 302, r.content.decode()[:2000]
    entry = AuditEntry.objects.unrestricted().filter(model="people.person", object_id=str(person.pk)).first()
    assert entry.action == "update" and entry.actor_name == "b1_sec" and entry.ip == "10.1.2.3"
    changes = {c["field"]: (c["old"], c["new"]) for c in entry.changes}
    assert changes == {"native_place": (None, "山西太原"), "education": (None, "大学本科"),
                       "phone": (None, "139****5678")}  # the log keeps phone numbers masked (issue 12)
    page = client.get(f"/people/{person.pk}/?tab=log").content.decode()
    assert "139****5678" in page and "13912345678" not in page and "b1_sec" in page


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_through_the_application(tree):
    entry = AuditEntry.objects.unrestricted().first()
    entry.note = "x"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.unrestricted().update(note="x")


@pytest.mark.django_db
def test_verify_passes_then_catches_an_edit_behind_the_back(tree, capsys):
    call_command("audit", "verify")
    assert "哈希链完整" in capsys.readouterr().out
    victim = AuditEntry.objects.unrestricted().order_by("id")[3]
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["某人", victim.id])
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert f"ID {victim.id}" in str(exc.value)


@pytest.mark.django_db
def test_verify_catches_a_deleted_entry(tree):
    ids = list(AuditEntry.objects.unrestricted().order_by("id").values_list("id", flat=True))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [ids[2]])
    checked, broken = audit.verify()
    assert broken is not None and broken.entry_id == ids[3] and checked == 2


@pytest.mark.django_db
def test_verify_catches_the_last_entry_removed(tree):
    last = AuditEntry.objects.unrestricted().order_by("-id").first()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [last.id])
    _checked, broken = audit.verify()
    assert broken is not None and "末尾" in broken.reason


# ---------------------------------------------------------------- operations


def _entries_after(last_id):
    return list(AuditEntry.objects.unrestricted().filter(id__gt=last_id).order_by("id"))


def _last_id():
    last = AuditEntry.objects.unrestricted().order_by("-id").first()
    return last.id if last else 0


@pytest.mark.django_db
def test_an_operation_logs_every_changed_row_once_under_one_id(tree):
    from zugong.people.models import Person

    zhangsan, lisi = tree.people.zhangsan, tree.people.lisi
    start = _last_id()
    with audit.acting_as(name="测试"), audit.operation(tree.b1, "import", note="测试导入") as op:
        zhangsan.phone = "13900000001"
        zhangsan.save()
        zhangsan.phone = "13900000002"
        zhangsan.save()  # saved twice: one entry, first old → last new
        lisi.native_place = "山西太原"
        lisi.save()
        op.fact("挂牌督办", True)
        assert _entries_after(start) == []  # nothing is written before the block ends
    entries = _entries_after(start)
    assert [(e.model, e.object_id, e.action) for e in entries] == [
        ("people.person", str(zhangsan.pk), "update"),
        ("people.person", str(lisi.pk), "update"),
        ("orgs.organization", str(tree.b1.pk), "import"),
    ]
    assert len({e.operation for e in entries}) == 1 and entries[0].operation
    assert entries[0].changes == [{"field": "phone", "label": "联系电话", "old": None, "new": "139****0002"}]
    assert entries[0].note == "测试导入" and entries[2].note == "测试导入"
    assert entries[2].changes == [{"field": "挂牌督办", "label": "挂牌督办", "old": None, "new": "是"}]
    assert Person.objects.unrestricted().get(pk=zhangsan.pk).phone == "13900000002"
    assert audit.verify()[1] is None


@pytest.mark.django_db
def test_an_update_operation_folds_the_subjects_own_diff_into_its_entry(tree):
    person = tree.people.zhangsan
    start = _last_id()
    with audit.operation(person, "update", note="更正") as op:
        person.phone = "13900000003"
        person.save()
        op.fact("核对", "已核对")
        person.phone = "13900000009"
        person.save()
    (entry,) = _entries_after(start)
    assert entry.action == "update" and entry.note == "更正"
    assert [(c["field"], c["old"], c["new"]) for c in entry.changes] == [
        ("phone", None, "139****0009"), ("核对", None, "已核对")]


@pytest.mark.django_db
def test_without_fold_the_subjects_diff_is_an_entry_of_its_own(tree):
    person = tree.people.zhangsan
    start = _last_id()
    with audit.operation(person, "transfer", note="转接", org_path=tree.b2.path, fold=False) as op:
        person.phone = "13900000011"
        person.save()
        op.fact("所在党支部", tree.b2, old=tree.b1)
    update, transfer = _entries_after(start)
    assert (update.action, update.org_path, update.note) == ("update", person.org_path, "")
    assert (transfer.action, transfer.org_path, transfer.note) == ("transfer", tree.b2.path, "转接")
    assert transfer.changes == [{"field": "所在党支部", "label": "所在党支部", "old": tree.b1.name,
                                 "new": tree.b2.name}]


@pytest.mark.django_db
def test_a_failed_operation_writes_nothing_and_rolls_back(tree):
    from zugong.people.models import Person

    person = tree.people.zhangsan
    start = _last_id()
    with pytest.raises(ValueError):
        with audit.operation(person, "update", note="失败") as op:
            person.phone = "13900000004"
            person.save()
            op.fact("挂牌督办", "是")
            raise ValueError("boom")
    assert _entries_after(start) == []
    assert Person.objects.unrestricted().get(pk=person.pk).phone != "13900000004"
    assert audit.verify()[1] is None
    person.refresh_from_db()
    person.phone = "13900000005"
    person.save()  # a single save outside any operation logs as before: one entry, no operation id
    (entry,) = _entries_after(start)
    assert entry.action == "update" and entry.operation == "" and audit.verify()[1] is None


@pytest.mark.django_db
def test_bulk_writes_and_nested_operations_join_one_operation(tree):
    from zugong.people.models import Person

    start = _last_id()
    with audit.operation(None, "import", note="批量") as op:
        people = Person.objects.bulk_create([
            Person(name="王五", id_number="140105199001011234", sex="1", birth_date="1990-01-01",
                   organization=tree.b1, org_path=tree.b1.path),
        ])
        op.created(people)
        try:
            with audit.operation(tree.b1, "merge"):
                tree.b1.short_name = "不应记录"
                tree.b1.save()
                raise ValueError
        except ValueError:
            pass
        with audit.operation(tree.b2, "move", note="调整") as inner:
            inner.fact("上级组织", tree.taiyuan, old=tree.root)
    entries = _entries_after(start)
    assert [(e.model, e.action) for e in entries] == [("people.person", "create"),
                                                      ("orgs.organization", "move")]
    assert entries[0].note == "批量" and entries[1].note == "调整"
    assert entries[0].operation == entries[1].operation
    assert audit.verify()[1] is None


@pytest.mark.django_db
def test_booleans_show_as_yes_or_no_on_the_log_tab(login, tree, users):
    person = tree.people.zhangsan
    with audit.operation(person, "update") as op:
        op.fact("照片", False, old=True)
    page = login(users.secretary).get(f"/people/{person.pk}/?tab=log").content.decode()
    assert "否" in page and "False" not in page and "True" not in page


@pytest.mark.django_db
def test_the_log_tab_links_to_the_whole_operation(login, tree, users):
    with audit.operation(tree.b1, "import", note="一次操作") as op:
        for person in (tree.people.zhangsan, tree.people.lisi):
            person.phone = "13900000010"
            person.save()
    from zugong.accounts.models import User

    # The record's own log tab (for who may change it) shows the entry; the whole operation is in the global
    # log, which only the security auditor reads (三员分立).
    client = login(users.taiyuan)
    page = client.get(f"/people/{tree.people.zhangsan.pk}/?tab=log").content.decode()
    assert "139****0010" in page and "13900000010" not in page and "同一操作的全部记录" not in page
    assert client.get("/core/audit/", {"operation": op.id}).status_code == 403
    auditor = User.objects.create_user(username="auditor", password="Zg-test-pass-2026", duty="auditor")
    listing = login(auditor).get("/core/audit/", {"operation": op.id})
    assert listing.context["table"].paginator.count == 3


def test_the_log_tab_is_for_those_who_may_change_the_record(login, tree, users):
    with audit.operation(tree.people.zhangsan, "update") as op:
        op.fact("电话", "13900000011")
    url = f"/people/{tree.people.zhangsan.pk}/?tab=log"
    assert "13900000011" in login(users.secretary).get(url).content.decode()
    page = login(users.reader).get(url).content.decode()
    assert "13900000011" not in page and "只向可修改该记录的用户显示" in page
