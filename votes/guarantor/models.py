"""The campaign's independent guarantor (issue 16 §2): who holds the role, and the remarks
they publish on the campaign's public page.

A guarantor is assigned to one campaign by an administrator (a per-campaign role, not a
group: being the guarantor of commune A's campaign opens nothing of commune B's). A remark is
written once and never changed: no service, view or admin edits or deletes one, and the
model refuses both, so that neither the team nor the guarantor can rewrite what was said; a
mistake is answered by a new remark that corrects the earlier one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class GuarantorQuerySet(models.QuerySet):
    def of_user(self, user) -> GuarantorQuerySet:
        return self.filter(user=user) if user.is_authenticated else self.none()


class Guarantor(models.Model):
    campaign = models.ForeignKey(
        "votes.Campaign", on_delete=models.CASCADE, related_name="guarantors"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guarantees",
        verbose_name=_("compte"),
    )
    # The signature under each remark: "Garante de la concertation (liste CNDP)".
    title = models.CharField(
        _("qualité"),
        max_length=160,
        help_text=_("Affichée sous chaque remarque, par exemple « Garant de la concertation »."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    objects = GuarantorQuerySet.as_manager()

    class Meta:
        verbose_name = _("garant")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user"], name="votes_guarantor_unique_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.campaign}"


class RemarkQuerySet(models.QuerySet):
    def of_campaign(self, campaign) -> RemarkQuerySet:
        return self.filter(campaign=campaign).select_related("corrects")


class GuarantorRemark(models.Model):
    # PROTECT: deleting the campaign would take the remarks with it; they must outlive it.
    campaign = models.ForeignKey(
        "votes.Campaign", on_delete=models.PROTECT, related_name="guarantor_remarks"
    )
    # SET_NULL: the signature below is copied, so that a deleted account keeps its remarks.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signed_name = models.CharField(_("signé"), max_length=160)
    signed_title = models.CharField(_("qualité"), max_length=160)
    text = models.TextField(_("remarque"))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrige la remarque"),
    )
    published_at = models.DateTimeField(_("publiée le"), auto_now_add=True)

    objects = RemarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("remarque du garant")
        ordering = ["published_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="votes_guarantorremark_text_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(corrects=models.F("id")), name="votes_guarantorremark_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signed_name}, {self.published_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        # Published remarks are final (see the module docstring): only creation is allowed.
        if self.pk is not None:
            raise ValueError("Une remarque publiée ne se modifie pas : publier une correction.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Une remarque publiée ne se supprime pas : publier une correction.")
