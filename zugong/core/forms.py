"""Form pieces shared by every domain: scoped pickers and mapping service errors onto fields.

The pickers themselves live with what they pick (`zugong.orgs.fields.OrganizationPicker`,
`zugong.people.fields.PersonPicker`), built on `ScopedPicker`."""

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


class ScopedPicker(forms.ModelChoiceField):
    """A choice among the records the user may act on, fetched as the user types (the JSON view `url_name`
    answers {"results": [{"id", "text"}]}). A subclass sets `model` and `invalid_choice`; a form calls
    `bind(user)` before use (until then nothing is valid).

        class CadrePicker(ScopedPicker):
            model, url_name = Cadre, "teams:cadre_picker"
            invalid_choice = "所选干部不存在或不在您的管辖范围内"
    """

    model = None
    url_name = ""
    invalid_choice = "所选记录不存在或不在您的管辖范围内"

    def __init__(self, *args, action="view", url_name=None, **kwargs):
        self.action = action
        self.url_name = url_name or self.url_name
        kwargs.setdefault("queryset", self.model.objects.none())
        kwargs.setdefault("error_messages", {"invalid_choice": self.invalid_choice})
        super().__init__(*args, **kwargs)
        self.widget = PickerSelect("")
        self.widget.choices = self.choices

    def visible(self, user):
        """The records the user may choose."""
        return self.model.objects.visible_to(user, self.action)

    def picker_url(self) -> str:
        return reverse(self.url_name)

    def bind(self, user):
        self.queryset = self.visible(user)
        self.widget.choices = self.choices
        self.widget.attrs["data-picker-url"] = self.picker_url()


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def errors_dict(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
