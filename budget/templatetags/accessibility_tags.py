"""The footer's accessibility mention, on every page ("Accessibilité : partiellement
conforme", as the RGAA asks), read from the one statement of the site."""

from __future__ import annotations

from django import template

from budget.accessibility.models import AccessibilityStatement

register = template.Library()


@register.inclusion_tag("budget/accessibility/_footer.html")
def accessibility_footer() -> dict:
    statement = AccessibilityStatement.objects.only("level").current()
    level = statement.get_level_display() if statement else AccessibilityStatement.Level.NONE.label
    return {"level": level}
