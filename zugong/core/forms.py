"""Form pieces shared by every domain: scoped pickers and mapping service errors onto fields.

The pickers themselves live with what they pick (`zugong.orgs.fields.OrganizationPicker`,
`zugong.people.fields.PersonPicker`), built on `ScopedPicker`."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.urls import reverse

from . import versions


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


class VersionedFormMixin:
    """No lost updates (`zugong.core.versions`): an edit form carries the version of the record it was opened on
    in the hidden field `record_version`, and a save whose record changed since is refused before anything is
    written, naming each field changed meanwhile (the value now stored, who set it and when, the value submitted).

    Put it first among the bases of every form that edits a record: a ModelForm edits its `instance`; a plain
    form names the record it edits with `record=` (`MeetingForm(…, record=meeting)`). A form creating a record
    (no pk) carries nothing. The refused form comes back with the current version and, for the fields its user
    had not touched, the current values, so saving it again keeps the other user's change.
    """

    version_field = "record_version"

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version_record = record if record is not None else getattr(self, "instance", None)
        self.version_conflicts = []
        if self.version_record is not None and self.version_record.pk is not None:
            self.fields[self.version_field] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.initial[self.version_field] = versions.token(self.version_record)

    @property
    def versioned(self) -> bool:
        return self.version_field in self.fields

    def _post_clean(self):
        if self.versioned:
            self.cleaned_data.pop(self.version_field, None)
            self._check_version()
        super()._post_clean()

    def _submitted(self) -> dict:
        names = {f.name for f in versions.tracked_fields(type(self.version_record))}
        return {name: value for name, value in self.cleaned_data.items() if name in names}

    def _check_version(self) -> None:
        record = self.version_record
        sent = self.data.get(self.add_prefix(self.version_field), "")
        stored = versions.current(record)
        if stored is None:
            self.add_error(None, "保存未成功：该记录已被他人删除。")
            return
        now = versions.token(stored)
        if sent == now:
            versions.expect(record, now)  # checked again, locked, when the record is saved
            return
        read = versions.parse(sent, type(record))
        submitted = self._submitted()
        self.version_conflicts = versions.conflicts(stored, read, submitted)
        self.add_error(None, versions.STALE if read is not None else versions.MISSING)
        for c in self.version_conflicts:
            if c.field in self.fields and c.field in self.cleaned_data:
                self.add_error(c.field, c.text())
            else:
                self.add_error(None, c.text())
        if read is None:
            return  # no version: the user reopens the page (it shows the stored values)
        self.add_error(None, versions.AGAIN)
        # Carry on from the stored version: the untouched fields show the other user's values.
        data = self.data.copy()
        data[self.add_prefix(self.version_field)] = now
        for c in self.version_conflicts:
            if c.field in submitted and versions.unchanged_by_user(stored, read, c.field, submitted[c.field]):
                # what the form shows for the stored record (its initial: e.g. a phone number masked), else the value
                shown = self.initial[c.field] if c.field in self.initial else getattr(stored, c.field)
                _put(data, self[c.field], shown)
        self.data = data


def _put(data, bound, value) -> None:
    """Show `value` in a bound field (a refused form showing the stored value)."""
    if isinstance(bound.field, forms.FileField):
        return
    value = bound.field.prepare_value(value.pk if isinstance(value, models.Model) else value)
    if isinstance(bound.field.widget, forms.CheckboxInput):
        if value:
            data[bound.html_name] = "on"
        else:
            data.pop(bound.html_name, None)
    elif isinstance(value, (list, tuple)):
        data.setlist(bound.html_name, [str(v) for v in value])
    else:
        data[bound.html_name] = "" if value is None else str(value)
