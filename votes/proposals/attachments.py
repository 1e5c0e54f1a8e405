"""Proposal attachments: images and PDF only, checked before anything is written."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from votes.proposals.models import Attachment, Proposal

# --------------------------------------------------------------------------------------------
# Attachments: images and PDF only, recognised by their first bytes (an extension proves nothing)
# --------------------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 3
# content type -> (label, extensions that may carry it)
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "image/jpeg": ("JPEG", (".jpg", ".jpeg")),
    "image/png": ("PNG", (".png",)),
    "image/webp": ("WebP", (".webp",)),
    "application/pdf": ("PDF", (".pdf",)),
}


def sniff_content_type(head: bytes) -> str | None:
    """The allowed type the first bytes of a file announce, or None (pure)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    extension: str


def check_attachments(files: Sequence[UploadedFile], *, already: int = 0) -> list[CheckedFile]:
    """Every problem of a batch of uploads at once, raised as {"attachments": [...]}."""
    problems: list[str] = []
    if already + len(files) > MAX_ATTACHMENTS:
        problems.append(
            _("%(max)s pièces jointes au plus par proposition (vous en envoyez %(count)s).")
            % {"max": MAX_ATTACHMENTS, "count": already + len(files)}
        )
    checked = []
    for upload in files:
        name = os.path.basename(upload.name or "") or _("fichier sans nom")
        extension = os.path.splitext(name)[1].lower()
        if upload.size > MAX_ATTACHMENT_BYTES:
            problems.append(
                _("« %(name)s » pèse %(size)s Mo : %(max)s Mo au plus par fichier.")
                % {
                    "name": name,
                    "size": _megabytes(upload.size),
                    "max": MAX_ATTACHMENT_BYTES // (1024 * 1024),
                }
            )
            continue
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        content_type = sniff_content_type(head)
        if content_type is None:
            problems.append(
                _(
                    "« %(name)s » n'est ni une image (JPEG, PNG, WebP) ni un PDF : son contenu "
                    "ne correspond à aucun de ces formats."
                )
                % {"name": name}
            )
            continue
        label, extensions = ATTACHMENT_TYPES[content_type]
        if extension not in extensions:
            problems.append(
                _(
                    "« %(name)s » : le nom du fichier ne correspond pas à son contenu (%(type)s) ; "
                    "renommez-le en %(extension)s."
                )
                % {"name": name, "type": label, "extension": extensions[0]}
            )
            continue
        checked.append(CheckedFile(upload, name[:200], content_type, extension))
    if problems:
        raise ValidationError({"attachments": problems})
    return checked


def store_attachments(proposal: Proposal, files: list[CheckedFile]) -> list[Attachment]:
    """Written last: the checks and the rows before it can no longer fail on a bad input."""
    stored: list[Attachment] = []
    try:
        for checked in files:
            attachment = Attachment(
                proposal=proposal,
                name=checked.name,
                content_type=checked.content_type,
                size=checked.upload.size,
            )
            # A random name on disk: the citizen's file name is kept for display only.
            attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", checked.upload, False)
            attachment.save()
            stored.append(attachment)
    except Exception:
        # The transaction rolls the rows back; the files on disk must go with them.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored
