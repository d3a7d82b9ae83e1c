"""The OpenAPI schema matches the responses (issue 12, finding 9: blank strings outside the enums of
`probation_result`, `team_role`, `committee_post`; `appointed_on` and `full_title` declared required where they
are not sent). zugong/core/api_schema.py. tests/api/test_fuzz.py checks every operation's real answers."""

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _allowed(schema, node) -> set:
    """The values an enum property admits (following $ref, oneOf/anyOf/allOf and `nullable`)."""
    node = _resolve(schema, node)
    values = set(node.get("enum", []))
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in node.get(key, []):
            values |= _allowed(schema, sub)
    if node.get("nullable"):
        values.add(None)
    return values


def _response(schema, path, method="get", code="200"):
    body = schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]
    body = _resolve(schema, body)
    if "results" in body.get("properties", {}):  # a page: its items
        body = _resolve(schema, body["properties"]["results"]["items"])
    return body


def _property(schema, path, *names):
    node = _response(schema, path)
    for name in names:
        node = _resolve(schema, node)
        if node.get("type") == "array":
            node = _resolve(schema, node["items"])
        node = node["properties"][name]
    return node


@pytest.mark.parametrize(("path", "names"), [
    ("/api/appointments/cases/{id}/", ("probation_result",)),
    ("/api/dispatch/dispatches/{id}/", ("team_role",)),
    ("/api/members/{id}/", ("committee_post",)),
])
def test_a_choice_that_may_be_blank_admits_the_blank(schema, path, names):
    allowed = _allowed(schema, _property(schema, path, *names))
    assert "" in allowed and len(allowed) > 2, allowed


def test_two_serializers_of_one_name_are_two_components(schema):
    recruitment = _response(schema, "/api/recruitment/cases/{id}/")
    appointments = _response(schema, "/api/appointments/cases/{id}/")
    assert "appointed_on" in appointments["required"]
    assert "appointed_on" not in recruitment["properties"]
    assert "stage" in recruitment["required"]
    team_post = _resolve(schema, _property(schema, "/api/teams/{id}/", "posts")["items"])
    assert "full_title" not in team_post["properties"]
    assert {"vacancies", "holders"} <= set(team_post["required"])


def test_every_error_answer_is_documented(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            codes = set(operation["responses"])
            if operation.get("security") != [] and {"cookieAuth": []} in operation.get("security", []):
                assert {"401", "403"} <= codes, (method, path, codes)
            if "{" in path:
                assert "404" in codes, (method, path, codes)
            takes_query = any(p["in"] == "query" for p in operation.get("parameters", []))
            if method in ("post", "patch", "put") or (method == "get" and takes_query):
                assert "400" in codes, (method, path, codes)


def test_query_parameters_are_typed_as_they_are_checked(schema):
    params = {p["name"]: p for p in schema["paths"]["/api/elections/"]["get"]["parameters"]}
    assert params["year"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 9999}
    assert params["year"]["allowEmptyValue"] is True
    assert params["page"]["schema"]["minimum"] == 1
    params = {p["name"]: p for p in schema["paths"]["/api/appointments/observations/"]["get"]["parameters"]}
    assert params["cadre"]["schema"] == {"type": "integer", "minimum": -2**63, "maximum": 2**63 - 1}
