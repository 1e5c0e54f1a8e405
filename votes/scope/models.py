"""A role held in one campaign only (budget/roles.py explains the three ways to hold a role):
a moderator or an instructor lent to one campaign reaches that campaign and not another one
of the same authority. Granted in the Django admin."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budget.roles import Role


class CampaignRole(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="campaign_roles",
        verbose_name=_("compte"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role)
    campaign = models.ForeignKey(
        "votes.Campaign",
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("campagne"),
    )
    granted_at = models.DateTimeField(_("accordé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rôle dans une campagne")
        verbose_name_plural = _("rôles dans une campagne")
        ordering = ["campaign__title", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "campaign"], name="votes_campaignrole_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.campaign}"


def campaign_role_rows(user) -> models.QuerySet:
    """The rows budget/roles.py reads with the groups and the authority grants."""
    return CampaignRole.objects.filter(user=user).values_list(
        "role", "campaign__authority_id", "campaign_id"
    )
