"""Personal data (issue 12, findings 6 and 11): ID numbers and phone numbers encrypted at rest and looked up
through keyed hashes, shown masked unless a user with the right asks for the full value (audited), and a
duplicate ID number registered outside the user's scope answered without saying where, rate-limited."""

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import load_workbook

from tests.conftest import ReadingAPIClient
from zugong.core import jobs
from zugong.core.models import AuditEntry, Job
from zugong.people.idnumber import make_id_number
from zugong.people import search
from zugong.people.models import Person
from tests.workbooks import xlsx as _xlsx

pytestmark = pytest.mark.django_db

DUPLICATE_OUTSIDE = "该公民身份号码已登记，请联系上级组织部门"


def _api(user):
    client = ReadingAPIClient()  # sends back the ETag it read (issue 12, finding 4)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _masked(number):
    return f"{number[:6]}********{number[-4:]}"


# ---------------------------------------------------------------- finding 11: masked for a read-only user


def test_read_only_user_sees_masked_id_numbers_in_lists_the_detail_page_and_the_api(login, tree, users):
    zhangsan = tree.people.zhangsan
    zhangsan.phone = "13812345678"
    zhangsan.save()
    full, masked = zhangsan.id_number, _masked(zhangsan.id_number)
    client = login(users.reader)
    for url in ("/people/", f"/people/{zhangsan.pk}/", f"/search/?q={zhangsan.name}"):
        page = client.get(url).content.decode()
        assert full not in page, url
        assert masked in page, url
        assert "13812345678" not in page, url
    assert "138****5678" in client.get(f"/people/{zhangsan.pk}/").content.decode()
    api = _api(users.reader)
    listed = {p["name"]: p for p in api.get("/api/people/").json()["results"]}
    assert listed["张三"]["id_number"] == masked and listed["张三"]["phone"] == "138****5678"
    one = api.get(f"/api/people/{zhangsan.pk}/").json()
    assert one["id_number"] == masked
    assert full not in api.get("/api/people/", {"search": zhangsan.name}).content.decode()
    # No full view for a read-only user, on the page or through the API.
    assert client.post(f"/people/{zhangsan.pk}/full/").status_code == 403
    assert api.get(f"/api/people/{zhangsan.pk}/full/").status_code == 403


def test_full_values_on_an_audited_request(login, tree, users):
    zhangsan = tree.people.zhangsan
    zhangsan.phone = "13812345678"
    zhangsan.save()
    client = login(users.secretary)
    assert zhangsan.id_number not in client.get(f"/people/{zhangsan.pk}/").content.decode()
    page = client.post(f"/people/{zhangsan.pk}/full/").content.decode()
    assert zhangsan.id_number in page and "13812345678" in page
    entry = AuditEntry.objects.unrestricted().filter(action="查看完整身份证号").get()
    assert entry.object_id == str(zhangsan.pk) and entry.actor_name == users.secretary.username
    body = _api(users.taiyuan).get(f"/api/people/{zhangsan.pk}/full/").json()
    assert body == {"id": zhangsan.pk, "id_number": zhangsan.id_number, "phone": "13812345678"}
    assert AuditEntry.objects.unrestricted().filter(action="查看完整身份证号").count() == 2


def test_export_of_people_is_masked_for_roles_that_do_not_need_the_full_value(login, tree, users):
    zhangsan = tree.people.zhangsan

    def exported(user):
        r = login(user).get("/people/", {"export": "xlsx"})
        assert r.status_code == 200
        ws = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
        rows = list(ws.iter_rows(values_only=True))
        col = rows[0].index("公民身份号码")
        return {row[col] for row in rows[1:]}

    assert _masked(zhangsan.id_number) in exported(users.reader)
    assert _masked(zhangsan.id_number) in exported(users.secretary)
    assert zhangsan.id_number in exported(users.taiyuan)


# ---------------------------------------------------------------- encryption at rest, lookups


def test_id_numbers_and_phones_are_encrypted_at_rest_with_the_key_id(tree):
    zhangsan = tree.people.zhangsan
    zhangsan.phone = "13812345678"
    zhangsan.save()
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM people_person WHERE id = %s", [zhangsan.pk])
        row = [str(v) for v in cur.fetchone()]
        columns = [c[0] for c in cur.description]
    text = " ".join(row)
    assert zhangsan.id_number not in text and zhangsan.id_number[::-1] not in text
    assert "13812345678" not in text and zhangsan.id_number[-4:] not in text.replace(str(zhangsan.pk), "")
    stored = dict(zip(columns, row))
    assert re.fullmatch(r"\d+:[A-Za-z0-9_\-]+", stored["id_number"])  # key id : nonce + ciphertext
    assert "id_rev" not in columns
    # Exact lookups go through the keyed hash.
    assert Person.objects.unrestricted().get(id_number=zhangsan.id_number) == zhangsan
    assert Person.objects.unrestricted().filter(id_number__in=[zhangsan.id_number, "x"]).count() == 1


def test_tail_search_of_every_length(tree):
    zhangsan = tree.people.zhangsan
    qs = Person.objects.unrestricted()
    for n in (4, 5, 6, 8, 12, 17, 18):
        assert list(search.search(qs, zhangsan.id_number[-n:])) == [zhangsan], n
    assert list(search.search(qs, "0000")) == []


def test_rotated_key_keeps_old_rows_readable_and_rekey_moves_them(tree, settings, tmp_path):
    from django.core.management import call_command

    from zugong.core import keys, pii

    shutil.copytree(Path(settings.VAR_DIR) / "keys", tmp_path / "keys")  # rotate a copy of the run's keys
    settings.VAR_DIR = str(tmp_path)
    pii.reset()
    try:
        number = make_id_number("140105", dt.date(1990, 1, 1), 41)
        person = Person.objects.unrestricted().create(
            organization=tree.b1, name="新人", birth_date=dt.date(1990, 1, 1), id_number=number, phone="13900001111")
        old_kid = keys.current("pii")[0]
        kid = keys.rotate("pii")
        keys.rotate("pii-index")
        pii.reset()
        person.refresh_from_db()
        assert person.id_number == number and person.phone == "13900001111"  # the old key still reads
        assert Person.objects.unrestricted().get(id_number=number) == person  # the old index key still finds
        newer = Person.objects.unrestricted().create(
            organization=tree.b1, name="后来", birth_date=dt.date(1990, 1, 1),
            id_number=make_id_number("140105", dt.date(1990, 1, 1), 43))
        with connection.cursor() as cur:
            cur.execute("SELECT id, id_number FROM people_person WHERE id IN (%s, %s)", [person.pk, newer.pk])
            kids = {pk: pii.key_id(text) for pk, text in cur.fetchall()}
        assert kids == {person.pk: old_kid, newer.pk: kid}
        call_command("pii", "rekey", stdout=io.StringIO())
        event = AuditEntry.objects.unrestricted().filter(action="重新加密个人信息").get()
        assert event.category == "security" and "条" in event.note  # the rekey is in the security log
        with connection.cursor() as cur:
            cur.execute("SELECT id_number FROM people_person")
            assert {pii.key_id(text) for (text,) in cur.fetchall()} == {kid}
        assert Person.objects.unrestricted().get(id_number=number) == person
        assert list(search.search(Person.objects.unrestricted(), number[-6:])) == [person]
    finally:
        pii.reset()


# ---------------------------------------------------------------- finding 6: the existence oracle


def test_duplicate_outside_the_scope_does_not_say_where_and_is_rate_limited(login, tree, users, settings):
    settings.PII_DUPLICATE_ANSWERS_PER_HOUR = 3
    outside = tree.people.zhaoliu.id_number  # registered in 大同; taiyuan's admin cannot see it
    client = login(users.taiyuan)
    # The form.
    r = client.post("/people/new/", {"name": "甲", "id_number": outside, "ethnicity": "01",
                                     "organization": tree.b1.pk})
    assert DUPLICATE_OUTSIDE in r.content.decode()
    assert "管辖范围以外" not in r.content.decode()
    # The API.
    api = _api(users.taiyuan)
    body = {"name": "乙", "id_number": outside, "organization": "14010501"}
    r = api.post("/api/people/", body, format="json")
    assert r.json()["id_number"] == [DUPLICATE_OUTSIDE]
    # An import row.
    header = ["姓名", "身份证号", "所在党组织代码"]
    r = client.post("/core/imports/", {"importer": "people", "mode": "all",
                                       "file": SimpleUploadedFile("人员.xlsx", _xlsx([header, ["丙", outside,
                                                                                             "14010501"]]))})
    job = Job.objects.unrestricted().get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
    jobs.run_job.call(job.pk)  # every import runs in the background worker
    job.refresh_from_db()
    assert job.result["errors"] == [f"第2行“身份证号”列：{DUPLICATE_OUTSIDE}"]
    # The fourth answer within the hour is refused.
    r = api.post("/api/people/", body, format="json")
    assert r.status_code == 400
    message = r.json()["id_number"][0]
    assert "过于频繁" in message and "已登记" not in message
    # Past the limit any number is refused, registered or not: the refusal tells nothing.
    fresh = make_id_number("140105", dt.date(1991, 2, 3), 51)
    r = api.post("/api/people/", {**body, "id_number": fresh}, format="json")
    assert r.status_code == 400 and r.json()["id_number"][0] == message
    assert not Person.objects.unrestricted().filter(id_number=fresh).exists()
    # Others are not limited; inside the scope the record is still named (the user may see it anyway).
    r = _api(users.admin).post("/api/people/", {**body, "id_number": tree.people.zhangsan.id_number},
                                format="json")
    assert "张三" in r.json()["id_number"][0]
    # Editing keeps working for the limited user (their person's own number is not checked again).
    r = api.patch(f"/api/people/{tree.people.zhangsan.pk}/", {"native_place": "山西太原"}, format="json")
    assert r.status_code == 200, r.content.decode()


# ---------------------------------------------------------------- migrating existing data


def test_migration_encrypts_existing_rows_and_drops_the_plain_columns(transactional_db, tree):
    from django.db.migrations.executor import MigrationExecutor

    people = [tree.people.zhangsan, tree.people.zhaoliu]
    people[0].phone = "13812345678"
    people[0].save()
    # every app's latest migration: going back to people 0001 also unapplies the apps that depend on people's later
    # migrations (assessment), which must come back too
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("people", "0001_initial")])  # back to plain columns: the rows are decrypted
        with connection.cursor() as cur:
            cur.execute("SELECT id_number, id_rev, phone FROM people_person WHERE id = %s", [people[0].pk])
            assert cur.fetchone() == (people[0].id_number, people[0].id_number[::-1], "13812345678")
            cur.execute("UPDATE people_person SET phone = %s WHERE id = %s", ["0351-1234567", people[1].pk])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)  # forward again: encrypted in batches, hashes filled, id_rev dropped
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM people_person ORDER BY id")
        columns = [c[0] for c in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
    assert "id_rev" not in columns and len(rows) == 5
    for row in rows:
        assert ":" in row["id_number"] and row["id_hash"] and row["id_tail4"] and row["id_tail6"]
    for p in people:
        assert Person.objects.unrestricted().get(id_number=p.id_number).pk == p.pk
    assert Person.objects.unrestricted().get(pk=people[1].pk).phone == "0351-1234567"
    assert list(search.search(Person.objects.unrestricted(), people[1].id_number[-4:])) == [people[1]]


def test_the_sms_number_of_the_reminder_settings_is_encrypted_and_logged_masked(tree, users):
    """Issue 12 (phone numbers encrypted at rest): the reminders' SMS number was a plain column, and the settings'
    audit entry wrote it in full."""
    from zugong.core.models import AuditEntry
    from zugong.notifications import services
    from zugong.notifications.models import Subscriber

    services.save_preferences(users.taiyuan, {}, "13912345678")
    sub = Subscriber.objects.get(user=users.taiyuan)
    assert sub.sms_number == "13912345678"
    with connection.cursor() as cur:
        cur.execute("SELECT sms_number FROM notifications_subscriber WHERE id = %s", [sub.pk])
        stored = cur.fetchone()[0]
    assert "13912345678" not in stored and re.fullmatch(r"\d+:[A-Za-z0-9_\-]+", stored)
    logged = " ".join(str(e.changes) for e in AuditEntry.objects.unrestricted().all())
    assert "13912345678" not in logged and "139****5678" in logged
