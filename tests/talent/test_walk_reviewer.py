"""The walk's finding: a reviewer (no 人才工程 menu) finds their score sheets on the 工作台."""

import pytest

from .review_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_the_reviewers_workbench_lists_their_sheets(review, users, login):
    from zugong.talent import review_services
    from zugong.talent.models import Assignment

    review_services.assign_round(users.admin, review.round)
    review_services.open_round(users.admin, review.round)
    mine = Assignment.objects.unrestricted().filter(expert__user=review.reviewer)
    assert mine.exists()
    page = login(review.reviewer).get("/").content.decode()
    assert "专家评审打分" in page
    for a in mine:
        assert f"/talent/reviews/{a.pk}/" in page
    other = Assignment.objects.unrestricted().exclude(expert__user=review.reviewer).first()
    assert f"/talent/reviews/{other.pk}/" not in page
