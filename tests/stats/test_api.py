"""The statistics API: the editions and their tables, one table's figures (scoped; bad parameters 4xx)."""

import datetime as D

import pytest

from tests.stats.fixtures import member
from zugong.stats import definitions

pytestmark = pytest.mark.django_db


@pytest.fixture
def installed(db):
    definitions.install("2017")


def _client(api_client, user):
    client = api_client()
    client.force_authenticate(user)
    return client


def test_editions_and_their_tables(tree, users, api_client, installed):
    response = _client(api_client, users.taiyuan).get("/api/statistics/tables/")
    assert response.status_code == 200
    body = response.json()
    assert body[0]["edition"] == "2017" and {"number": 2, "title": "党员基本情况"} in body[0]["tables"]


def test_one_tables_figures(tree, users, api_client, installed):
    member(tree.b1, "甲", 21, birth=D.date(1995, 12, 31), person_fields={"occupation_class": "11"})
    member(tree.b2, "乙", 23, person_fields={"occupation_class": "60"})
    member(tree.b3, "丁", 25, area="140213", person_fields={"occupation_class": "11"})
    response = _client(api_client, users.taiyuan).get(
        "/api/statistics/tables/2/?organization=1401&date=2025-12-31&edition=2017")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["table"] == 2 and body["title"] == "党员基本情况"
    assert body["columns"][:2] == ["总数", "预备党员"] and body["columns"][5] == "30岁及以下"
    shipped = definitions.load_table("2017", 2)
    assert len(body["columns"]) == 15 and len(body["rows"]) == len(shipped.rows) >= 23
    assert body["rows"][0]["label"] == "总计" and body["rows"][0]["cells"][0] == 2
    assert body["rows"][3] == {"label": "党政机关工作人员", "group": "公有制单位", "cells": body["rows"][3]["cells"]}
    assert body["rows"][3]["cells"][0] == 1 and body["rows"][0]["cells"][5] == 1
    # default organization (the caller's committee) and date (the last 31 December)
    default = _client(api_client, users.taiyuan).get("/api/statistics/tables/2/").json()
    assert default["organization"] == "1401" and default["date"] == "2025-12-31"
    assert default["rows"] == body["rows"]


def test_scoped_and_bad_parameters_are_refused(tree, users, api_client, installed):
    datong = _client(api_client, users.datong)
    assert datong.get("/api/statistics/tables/2/?organization=1401&date=2025-12-31").status_code == 404
    assert datong.get("/api/statistics/tables/2/?organization=14&date=2025-12-31").status_code == 404
    bad = datong.get("/api/statistics/tables/2/?organization=1402&date=2025-02-30")
    assert bad.status_code == 400 and "不是有效日期" in bad.json()["date"][0]
    for url in ("/api/statistics/tables/99/", "/api/statistics/tables/abc/", "/api/statistics/tables/٣/",
                "/api/statistics/tables/99999999999999999999/", "/api/statistics/tables/2/?edition=1999",
                "/api/statistics/tables/2/?organization=" + "x" * 300, "/api/statistics/tables/2/?organization=14%00",
                "/api/statistics/tables/2/?edition=20%0017"):
        response = datong.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
    assert datong.get("/api/statistics/tables/2/?date=0001-01-01").status_code == 400
    secretary = _client(api_client, users.secretary)  # a branch: no committee of their own
    assert secretary.get("/api/statistics/tables/2/").status_code == 400
    assert api_client().get("/api/statistics/tables/").status_code == 401


def test_the_schema_documents_the_endpoints():
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    detail = schema["paths"]["/api/statistics/tables/{number}/"]["get"]
    assert {"200", "400", "401", "403", "404"} <= set(detail["responses"])
    assert {p["name"] for p in detail["parameters"]} >= {"number", "organization", "date", "edition"}
