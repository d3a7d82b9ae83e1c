"""Training sign-in benchmark: 500 trainees sign in to one session within one minute through the real phone pages
(target: the sign-in page's p95 ≤ 300 ms).

Runs on its own database, never on the province seed: a fresh SQLite file in a temporary folder, or, when
DATABASE_URL is PostgreSQL, a fresh database `<bench db>_training_signin` on the same server (dropped at the end).
Data: one class of 500 enrolled people (encrypted ID numbers, as the people app stores them) and a session today.
Each trainee, from an address of their own, opens the QR code's address with the current token (GET, the name form)
and posts 姓名 + 公民身份号码后六位 (POST, the sign-in: the keyed-hash lookup, the event, the attendance and its
audit entry), through the full Django stack (the test client) from BENCH_SIGNIN_THREADS threads (default 8), the
sign-ins spread evenly over BENCH_SIGNIN_SECONDS (default 60), after one untimed page per thread (a warm server).
Prints p50/p95/max per request kind; checks that 500 trainees are present. Numbers are printed, not asserted.

    python bench/training_signin_bench.py
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import re
import statistics
import threading
import time

from scratch import run_on_scratch  # bench/scratch.py (the script's folder is on sys.path)

N = int(os.environ.get("BENCH_SIGNIN_TRAINEES", "500"))
SECONDS = float(os.environ.get("BENCH_SIGNIN_SECONDS", "60"))
THREADS = int(os.environ.get("BENCH_SIGNIN_THREADS", "8"))
PASS = re.compile(r'name="pass" value="([^"]+)"')


def main() -> None:
    run_on_scratch("training_signin", lambda _tmp, db: run(db))


def _seed():
    from decimal import Decimal

    from django.utils import timezone

    from zugong.orgs.models import Organization
    from zugong.people.idnumber import make_id_number
    from zugong.people.models import Person
    from zugong.training.defaults import signin as defaults
    from zugong.training.models import Enrolment, Session, TrainingClass

    root = Organization.objects.add_root(instance=Organization(name="中共某省委员会", code="90", kind="committee"))
    city = Organization.objects.add_child(root, instance=Organization(name="中共某市委员会", code="9001",
                                                                      kind="committee"))
    defaults.install(root)
    people = []
    for i in range(N):
        birth = dt.date(1965 + i % 30, 1 + i % 12, 1 + i % 28)
        p = Person(organization=city, name=f"学员{i:03d}", sex="1" if i % 2 else "2", birth_date=birth,
                   id_number=make_id_number("140105", birth, 100 + i % 800))
        p.refresh_derived()
        people.append(p)
    Person.objects.bulk_create(people, batch_size=500)
    today = timezone.localdate()
    klass = TrainingClass.objects.create(organization=city, code="BENCH-01", name="基准测试集中轮训班", kind="rotation",
                                         starts_on=today, ends_on=today, total_hours=Decimal("6"))
    people = list(Person.objects.unrestricted().filter(organization=city).order_by("pk"))
    Enrolment.objects.bulk_create([Enrolment(training_class=klass, person=p, org_path=klass.org_path, confirmed=True)
                                   for p in people])
    session = Session.objects.create(training_class=klass, on=today, topic="基准测试专题", hours=Decimal("3"))
    return session, [(p.name, p.id_number[-6:]) for p in people]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run(db: str) -> None:
    from django.db import connection, connections
    from django.test import Client
    from django.urls import reverse

    from zugong.training import signin_tokens as tokens
    from zugong.training.models import Attendance, SignIn

    t = time.perf_counter()
    session, trainees = _seed()
    print(f"[{db}] training sign-in: {N} trainees enrolled in {time.perf_counter() - t:.1f} s", flush=True)
    connection.close()
    work: queue.Queue = queue.Queue()
    for i, trainee in enumerate(trainees):
        work.put((i, trainee))
    opened: list[float] = []
    signed: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.5
    interval = SECONDS / max(1, N)

    def worker():
        client = Client()
        client.get(reverse("training:signin_code"))  # a warm server: this thread's connection and templates
        while True:
            try:
                i, (name, tail) = work.get_nowait()
            except queue.Empty:
                break
            wait = start + i * interval - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            ip = f"10.{i // 250}.{i % 250 + 1}.{7}"
            token = tokens.qr_token(session.pk, tokens.window_of(30))
            t0 = time.perf_counter()
            page = client.get(reverse("training:signin_qr", args=[token]), REMOTE_ADDR=ip)
            t1 = time.perf_counter()
            found = PASS.search(page.content.decode())
            if not found:
                with lock:
                    failures.append(f"{name}: no form ({page.status_code})")
                continue
            done = client.post(reverse("training:signin_submit"), {"pass": found.group(1), "name": name,
                                                                    "tail6": tail}, REMOTE_ADDR=ip)
            t2 = time.perf_counter()
            with lock:
                opened.append(t1 - t0)
                signed.append(t2 - t1)
                if "签到成功" not in done.content.decode():
                    failures.append(f"{name}: not signed in ({done.status_code})")
        connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - start
    present = Attendance.objects.unrestricted().filter(session=session, status="present").count()
    events = SignIn.objects.unrestricted().filter(session=session, accepted=True).count()
    print(f"[{db}] training sign-in: {len(signed)} sign-ins in {wall:.1f} s from {THREADS} threads; "
          f"{present} present, {events} accepted events, {len(failures)} failures", flush=True)
    for label, values in (("QR page (GET, the name form)", opened), ("sign-in (POST)", signed)):
        if values:
            print(f"[{db}] training sign-in: {label:<30} p50 {statistics.median(values) * 1000:6.0f} ms   "
                  f"p95 {_pct(values, 0.95) * 1000:6.0f} ms   max {max(values) * 1000:6.0f} ms "
                  f"(target p95 ≤ 300 ms)", flush=True)
            import harness

            harness.record(f"training sign-in: {label}", round(_pct(values, 0.95) * 1000, 1), target=300,
                           stat="p95", p50=round(statistics.median(values) * 1000, 1),
                           p95=round(_pct(values, 0.95) * 1000, 1), samples=len(values), own_db=True)
    for f in failures[:5]:
        print(f"[{db}] training sign-in: failure: {f}")


if __name__ == "__main__":
    main()
