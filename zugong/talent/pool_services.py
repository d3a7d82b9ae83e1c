"""The talent pool's operations: a talent created by 认定 (`create_talent`, inside the recognition step's
operation), the support-period steps of the application chain (津贴发放, 年度/期满考核, 续支, 退出; registered in
`actions.ACTIONS`), imported talents, tags."""

from __future__ import annotations

from zugong.core.dates import add_years

from .models import Talent


def create_talent(op, application, on):
    """The talent recognised by `application` on `on` (its support period from the edition), saved in the
    caller's operation `op` (the 认定 step)."""
    edition = application.edition
    talent = Talent(organization=application.organization, person=application.person, application=application,
                    program_id=edition.program_id, edition=edition, tier=application.tier,
                    tier_name=application.tier.name, field=application.field, unit=application.unit,
                    unit_name=application.unit_name, since=on, until=add_years(on, edition.support_years))
    talent.save()
    op.fact("认定", f"入选{edition.program.name}（{application.tier.name}），支持期至{talent.until:%Y-%m-%d}",
            field="talent")
    return talent
