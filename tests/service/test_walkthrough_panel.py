"""Defects the browser walk (test_walkthrough_browser.py) found between the areas, checked without a browser."""

import pytest
from django.urls import reverse

from zugong.service import satisfaction_services as services

from .satisfaction_fixtures import *  # noqa: F403
from .satisfaction_fixtures import make_done_task


@pytest.mark.django_db
def test_the_panel_offers_close_only_to_who_may_close_now(login, tree, users, service_config):
    """While the round is under way a secretary (who cannot close without a passed round) sees no 销号 button
    leading to a page that refuses; an organization admin (who may close with a reason) does; after the round
    passes, the secretary does."""
    task, survey = make_done_task(tree.b1)
    url = reverse("service:satisfaction_panel", args=[task.pk])
    assert 'id="survey-close"' not in login(users.secretary).get(url).content.decode()
    assert 'id="survey-close"' in login(users.taiyuan).get(url).content.decode()
    code = services.issue_codes(users.secretary, survey)[0]
    services.answer(code.code, "satisfied")
    assert 'id="survey-close"' in login(users.secretary).get(url).content.decode()


@pytest.mark.django_db
def test_the_start_page_has_one_title(login, tree, users):
    body = login(users.secretary).get(reverse("service:index")).content.decode()
    assert body.count("我为群众办实事</h2>") == 1 and 'class="page-header"><h2' not in body


@pytest.mark.django_db
def test_the_extension_decision_renders_its_choice_as_radios(login, tree, users, service_config):
    """同意 / 不同意 as Tabler radios (checked: 同意), not a radio group styled as a text box."""
    import datetime as dt

    from zugong.core.casework.services import StepRecord
    from zugong.service import tasks_services
    from zugong.service.models import UrgencyClass

    task = tasks_services.open_task(users.secretary, tree.b1, title="修缮路灯", received_on=dt.date(2026, 11, 16),
                                    urgency=UrgencyClass.objects.get(code="limited")).case
    tasks_services.request_extension(users.secretary, task, StepRecord(on=dt.date(2026, 11, 18)), workdays=5,
                                     reason="材料未到")
    body = login(users.admin).get(reverse("service:step", args=[task.pk]) + "?step=extension_decision").content.decode()
    assert 'class="form-check-input" name="approved" value="1" id="id_approved_0" checked' in body
    assert 'name="approved" value="0"' in body and 'class="form-control" id="id_approved"' not in body
