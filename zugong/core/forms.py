"""Form pieces shared by every domain: scoped pickers and mapping service errors onto fields."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse


class PickerSelect(forms.Select):
    """A select that renders only the chosen option; the rest are fetched, scoped, as the user types."""

    def __init__(self, url, attrs=None):
        super().__init__(attrs={"data-picker-url": url, "class": "form-select", **(attrs or {})})

    def optgroups(self, name, value, attrs=None):
        chosen = {str(v) for v in value if v not in (None, "")}
        if not chosen:
            return []
        qs = self.choices.queryset.filter(pk__in=chosen)
        options = [self.create_option(name, obj.pk, self.choices.field.label_from_instance(obj), True, i)
                   for i, obj in enumerate(qs)]
        return [(None, options, 0)]


class OrganizationPicker(forms.ModelChoiceField):
    """Choose an organization among those the user may act on (`action`), searched by name or code."""

    def __init__(self, *args, action="view", **kwargs):
        from zugong.orgs.models import Organization

        self.action = action
        kwargs.setdefault("queryset", Organization.objects.none())
        kwargs.setdefault("error_messages", {"invalid_choice": "所选组织不存在或不在您的管辖范围内"})
        super().__init__(*args, **kwargs)
        self.widget = PickerSelect("")
        self.widget.choices = self.choices

    def bind(self, user):
        from zugong.orgs.models import Organization

        self.queryset = Organization.objects.visible_to(user, self.action).active()
        self.widget.choices = self.choices
        self.widget.attrs["data-picker-url"] = reverse("orgs:picker") + f"?action={self.action}"

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def errors_dict(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
