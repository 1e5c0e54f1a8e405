"""The photo of a follow-up (issue 16 §7): JPEG, PNG or WebP, 5 MiB at most, recognised by
Pillow from its content (an extension or a declared type proves nothing), checked before
anything is written, and stored under MEDIA_ROOT with a name of ours."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Pillow's format name -> the extension the stored file gets.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# A decompression bomb (a few kilobytes that unpack to gigabytes) is refused, not opened.
MAX_PIXELS = 40_000_000


def checked_photo_name(upload: UploadedFile) -> str:
    """The name the photo is stored under, or ValidationError({"photo": [...]}) saying why it
    is refused (pure: reads the upload, writes nothing)."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            {
                "photo": _("La photo pèse %(size)s Mo : %(max)s Mo au plus.")
                % {
                    "size": f"{upload.size / (1024 * 1024):.1f}".replace(".", ","),
                    "max": MAX_PHOTO_BYTES // (1024 * 1024),
                }
            }
        )
    refused = ValidationError({"photo": _("La photo doit être une image JPEG, PNG ou WebP.")})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    finally:
        upload.seek(0)
    if image_format not in PHOTO_FORMATS or width * height > MAX_PIXELS:
        raise refused
    return f"{uuid.uuid4().hex}.{PHOTO_FORMATS[image_format]}"
