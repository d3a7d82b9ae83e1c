"""Forms of the classified assessment (分类考核): the typed-in values of one unit."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from .. import scoring


class ValuesForm(forms.Form):
    """One number per typed-in indicator (empty: no value), with the value the page showed (hidden), so a value
    another user changed meanwhile is refused rather than overwritten (`schemes_services.save_values`)."""

    def __init__(self, *args, indicators, stored, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for ind in indicators:
            row = stored.get(ind.pk)
            shown = scoring.num(row.value) if row else ""
            help_text = f"{ind.get_direction_display()}" + (f"，单位：{ind.unit}" if ind.unit else "")
            self.fields[f"v{ind.pk}"] = forms.DecimalField(
                label=f"{ind.code} {ind.name}", required=False, max_digits=20, decimal_places=6, initial=shown,
                help_text=help_text, widget=forms.NumberInput(attrs={"step": "any", "class": "form-control"}))
            self.fields[f"o{ind.pk}"] = forms.DecimalField(required=False, initial=shown, max_digits=20,
                                                           decimal_places=6, widget=forms.HiddenInput)

    def entered(self) -> dict:
        return {ind: self.cleaned_data.get(f"v{ind.pk}") for ind in self.indicators}

    def expected(self) -> dict[int, Decimal | None]:
        return {ind.pk: self.cleaned_data.get(f"o{ind.pk}") for ind in self.indicators}
