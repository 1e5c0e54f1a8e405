"""The debate: comments on proposals and on the council's answers, one level of replies,
moderated a posteriori (flag, hide with a reason the author sees, restore)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from votes.proposals.models import ModerationAction, Proposal

BODY_MAX_LENGTH = 3000


class CommentQuerySet(models.QuerySet):
    def published(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.PUBLISHED)

    def hidden(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.HIDDEN)

    def about(self, topic: str) -> CommentQuerySet:
        return self.filter(topic=topic)

    def threads(self) -> CommentQuerySet:
        """The comments that start a thread (replies hang under them)."""
        return self.filter(parent__isnull=True)

    def flagged(self) -> CommentQuerySet:
        return self.filter(Exists(CommentFlag.objects.open().filter(comment=OuterRef("pk"))))

    def with_hidden_reason(self) -> CommentQuerySet:
        """The reason of the latest hiding, as `hidden_reason` (None when never hidden)."""
        last_hide = (
            CommentModeration.objects.filter(
                comment=OuterRef("pk"), action=ModerationAction.Action.HIDE
            )
            .order_by("-at", "-id")
            .values("reason")[:1]
        )
        return self.annotate(hidden_reason=Subquery(last_hide))

    def seen_by(self, user, *, moderator: bool) -> CommentQuerySet:
        """What a reader sees: the published comments, and the hidden ones to the moderators
        and to their author (who reads the reason)."""
        if moderator:
            return self
        if user.is_authenticated:
            return self.filter(Q(status=Comment.Status.PUBLISHED) | Q(author=user))
        return self.published()


class Comment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Publié")
        HIDDEN = "hidden", _("Masqué par la modération")

    class Topic(models.TextChoices):
        PROPOSAL = "proposal", _("La proposition")
        ANSWER = "answer", _("La réponse du conseil")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    topic = models.CharField(_("sujet"), max_length=8, choices=Topic, default=Topic.PROPOSAL)
    # One level of replies: a reply's parent starts a thread (checked in debate/services.py).
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # SET_NULL: a deleted account's comments stay, shown as "compte supprimé".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    body = models.TextField(_("commentaire"), max_length=BODY_MAX_LENGTH)
    status = models.CharField(_("statut"), max_length=9, choices=Status, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commentaire")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="votes_comment_body_not_empty"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=models.F("id")),
                name="votes_comment_not_own_parent",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "topic", "status"])]

    def __str__(self) -> str:
        return f"{self.proposal.public_reference}: {self.body[:40]}"

    @property
    def author_display(self) -> str:
        if self.author_id is None:
            return str(_("compte supprimé"))
        profile = getattr(self.author, "profile", None)
        return profile.pseudonym if profile else self.author.get_username()

    @property
    def anchor(self) -> str:
        return f"commentaire-{self.pk}"


class CommentFlagQuerySet(models.QuerySet):
    def open(self) -> CommentFlagQuerySet:
        """Not handled yet: a moderation decision on the comment handles them all."""
        return self.filter(handled=False)


class CommentFlag(models.Model):
    """A report of an abusive comment by a logged-in user."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("motif"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField(_("traité"), default=False)

    objects = CommentFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("signalement de commentaire")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="votes_commentflag_unique_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comment}: {self.reason[:40]}"


class CommentModeration(models.Model):
    """Hide or restore a comment, with the reason kept on record (and shown to its author)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moderations")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=7, choices=ModerationAction.Action)
    reason = models.TextField(_("motif"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("décision de modération d'un commentaire")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.comment}"
