"""Incremental re-judging: a record changed through a service is judged again at once by the rules that read it
(its finding opens or resolves without a scan), at one query per affected rule whatever the number of rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.core import rules
from zugong.core.dates import add_months
from zugong.core.models import Finding
from zugong.members import dues, services as member_services

pytestmark = pytest.mark.django_db


def open_codes(obj):
    return set(Finding.objects.unrestricted().open().filter(model=obj._meta.label_lower, object_id=obj.pk)
               .values_list("rule", flat=True))


def test_paying_dues_through_the_service_resolves_the_finding_without_a_scan(users, members):
    m = members.zhangsan
    rules.scan("", rules=[rules.RULES["members.dues_unpaid_six_months"]])
    assert "members.dues_unpaid_six_months" in open_codes(m)
    last_due = dues.last_due_month(timezone.localdate())
    member_services.record_payments(users.admin, m, first_month=add_months(last_due, -5), last_month=last_due,
                                    amount=Decimal("20.00"), paid_on=timezone.localdate())
    assert "members.dues_unpaid_six_months" not in open_codes(m)  # the operation's end re-judged it
    assert "members.dues_unpaid_six_months" in open_codes(members.lisi)  # other members untouched


def test_a_single_save_is_re_judged_when_it_commits(users, members, django_capture_on_commit_callbacks):
    m = members.zhangsan
    with django_capture_on_commit_callbacks(execute=True):
        member_services.update_member(users.admin, m, dues_base=None)
    assert "members.dues_base_missing" in open_codes(m)
    with django_capture_on_commit_callbacks(execute=True):
        member_services.update_member(users.admin, m, dues_base=Decimal("5000.00"))
    assert "members.dues_base_missing" not in open_codes(m)
    finding = Finding.objects.unrestricted().get(rule="members.dues_base_missing", object_id=m.pk)
    assert finding.resolved_at is not None


def test_rejudging_costs_the_same_queries_for_few_or_many_rows(members):
    """One check per affected rule, not per row: 1 or 5 memberships changed cost the same number of queries."""
    from zugong.members.models import Membership

    everyone = list(Membership.objects.unrestricted().values_list("pk", flat=True))
    assert len(everyone) == 5
    selected = [r for r in rules.all_rules() if r.model == "members.Membership"]

    def cost(pks):
        changes = {"members.duespayment": {"membership_id": set(pks), "pk": {10**9}}}
        with CaptureQueriesContext(connection) as ctx:
            rules.rejudge(changes, rules=selected)
        return len(ctx.captured_queries)

    assert cost(everyone[:1]) == cost(everyone)
    # A change no rule reads costs nothing.
    with CaptureQueriesContext(connection) as ctx:
        rules.rejudge({"people.unknown": {"pk": {1}}}, rules=selected)
    assert len(ctx.captured_queries) == 0
