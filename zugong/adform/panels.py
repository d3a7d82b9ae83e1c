"""The 任免审批表 section of the cadre page: export and print buttons, the per-form fields, 到龄年月."""

from zugong.cadres import panels
from zugong.cadres.models import Cadre
from zugong.core import scope

from .models import AdForm
from .retirement import base_age_for, retirement_age


def context(request, cadre) -> dict:
    if request is None or not isinstance(cadre, Cadre):
        return {}
    form = AdForm.objects.visible_to(request.user).filter(cadre=cadre).first()
    person = cadre.person
    base = base_age_for(person.sex, form.pre_reform_age_limit if form else "")
    retire = retirement_age(person.birth_date, base) if person.birth_date and base else None
    return {"adform": form, "retire": retire, "can_change": scope.can(request.user, "change", cadre.org_path)}


panels.register("任免审批表", "adform/cadre_panel.html", context, order=10, key="adform")
