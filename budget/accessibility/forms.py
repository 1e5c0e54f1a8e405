from __future__ import annotations

from django import forms

from budget.accessibility.models import AccessibilityStatement
from budget.accessibility.services import FIELDS


class StatementForm(forms.ModelForm):
    class Meta:
        model = AccessibilityStatement
        # The one list of what the team edits: the service writes exactly these.
        fields = list(FIELDS)
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
