"""/api/teams/: teams with posts, holders and vacancies; scoped; organization filter."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_lists_teams_with_posts_and_vacancies(county, login, users):
    client = login(users.taiyuan)
    r = client.get("/api/teams/?organization=140105")
    assert r.status_code == 200
    data = r.json()
    rows = data["results"] if isinstance(data, dict) else data
    committee = next(t for t in rows if t["name"] == "中共小店区委领导班子")
    deputy = next(p for p in committee["posts"] if p["title"] == "副书记")
    assert deputy["quota"] == 2 and deputy["vacancies"] == 1 and deputy["vacant_from"] == "2025-12-31"
    assert [h["name"] for h in deputy["holders"]] == ["李区长"]
    assert login(users.datong).get(f"/api/teams/{county.committee.pk}/").status_code == 404
    assert login(users.datong).get("/api/teams/?organization=140105").status_code == 400
