"""The bench seeder of the pre-check (`zugong/demo/talent_bench.py`): one application per person, every kind of
condition evaluated, and the refresh stores them all."""

import pytest


@pytest.mark.django_db
def test_the_bench_seeder_and_the_precheck_over_it(tree):
    from zugong.demo.talent_bench import seed_applications
    from zugong.talent import eligibility, precheck_services
    from zugong.talent.models import Application

    edition, written = seed_applications(100)
    assert written == 100  # the tree's five people and 95 plain ones added for the bench
    qs = Application.objects.unrestricted().filter(edition=edition)
    assert all(a.org_path == a.organization.path for a in qs)
    results = eligibility.precheck(qs)
    assert len(results) == 100
    kinds = {c.kind for checks in results.values() for c in checks}
    assert kinds == {"annual_grades", "no_sanction", "years_in_post", "education", "title", "max_age", "min_age",
                     "manual"}
    assert precheck_services.refresh(None, qs) == 100
    assert not qs.filter(precheck_at__isnull=True).exists()
