"""Training forms: sign-in (the rules, the phone page's forms)."""

from django import forms

from zugong.core.forms import VersionedFormMixin

from ..models import SignInRules


class RulesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SignInRules
        fields = ["name", "window_seconds", "open_before_minutes", "close_after_minutes", "guess_limit",
                  "guess_minutes", "regulation", "active"]

    def clean_window_seconds(self):
        value = self.cleaned_data["window_seconds"]
        if value < 10:
            raise forms.ValidationError("刷新间隔不能少于10秒")
        return value


class CodeForm(forms.Form):
    code = forms.CharField(label="签到码", max_length=12)


class IdentityForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    tail6 = forms.CharField(label="公民身份号码后六位", min_length=6, max_length=6)
