"""Scoring, trimmed means, pending results until published, and the reviewer's own pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from .review_fixtures import *  # noqa: F403

D = dt.date


def test_trimmed_mean_drops_highest_and_lowest():
    from zugong.talent.review_services import trimmed_mean

    mean, kept, trimmed = trimmed_mean([Decimal(x) for x in ("90", "60", "80", "70", "99")], 1, 1)
    assert trimmed and kept == [70, 80, 90] and mean == Decimal("80.00")
    # three scores with one dropped each way would leave one: the plain mean of all
    mean, kept, trimmed = trimmed_mean([Decimal(x) for x in ("90", "60", "81")], 1, 1)
    assert not trimmed and mean == Decimal("77.00")


def _open(review, users):
    from zugong.talent import review_services

    review_services.assign_round(users.taiyuan, review.round)
    review_services.open_round(users.taiyuan, review.round)


def _sheet(app, value):
    from zugong.talent.review_services import criteria_for

    return {c.pk: (value, "") for c in criteria_for(app)}


def test_scores_close_and_publish(review, users):
    from zugong.talent import review_services
    from zugong.talent.models import Application, Assignment, Expert

    _open(review, users)
    from tests.conftest import make_user

    for e in Expert.objects.unrestricted().filter(user=None):
        e.user = make_user(f"rv{e.pk}", review.apps.zhang.organization, "readonly")
        e.save()
    rows = list(Assignment.objects.unrestricted().select_related("expert__user", "application", "round")
                .order_by("application_id", "pk"))
    reviewer_of = {a.pk: a.expert.user for a in rows}
    # a score out of range is refused, naming the criterion
    a0 = rows[0]
    bad = _sheet(a0.application, 120)
    with pytest.raises(ValidationError) as exc:
        review_services.submit_scores(reviewer_of[a0.pk], a0, bad, "")
    assert "0至100" in str(exc.value)
    with pytest.raises(PermissionDenied):
        review_services.submit_scores(users.taiyuan, a0, _sheet(a0.application, 80), "")
    with pytest.raises(ValidationError):  # not all submitted yet
        review_services.close_round(users.taiyuan, review.round)
    for n, a in enumerate(rows):  # 张三: 70, 71, 72 (mean 71); 李四: 73, 74, 75 (mean 74)
        review_services.submit_scores(reviewer_of[a.pk], a, _sheet(a.application, 70 + n), "好")
    a0.refresh_from_db()
    assert a0.total == Decimal("70.00")
    results = review_services.close_round(users.taiyuan, review.round)
    by_app = {r.application.pk: r for r in results}
    first, second = sorted([review.apps.zhang.pk, review.apps.li.pk])
    assert by_app[first].score == Decimal("71.00") and by_app[first].rank == 2
    assert by_app[second].score == Decimal("74.00") and by_app[second].rank == 1
    app = Application.objects.unrestricted().get(pk=review.apps.zhang.pk)
    assert app.review_score is None  # pending: nothing on the application
    review_services.publish_round(users.taiyuan, review.round, D(2026, 6, 1))
    app.refresh_from_db()
    assert app.review_score is not None and app.status == "reviewed"
    review.round.refresh_from_db()
    assert review.round.status == "published"


def test_reviewer_sees_only_own_assignments(review, users, login, client):
    from zugong.talent.models import Assignment

    _open(review, users)
    mine = Assignment.objects.unrestricted().filter(expert=review.experts[0])
    others = Assignment.objects.unrestricted().exclude(expert=review.experts[0])
    assert mine.exists() and others.exists()
    login(review.reviewer)
    page = client.get(reverse("talent:my_reviews"))
    assert page.status_code == 200
    for a in mine:
        assert client.get(reverse("talent:review_sheet", args=[a.pk])).status_code == 200
        assert reverse("talent:review_sheet", args=[a.pk]) in page.content.decode()
    for a in others:
        assert client.get(reverse("talent:review_sheet", args=[a.pk])).status_code == 404
    login(users.datong)
    for a in mine:
        assert client.get(reverse("talent:review_sheet", args=[a.pk])).status_code == 404


def test_reviewer_submits_and_declares_through_the_page(review, users, login, client):
    from zugong.talent.models import Assignment
    from zugong.talent.review_services import criteria_for

    _open(review, users)
    mine = list(Assignment.objects.unrestricted().filter(expert=review.experts[0]).select_related("application"))
    login(review.reviewer)
    a = mine[0]
    data = {"action": "score", "comment": "业绩突出"}
    for c in criteria_for(a.application):
        data[f"score_{c.pk}"] = "80"
    response = client.post(reverse("talent:review_sheet", args=[a.pk]), data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.total == Decimal("80.00") and a.submitted_at


def test_reviewer_declares_a_conflict_and_is_replaced(review, users, login, client):
    from zugong.talent.models import Assignment, Conflict

    _open(review, users)
    b = Assignment.objects.unrestricted().filter(expert=review.experts[0]).select_related("application").first()
    login(review.reviewer)
    response = client.post(reverse("talent:review_sheet", args=[b.pk]), {"action": "declare",
                                                                          "reason": "系申报人的同学"})
    assert response.status_code == 302
    assert not Assignment.objects.unrestricted().filter(pk=b.pk).exists()
    assert Conflict.objects.unrestricted().filter(expert=review.experts[0], application=b.application,
                                                  declared=True).exists()
    assert Assignment.objects.unrestricted().filter(application=b.application).count() == 3


def test_round_page_and_pool_pages(review, users, login, client):
    login(users.taiyuan)
    assert client.get(reverse("talent:experts")).status_code == 200
    assert client.get(reverse("talent:experts") + "?export=xlsx").status_code == 200
    assert client.get(reverse("talent:expert", args=[review.experts[0].pk])).status_code == 200
    assert client.get(reverse("talent:rounds")).status_code == 200
    url = reverse("talent:round", args=[review.round.pk])
    assert client.post(url, {"action": "assign"}).status_code == 302
    page = client.get(url).content.decode()
    assert "太原理工大学" in page and "已分配" in page
    login(users.datong)
    assert client.get(url).status_code == 404
    assert client.get(reverse("talent:expert", args=[review.experts[0].pk])).status_code == 404
