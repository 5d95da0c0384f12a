"""Uploads: type established from the content, size-limited, stored where every machine sees it."""

from __future__ import annotations

import io
import unicodedata

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from faunaschade.audit import chain as audit
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import Attachment, AttachmentKind, Claim, ClaimStatus, User
from faunaschade.storage import store_bytes

UPLOAD_STATUSES = (
    ClaimStatus.DRAFT,
    ClaimStatus.AWAITING_PAYMENT,
    ClaimStatus.SUBMITTED,
    ClaimStatus.INCOMPLETE,
    ClaimStatus.ASSESSMENT_ORDERED,
)
#: Attachments shown as a picture (thumbnail) on the claim page.
IMAGE_TYPES = ("image/jpeg", "image/png")
#: The longest side of a thumbnail in pixels: twice the 160 CSS pixels it is shown at, sharp on
#: high-density screens.
THUMBNAIL_PIXELS = 320
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def _too_many_pixels() -> ValidationFailed:
    millions = Image.MAX_IMAGE_PIXELS // 1_000_000
    return ValidationFailed(
        fields={"file": [_("De foto is te groot: hoogstens %(n)s miljoen pixels.", n=millions)]}
    )


def sniff(data: bytes) -> str | None:
    """The MIME type the bytes really are (JPEG, PNG, PDF), whatever the name says.

    A picture of more than Pillow's MAX_IMAGE_PIXELS (a decompression bomb) is refused.
    """
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            if mime == "application/pdf":
                return mime if b"%%EOF" in data[-1024:] else None
            try:
                with Image.open(io.BytesIO(data)) as image:
                    if image.width * image.height > Image.MAX_IMAGE_PIXELS:
                        raise _too_many_pixels()
                    image.verify()
            # Pillow raises the error above twice the limit and warns above it (the warning is
            # an exception where warnings are errors, as in the tests).
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise _too_many_pixels() from None
            except (UnidentifiedImageError, OSError, SyntaxError):
                return None
            return mime
    return None


def safe_filename(name: str | None) -> str:
    """The file's own name without folders or control characters (CR LF would break headers).

    Not werkzeug's secure_filename: the name is never a path on disk, and that one would drop
    spaces and every letter like é or ë from the name the farmer sees.
    """
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return cleaned[:200] or "bestand"


def add_attachment(
    claim: Claim,
    filename: str,
    data: bytes,
    actor: User,
    kind: AttachmentKind = AttachmentKind.PHOTO,
) -> Attachment:
    """Attach a photo or document to the claim."""
    if kind == AttachmentKind.PHOTO and claim.status not in UPLOAD_STATUSES:
        raise Conflict(_("In deze fase van de aanvraag kunnen geen foto's meer worden toegevoegd."))
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if not data:
        raise ValidationFailed(fields={"file": [_("Het bestand is leeg.")]})
    if len(data) > limit:
        raise ValidationFailed(
            fields={"file": [_("Het bestand is groter dan %(n)s MB.", n=limit // (1024 * 1024))]}
        )
    mime = sniff(data)
    if mime is None:
        raise ValidationFailed(
            fields={
                "file": [
                    _(
                        "Alleen foto's (JPEG, PNG) en PDF-bestanden; de inhoud van dit "
                        "bestand is geen van die."
                    )
                ]
            }
        )
    stored = store_bytes(data, mime)
    attachment = Attachment(
        claim_id=claim.id,
        kind=kind,
        filename=safe_filename(filename),
        content_type=mime,
        file_id=stored.id,
        uploaded_by=actor.id,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        "attachment.added",
        attachment,
        actor=actor,
        claim_id=claim.id,
        data={"sha256": stored.sha256, "content_type": mime, "size": stored.size},
    )
    return attachment


def is_image(attachment: Attachment) -> bool:
    """Whether the attachment is a photo (JPEG or PNG) that can be shown as a thumbnail."""
    return attachment.content_type in IMAGE_TYPES


def thumbnail(data: bytes) -> bytes | None:
    """A small JPEG of a stored photo: upright (EXIF orientation), at most THUMBNAIL_PIXELS on
    its longest side, transparency on white, without the original's metadata (no GPS position).
    None when the bytes cannot be drawn.
    """
    size = (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", size)  # JPEG: decode at 1/2 to 1/8 scale, far less work
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail(size)
            if picture.mode != "RGB":
                rgba = picture.convert("RGBA")
                picture = Image.new("RGB", rgba.size, "white")
                picture.paste(rgba, mask=rgba.getchannel("A"))
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=80, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return out.getvalue()
