"""Incremental re-judging: a record changed through a service is judged again at once by the rules that read it
(its finding opens or resolves without a scan), at one query per affected rule whatever the number of rows."""

import datetime as dt

import pytest

from tests.branchlife.conftest import meeting
from zugong.core import rules
from zugong.core.models import Finding

pytestmark = pytest.mark.django_db


def open_codes(obj):
    return set(Finding.objects.unrestricted().open().filter(model=obj._meta.label_lower, object_id=obj.pk)
               .values_list("rule", flat=True))


def test_deleting_a_judged_row_resolves_its_finding(users, branch, django_capture_on_commit_callbacks):
    from zugong.branchlife.models import Meeting
    from zugong.branchlife.services import delete_meeting

    bad = meeting(branch.org, Meeting.Kind.COMMITTEE, dt.date(2026, 5, 10), expected=4, present=1)
    rules.scan("", rules=[rules.RULES["branchlife.committee_quorum"]])
    assert open_codes(bad) == {"branchlife.committee_quorum"}
    with django_capture_on_commit_callbacks(execute=True):
        delete_meeting(users.admin, bad)
    assert not Finding.objects.unrestricted().open().filter(rule="branchlife.committee_quorum").exists()
