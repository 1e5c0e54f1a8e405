from __future__ import annotations

from django import forms

from budget.accessibility.models import AccessibilityStatement


class StatementForm(forms.ModelForm):
    class Meta:
        model = AccessibilityStatement
        fields = [
            "entity",
            "level",
            "rate",
            "rgaa_version",
            "audited_by",
            "established_on",
            "non_compliant",
            "derogations",
            "exempt",
            "technologies",
            "test_environment",
            "tested_pages",
            "contact_email",
            "contact_address",
        ]
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in ("non_compliant", "derogations", "exempt", "tested_pages")
            },
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in ("technologies", "test_environment", "contact_address")
            },
        }
