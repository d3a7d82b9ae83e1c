"""The walk's finding: experts without a reviewer account score on paper; the round's staff enter the sheet
(代录), or the round could never close."""

import pytest
from django.urls import reverse

from .review_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _sheet(criteria, value="80"):
    return {**{f"score_{c.pk}": value for c in criteria}, "comment": "代录"}


def test_staff_enter_paper_sheets_and_the_round_closes(review, users, login):
    from zugong.talent import review_services
    from zugong.talent.models import Assignment, ReviewRound

    review_services.assign_round(users.admin, review.round)
    review_services.open_round(users.admin, review.round)
    client = login(users.taiyuan)
    page = client.get(reverse("talent:round", args=[review.round.pk])).content.decode()
    rows = Assignment.objects.unrestricted().filter(round=review.round).select_related("expert", "application")
    paper = [a for a in rows if a.expert.user_id is None]
    own = [a for a in rows if a.expert.user_id is not None]
    assert paper and reverse("talent:assignment_scores", args=[paper[0].pk]) in page
    if own:
        assert reverse("talent:assignment_scores", args=[own[0].pk]) not in page
        r = client.post(reverse("talent:assignment_scores", args=[own[0].pk]),
                        _sheet(review_services.criteria_for(own[0].application)))
        assert "应由本人登录评分" in r.content.decode()
    for a in paper:
        r = client.post(reverse("talent:assignment_scores", args=[a.pk]),
                        _sheet(review_services.criteria_for(a.application)))
        assert r.status_code == 302
    for a in own:
        review_services.submit_scores(a.expert.user, a, {c.pk: "90" for c in review_services.criteria_for(a.application)})
    review_services.close_round(users.taiyuan, review.round)
    assert ReviewRound.objects.unrestricted().get(pk=review.round.pk).status == "closed"


def test_a_city_admin_of_another_city_cannot_enter_scores(review, users, login):
    from zugong.talent import review_services
    from zugong.talent.models import Assignment

    review_services.assign_round(users.admin, review.round)
    review_services.open_round(users.admin, review.round)
    a = Assignment.objects.unrestricted().filter(round=review.round, expert__user=None).first()
    assert login(users.datong).get(reverse("talent:assignment_scores", args=[a.pk])).status_code == 404
