from django import template

register = template.Library()

_CLASSES = {"select": "form-select", "selectmultiple": "form-select", "checkbox": "form-check-input",
            "clearablefile": "form-control", "file": "form-control"}


@register.filter
def tabler(field):
    """Render a form field's widget with Tabler's classes (and is-invalid when it has errors)."""
    css = _CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def masked_id(number: str) -> str:
    """An ID number with the birth date hidden, as lists and pages show it (`core.pii.mask_id`)."""
    from zugong.core.pii import mask_id

    return mask_id(number)


@register.filter
def masked_phone(phone: str) -> str:
    """A phone number as lists and pages show it: 138****5678 (`core.pii.mask_phone`)."""
    from zugong.core.pii import mask_phone

    return mask_phone(phone)


@register.filter
def audit_value(value):
    """A value of a logged change as users read it (是/否 for booleans, also in entries written before)."""
    from zugong.core.audit import shown

    return shown(value)
