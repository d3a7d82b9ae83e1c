"""Leadership teams at province scale, against an already seeded database (DATABASE_URL picks it).

Prints (never asserts): the number of cadres, teams, posts and seats; the structure analysis of the whole
province as function calls (the team members: total, by city, by team level; all ~300 thousand cadres: by
city, by rank level), median of BENCH_TEAMS_REPEAT runs; the pages
through the full Django stack (the analysis page of the province and of a city, the team list, a county
team's page); and one scan of the teams' rules. Target: the province's structure analysis within 10 s.
The team list filtered to vacancies goes through the harness (bench/harness.py): the province's pages 1–3
and every city's, the cold first hit, warm median and p95 over BENCH_SAMPLES (default 100) requests, each
answer's count and first row checked against an independent SQL query (bench/checks.py); target median
≤ 300 ms. Every figure goes to var/bench/results-<db>-<date>.json.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

import checks  # noqa: E402
import harness  # noqa: E402
from harness import Page, verify_list  # noqa: E402

from zugong.accounts.models import User  # noqa: E402
from zugong.cadres.models import Cadre  # noqa: E402
from zugong.core import rules  # noqa: E402
from zugong.demo.generate import BENCH_AS_OF as AS_OF  # noqa: E402
from zugong.orgs.models import Organization  # noqa: E402
from zugong.teams import structure  # noqa: E402
from zugong.teams.models import LeadershipTeam, TeamMember, TeamPost  # noqa: E402

REPEAT = int(os.environ.get("BENCH_TEAMS_REPEAT", "3"))


def timed(fn, repeat=REPEAT):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times), result


def main():
    db = django.db.connection.vendor
    root = Organization.objects.unrestricted().get(depth=1)
    teams = LeadershipTeam.objects.unrestricted().count()
    if not teams:
        print(f"[{db}] teams: no leadership teams in this database (run bench/seed_bench.py first)")
        return
    cadres = Cadre.objects.unrestricted().count()
    seats = TeamMember.objects.unrestricted()
    print(f"[{db}] teams: {cadres:,} cadres, {teams:,} teams, {TeamPost.objects.unrestricted().count():,} posts, "
          f"{seats.count():,} seats")
    everyone = Cadre.objects.unrestricted()
    for label, fn in (
        ("team members, province total", lambda: structure.total(seats, AS_OF)),
        ("team members, province by city", lambda: structure.by_child(seats, AS_OF, root.path)),
        ("team members, province by team level", lambda: structure.by_level(seats, AS_OF)),
        ("all cadres, province by city", lambda: structure.by_child(everyone, AS_OF, root.path)),
        ("all cadres, province by rank level", lambda: structure.by_level(everyone, AS_OF)),
        ("all cadres, province by city × rank level", lambda: structure.subtree(everyone, AS_OF, root.path)[0]),
    ):
        median, worst, result = timed(fn)
        n = result.n if hasattr(result, "n") else sum(r.n for r in result.values())
        print(f"[{db}] teams: {label:<44} median {median:6.2f} s   max {worst:6.2f} s   ({n:,} people)")
        harness.record(f"teams: {label}", round(median, 2), unit="s", stat="p50", target=10, samples=REPEAT,
                       people=n)
    city = Organization.objects.unrestricted().filter(depth=2, kind="committee").order_by("path").first()
    county_team = (LeadershipTeam.objects.unrestricted().filter(level=3, kind="party_committee")
                   .order_by("org_path").first())
    client = Client()
    client.force_login(User.objects.get(username="admin"), backend="django.contrib.auth.backends.ModelBackend")
    pages = [
        ("page: analysis, whole province", f"/teams/analysis/?as_of={AS_OF}"),
        ("page: analysis, all cadres of the province", f"/teams/analysis/?who=cadres&as_of={AS_OF}"),
        ("page: analysis, one city", f"/teams/analysis/?org={city.code}&as_of={AS_OF}"),
        ("page: team list, province (first page + count)", "/teams/"),
    ]
    if county_team:
        pages.append(("page: a county committee's team", f"/teams/{county_team.pk}/?as_of={AS_OF}"))
    for label, url in pages:
        def get(url=url):
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)

        median, worst, _ = timed(get)
        print(f"[{db}] teams: {label:<44} median {median:6.2f} s   max {worst:6.2f} s")
        harness.record(f"teams: {label}", round(median * 1000, 1), stat="p50", samples=REPEAT)
    today = timezone.localdate()
    cities = Organization.objects.unrestricted().filter(depth=2, kind="committee").order_by("path")
    vacant = [Page("/teams/?vacant=on" + (f"&page={page}" if page > 1 else ""),
                   lambda page=page: checks.vacant_teams(None, today, page), verify_list, label="全省")
              for page in (1, 2, 3)]
    vacant += [Page(f"/teams/?vacant=on&org={c.code}", lambda c=c: checks.vacant_teams(c.path, today), verify_list,
                    label=c.name) for c in cities]
    harness.measure_pages(client, "teams: page: team list, vacancies only", vacant, target=300, stat="p50",
                          label="teams: page: team list, vacancies only (varied)")
    team_rules = [r for r in rules.all_rules() if r.model.startswith("teams.")]
    t = time.perf_counter()
    try:
        result = rules.scan("", as_of=AS_OF, rules=team_rules)
    except Exception as exc:  # e.g. a trimmed copy of the data without the people the findings point at
        print(f"[{db}] teams: rule scan failed: {exc}")
        return
    harness.record(f"teams: rule scan ({len(team_rules)} rules)", round(time.perf_counter() - t, 2), unit="s")
    print(f"[{db}] teams: rule scan ({len(team_rules)} rules) {time.perf_counter() - t:6.2f} s   "
          + "  ".join(f"{code}={n:,}" for code, n in result.per_rule.items()))


if __name__ == "__main__":
    harness.run(main)
