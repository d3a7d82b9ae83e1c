"""Incremental re-judging: a record changed through a service is judged again at once by the rules that read it
(its finding opens or resolves without a scan), at one query per affected rule whatever the number of rows."""

import pytest
from django.apps import apps

from zugong.core import rules

pytestmark = pytest.mark.django_db


def test_every_rule_reads_real_fields():
    """Each `Reads`: the changed model exists, `value` is one of its columns, `key` one of the judged model's or a
    lookup across relations that resolves on it (`contacts__person__membership__pk`)."""
    for rule in rules.RULES.values():
        judged = {f.attname for f in rule.model_class._meta.concrete_fields} | {"pk"}
        for reads in rule.reading:
            model = apps.get_model(reads.model)
            assert reads.value in {f.attname for f in model._meta.concrete_fields} | {"pk"}, (rule.code, reads)
            if "__" in reads.key:
                str(rule.model_class.objects.unrestricted().filter(**{f"{reads.key}__in": [0]}).query)  # FieldError
            else:
                assert reads.key in judged, (rule.code, reads)
