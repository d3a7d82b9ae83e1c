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
                       "phone": (None, "13912345678")}
    page = client.get(f"/people/{person.pk}/?tab=log").content.decode()
    assert "13912345678" in page and "b1_sec" in page


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
