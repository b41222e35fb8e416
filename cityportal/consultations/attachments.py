"""Files sent with a question: checked by their content, images re-encoded without EXIF.

Visitors attach photos and scans of passports, permits and letters. What a file *is* is decided by
its bytes, never by its name or the content type the browser sent:

- an image is opened by Pillow (JPEG, PNG or WebP only), verified, opened again, turned upright from
  its EXIF orientation and saved anew in the same format without any metadata (EXIF with GPS
  position and camera serial number, XMP, comments, text chunks);
- a PDF must start with ``%PDF-`` and end with ``%%EOF`` (staff download it with nosniff and a
  sandbox CSP, so a PDF is never run by the portal);
- anything else (HTML or SVG renamed ``passport.jpg``, an executable, a HEIC photo) is refused with
  a message that names the file.

Oversized files are refused from their announced size, before they are read. A file is stored under
a random name with its real extension; the visitor's own name is kept only for display, cleaned of
folder parts and control characters.
"""

import io
import secrets
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from cityportal.core.templatetags.core_tags import format_number

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_FILES = 3
# Larger than any phone camera's JPEG (a 48-megapixel photo), far below what would exhaust memory:
# a small PNG can declare a huge, empty canvas that Pillow would have to hold decoded.
MAX_PIXELS = 50_000_000
NAME_MAX_LENGTH = 100  # QuestionAttachment.original_name holds 200; the stored path must fit 200 too

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
IMAGE_FORMATS = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP}
EXTENSIONS = {JPEG: (".jpg", ".jpeg"), PNG: (".png",), WEBP: (".webp",), PDF: (".pdf",)}
# What the file chooser offers (a hint for the browser only: the content decides).
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"


@dataclass(frozen=True)
class CleanAttachment:
    """An attachment that passed the checks: a safe file name, its real type and its cleaned bytes.

    `name` is the visitor's file name, cleaned, for display (QuestionAttachment.original_name);
    `stored_name` is a random name with the real extension, for the file in the private storage.
    """

    name: str
    content_type: str
    data: bytes
    stored_name: str = ""


def max_bytes() -> int:
    return getattr(settings, "CONSULTATION_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_files() -> int:
    return getattr(settings, "CONSULTATION_ATTACHMENT_MAX_FILES", DEFAULT_MAX_FILES)


def megabytes(size: int) -> str:
    """A size in MB written the visitor's way (“5”, “2,5” in German)."""
    return format_number(f"{size / (1024 * 1024):.1f}".removesuffix(".0"))


# --- Names --------------------------------------------------------------------------------------------


def clean_file_name(name: str, content_type: str | None = None) -> str:
    """The visitor's file name without folders, control or invisible characters, at most 100
    characters; with `content_type`, given the real type's extension (“scan.png” holding a JPEG
    becomes “scan.jpg”, “notes.html” holding a PDF “notes.html.pdf”)."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if char.isspace() else char for char in name)
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    extension = f".{extension.lower()}" if dot and stem else ""
    stem = stem if extension else name
    if content_type is not None and extension not in EXTENSIONS[content_type]:
        known = {known for extensions in EXTENSIONS.values() for known in extensions}
        stem = stem if extension in known else stem + extension
        extension = EXTENSIONS[content_type][0]
    stem = stem[: NAME_MAX_LENGTH - len(extension)].strip(" .") or "attachment"
    return stem + extension


def stored_file_name(content_type: str) -> str:
    """A random name that tells nothing about the visitor, with the real extension."""
    return secrets.token_hex(16) + EXTENSIONS[content_type][0]


# --- Checks -------------------------------------------------------------------------------------------


def _refuse(message: str, name: str, code: str, **values) -> ValidationError:
    return ValidationError(message, code=code, params={"name": name, **values})


def clean_attachment(upload) -> CleanAttachment:
    """Check one uploaded file (a Django UploadedFile) and return its cleaned version.

    Raises ValidationError with a message naming the file when it is too large, empty, of a type
    we do not take, disguised, damaged or an image too large to decode safely.
    """
    shown_name = clean_file_name(getattr(upload, "name", ""))
    limit = max_bytes()
    if upload.size is None or upload.size > limit:  # before reading a byte of it
        raise _too_large(shown_name, limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:  # the announced size was wrong
        raise _too_large(shown_name, limit)
    if not data:
        raise _refuse(_("“%(name)s” is empty. Choose the file again."), shown_name, "file_empty")
    if data.startswith(b"%PDF-"):
        content_type, data = PDF, _check_pdf(data, shown_name)
    else:
        content_type, data = _clean_image(data, shown_name)
    return CleanAttachment(
        name=clean_file_name(getattr(upload, "name", ""), content_type),
        content_type=content_type,
        data=data,
        stored_name=stored_file_name(content_type),
    )


def clean_attachments(uploads: Sequence) -> list[CleanAttachment]:
    """Check every file; all the problems at once, each naming its file."""
    uploads = [upload for upload in uploads if upload]
    limit = max_files()
    if len(uploads) > limit:
        raise ValidationError(
            ngettext(
                "You can send at most %(limit)s file with a question; you chose %(count)s.",
                "You can send at most %(limit)s files with a question; you chose %(count)s.",
                limit,
            ),
            code="too_many_files",
            params={"limit": limit, "count": len(uploads)},
        )
    cleaned, problems = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_attachment(upload))
        except ValidationError as error:
            problems.append(error)
    if problems:
        raise ValidationError(problems)
    return cleaned


def _too_large(name: str, limit: int) -> ValidationError:
    return _refuse(
        _(
            "“%(name)s” is larger than %(megabytes)s MB. Each file can be up to %(megabytes)s MB: "
            "send a smaller photo or a PDF with fewer pages."
        ),
        name,
        "file_too_large",
        megabytes=megabytes(limit),
    )


def _not_accepted(name: str) -> ValidationError:
    return _refuse(
        _(
            "“%(name)s” is not a JPEG, PNG or WebP image or a PDF document, so we cannot accept it. "
            "Send a photo or a scan in one of these formats."
        ),
        name,
        "file_type",
    )


def _damaged(name: str) -> ValidationError:
    return _refuse(
        _("“%(name)s” could not be read: the file seems to be damaged. Save it again and choose it again."),
        name,
        "file_damaged",
    )


def _check_pdf(data: bytes, name: str) -> bytes:
    """A PDF by its header and its end-of-file marker (a file cut short has none)."""
    version = data[5:8]
    if not (version[:1].isdigit() and version[1:2] == b"." and version[2:3].isdigit()):
        raise _not_accepted(name)
    if b"%%EOF" not in data[-1024:]:
        raise _damaged(name)
    return data


def _clean_image(data: bytes, name: str) -> tuple[str, bytes]:
    """Decide the type with Pillow, then re-encode: upright, same format, no metadata at all."""
    with warnings.catch_warnings():
        # Pillow warns above Image.MAX_IMAGE_PIXELS and raises above twice that: refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as probe:
                # Some cameras write MPO (a JPEG with a second, smaller picture): kept as a JPEG.
                image_format = "JPEG" if probe.format == "MPO" else probe.format
                if probe.width * probe.height > MAX_PIXELS:
                    raise _too_many_pixels(name)
                probe.verify()
            if not _ends_complete(data, image_format):
                raise _damaged(name)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                image.load()
                return IMAGE_FORMATS[image_format], _reencode(image, image_format)
        except UnidentifiedImageError:
            raise _not_accepted(name) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name) from None
        except (OSError, SyntaxError, ValueError, EOFError):  # Pillow's ways of saying “damaged”
            raise _damaged(name) from None


def _ends_complete(data: bytes, image_format: str) -> bool:
    """Whether the file has the ending its format requires. Pillow would say so itself, but
    WeasyPrint (the demo's PDFs) sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import, after
    which a photo cut short loads with grey bands instead of failing."""
    if image_format == "JPEG":
        return data.rstrip(b"\x00").endswith(b"\xff\xd9")
    if image_format == "PNG":
        return data[-12:-8] == b"\x00\x00\x00\x00" and data[-8:-4] == b"IEND"
    if image_format == "WEBP":  # RIFF: the size field counts the bytes after the first eight
        return len(data) >= 12 and int.from_bytes(data[4:8], "little") + 8 <= len(data)
    return True


def _too_many_pixels(name: str) -> ValidationError:
    return _refuse(
        _(
            "“%(name)s” is an image too large for us to process. "
            "Send a smaller photo, of up to %(limit)s megapixels."
        ),
        name,
        "image_too_large",
        limit=format_number(MAX_PIXELS // 1_000_000),
    )


def _reencode(image: Image.Image, image_format: str) -> bytes:
    upright = ImageOps.exif_transpose(image)  # a new image; the orientation tag is applied, not kept
    if "transparency" in upright.info:  # palette or colour-key transparency lives in info: keep it
        upright = upright.convert("RGBA")
    upright.info = {}  # EXIF, XMP, ICC, comments, text chunks: none is written back
    if image_format == "JPEG" and upright.mode not in ("L", "RGB", "CMYK"):
        upright = upright.convert("RGB")
    options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}, "PNG": {"optimize": True}}[image_format]
    output = io.BytesIO()
    upright.save(output, format=image_format, **options)
    return output.getvalue()
