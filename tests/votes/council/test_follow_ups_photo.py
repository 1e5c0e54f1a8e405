"""The amount spent and the photo of a follow-up (issue 16 §7): stored under MEDIA_ROOT once
checked, refused with a message and nothing written otherwise."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from tests.votes.council.test_follow_ups_services import answered_campaign
from votes.council.follow_ups import follow_up_set
from votes.council.models import FollowUp
from votes.council.photos import MAX_PHOTO_BYTES

pytestmark = pytest.mark.django_db

Status = FollowUp.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_file(image_format: str = "PNG", name: str = "chantier.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 120, 40)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def stored_files(media) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def save(c, **fields) -> FollowUp:
    values = {"status": Status.IN_PROGRESS, "progress": 40, **fields}
    return follow_up_set(proposal=c.p1, by=c.admin, **values)


@pytest.mark.parametrize(
    ("image_format", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")]
)
def test_a_photo_with_its_description_is_stored_under_media_root(media, image_format, extension):
    c = answered_campaign()

    follow_up = save(
        c,
        spent=Decimal("12500.50"),
        photo=image_file(image_format, name="../../etc/passwd.png"),
        photo_alt="Les vestiaires en travaux",
    )

    stored = FollowUp.objects.get()
    assert stored.spent == Decimal("12500.50")
    assert stored.photo_alt == "Les vestiaires en travaux"
    # A name of ours, never the one the browser sent.
    assert stored.photo.name.startswith("suivis/")
    assert stored.photo.name.endswith(f".{extension}")
    assert "passwd" not in stored.photo.name
    assert stored_files(media) == [follow_up.photo.name]


def test_a_new_photo_replaces_the_old_file(media, django_capture_on_commit_callbacks):
    c = answered_campaign()
    first = save(c, photo=image_file(), photo_alt="Avant").photo.name

    # The old file goes once the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        second = save(c, photo=image_file("JPEG"), photo_alt="Après").photo.name

    assert stored_files(media) == [second] and second != first


def test_removing_the_photo_deletes_it_and_its_description(
    media, django_capture_on_commit_callbacks
):
    c = answered_campaign()
    save(c, photo=image_file(), photo_alt="Avant")

    with django_capture_on_commit_callbacks(execute=True):
        save(c, remove_photo=True)

    stored = FollowUp.objects.get()
    assert (stored.photo.name, stored.photo_alt) == ("", "")
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("photo.jpg", b"pas une image", content_type="image/jpeg"),
            "La photo doit être une image JPEG, PNG ou WebP.",
        ),
        (image_file("GIF", name="photo.gif"), "La photo doit être une image JPEG, PNG ou WebP."),
        (
            SimpleUploadedFile(
                "grosse.jpg", b"\xff\xd8\xff" + b"0" * MAX_PHOTO_BYTES, content_type="image/jpeg"
            ),
            "La photo pèse 5,0 Mo : 5 Mo au plus.",
        ),
    ],
    ids=["not-an-image", "gif", "too-big"],
)
def test_a_bad_photo_is_refused_and_nothing_is_written(media, upload, message):
    c = answered_campaign()
    save(c, spent=Decimal("50"))

    with pytest.raises(ValidationError) as error:
        save(
            c,
            status=Status.DONE,
            progress=100,
            spent=Decimal("100"),
            photo=upload,
            photo_alt="Une photo",
        )

    assert error.value.message_dict == {"photo": [message]}
    after = FollowUp.objects.get()
    assert (after.status, after.spent, after.photo.name) == (Status.IN_PROGRESS, Decimal("50"), "")
    assert stored_files(media) == []


def test_a_photo_needs_its_description(media):
    c = answered_campaign()

    with pytest.raises(ValidationError) as error:
        save(c, photo=image_file(), photo_alt="   ")

    assert error.value.message_dict == {
        "photo_alt": [
            "Décrivez la photo en quelques mots, pour qui ne la voit pas (texte alternatif)."
        ]
    }
    assert not FollowUp.objects.exists()
    assert stored_files(media) == []


def test_a_negative_amount_spent_is_refused(media):
    c = answered_campaign()

    with pytest.raises(ValidationError) as error:
        save(c, spent=Decimal("-1"))

    assert error.value.message_dict == {"spent": ["Le montant dépensé ne peut pas être négatif."]}
    assert not FollowUp.objects.exists()


def test_the_database_refuses_a_negative_amount_or_a_photo_without_description():
    c = answered_campaign()
    save(c, spent=Decimal("10"))

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.update(spent=Decimal("-0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.update(photo="suivis/2026/x.png", photo_alt="")

    assert FollowUp.objects.get(proposal=c.p1).spent == Decimal("10")


def test_an_amount_too_large_for_the_database_leaves_no_file(media):
    c = answered_campaign()

    with pytest.raises(ValidationError) as error:
        save(c, spent=Decimal("1" * 17), photo=image_file(), photo_alt="Une photo")

    assert "spent" in error.value.message_dict
    assert not FollowUp.objects.exists()
    assert stored_files(media) == []
