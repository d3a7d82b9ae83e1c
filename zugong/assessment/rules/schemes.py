"""Rules (regulations as code) of classified assessment of regions and units (分类考核): none yet — a scheme's
weights and methods are checked when it is imported (`importers/schemes.py`, `schemes_services.check_scheme`),
so no wrong scheme is stored. The record pages of the audit log and findings are registered here."""

from zugong.core import rule_views

rule_views.RECORD_URLS["assessment.scheme"] = "assessment:scheme"
rule_views.RECORD_URLS["assessment.unitresult"] = "assessment:scheme_result"
