"""The French sentence a job page shows for a file refused when the job ran."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SHOWN = 5


def refused_file_message(errors: Sequence[object]) -> str:
    """The first problems of a file that was valid when checked but refused when written
    (the data changed in between: a sign-up with the same address, a budget edited…)."""
    lines = []
    for error in errors[:SHOWN]:
        row = getattr(error, "row", None)
        lines.append(
            _("ligne %(row)s : %(message)s") % {"row": row, "message": error} if row else str(error)
        )
    more = len(errors) - SHOWN
    text = _("Le fichier n'a pas été importé, rien n'a été enregistré. ") + " ; ".join(lines)
    if more > 0:
        text += " " + ngettext(
            "(et %(count)d autre problème)", "(et %(count)d autres problèmes)", more
        ) % {"count": more}
    return text
