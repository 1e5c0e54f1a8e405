"""Forms of the debate; the services check again and write (votes/debate/services.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from votes.debate.models import BODY_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Écrivez votre commentaire avant de l'envoyer."),
            "max_length": _(
                "Votre commentaire fait %(show_value)d caractères : %(limit_value)d au plus."
            ),
        },
        help_text=_(
            "Markdown simple. Restez courtois : la modération peut masquer un commentaire "
            "abusif, avec un motif que son auteur voit."
        ),
    )

    def __init__(self, *args, topic: str = "proposal", **kwargs) -> None:
        # Two threads on a page (the proposal, the council's answer): ids made unique.
        kwargs.setdefault("auto_id", f"id_{topic}_%s")
        super().__init__(*args, **kwargs)


class ReplyForm(CommentForm):
    def __init__(self, *args, comment_id: int, **kwargs) -> None:
        # One reply form per comment on the page: ids made unique, names unchanged.
        super().__init__(*args, auto_id=f"id_reply{comment_id}_%s", **kwargs)
        self.comment_id = comment_id
        self.fields["body"].label = _("Votre réponse")
        self.fields["body"].widget.attrs["rows"] = 3


class CommentFlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi signalez-vous ce commentaire ?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez pourquoi vous signalez ce commentaire.")},
    )

    def __init__(self, *args, comment_id: int, **kwargs) -> None:
        super().__init__(*args, auto_id=f"id_flag{comment_id}_%s", **kwargs)
        self.comment_id = comment_id
