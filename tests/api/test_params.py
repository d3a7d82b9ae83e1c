"""Bad query and path values answer 400 (in Chinese, naming the parameter) or 404, never 500 (issue 12, finding 9:
`?year=0.0`, huge integers in `year=` and `cadre=` gave 500). zugong/core/api_params.py."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # 20 digits: beyond a 64-bit integer


@pytest.fixture
def client(tree):
    from zugong.accounts.models import ScopeGrant, User
    from zugong.core.scope import Role

    admin = User.objects.create(username="province")
    ScopeGrant.objects.create(user=admin, organization=tree.root, role=Role.DEPT_ADMIN)
    api = APIClient()
    api.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return api


def _refused(response, param):
    """400 with a Chinese message under the parameter's name that names it."""
    assert response.status_code == 400, (response.status_code, response.content.decode())
    messages = response.json()[param]
    assert messages and all(f"查询参数 {param}" in m for m in messages), messages
    return messages[0]


@pytest.mark.parametrize("value", ["0.0", "0", "10000", HUGE, f"-{HUGE}", "2024.5", "1e30"])
def test_election_year_out_of_range_is_refused(client, value):
    message = _refused(client.get("/api/elections/", {"year": value}), "year")
    assert message == "查询参数 year（选举年份）：应为 1 至 9999 之间的整数"


def test_election_year_in_range_filters(client):
    assert client.get("/api/elections/", {"year": "2024"}).status_code == 200
    assert client.get("/api/elections/", {"year": "2024.0"}).status_code == 200
    assert client.get("/api/elections/", {"year": ""}).status_code == 200  # empty: no filter


@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "1.5", "abc"])
def test_observation_cadre_id_out_of_range_is_refused(client, value):
    _refused(client.get("/api/appointments/observations/", {"cadre": value}), "cadre")


def test_integer_filters_are_bounded_by_their_column(client):
    assert client.get("/api/appointments/observations/", {"cadre": "9223372036854775807"}).status_code == 200
    _refused(client.get("/api/teams/", {"level": HUGE}), "level")
    _refused(client.get("/api/cadres/", {"level": "2147483648"}), "level")  # rank_level is an IntegerField
    _refused(client.get("/api/standardization/scores/", {"year": HUGE}), "year")
    _refused(client.get("/api/weakorgs/rectifications/", {"year": HUGE}), "year")


def test_booleans_dates_and_choices_are_checked(client):
    assert _refused(client.get("/api/findings/", {"open": "maybe"}), "open").endswith("应为 true 或 false")
    assert client.get("/api/findings/", {"open": "true"}).status_code == 200
    _refused(client.get("/api/branchlife/compliance/", {"compliant": "yes please"}), "compliant")
    _refused(client.get("/api/branchlife/meetings/", {"since": "2024-13-01"}), "since")
    _refused(client.get("/api/elections/", {"kind": "nonsense"}), "kind")


def test_a_filter_methods_error_is_keyed_by_the_parameter(client):
    response = client.get("/api/people/", {"organization": "0000"})
    assert response.status_code == 400
    assert response.json() == {"organization": ["组织代码 0000 不存在或不在您的管辖范围内"]}


def test_cadre_unit_given_as_a_huge_number_matches_nothing(client):
    response = client.get("/api/cadres/", {"unit": HUGE})
    assert response.status_code == 200 and response.json()["count"] == 0
    response = client.get("/api/cadres/", {"unit": "²"})  # a digit Python's int() refuses
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", HUGE])
def test_a_malformed_page_is_refused(client, page):
    assert _refused(client.get("/api/people/", {"page": page}), "page").endswith("应为正整数")


def test_a_page_past_the_last_is_not_found(client):
    response = client.get("/api/people/", {"page": "999"})
    assert response.status_code == 404
    assert response.json()["detail"] == "查询参数 page（页码）：第 999 页不存在"


def test_a_path_id_that_cannot_exist_is_not_found(client):
    from zugong.api_urls import router

    for prefix, _viewset, _basename in router.registry:
        for lookup in (HUGE, "9223372036854775808", "0", "abc", "1.5", "٣"):
            response = client.get(f"/api/{prefix}/{lookup}/")
            assert response.status_code == 404, (prefix, lookup, response.status_code)
            assert response["Content-Type"].startswith("application/json"), (prefix, lookup)


def test_every_api_viewset_checks_its_query_values():
    from django_filters.rest_framework import DjangoFilterBackend

    from zugong.api_urls import router
    from zugong.core.api_params import FilterBackend

    for prefix, viewset, _basename in router.registry:
        django_filter_backends = [b for b in viewset.filter_backends if issubclass(b, DjangoFilterBackend)]
        assert all(issubclass(b, FilterBackend) for b in django_filter_backends), prefix
