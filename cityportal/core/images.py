"""Images: originals stored without metadata, renditions made ahead of time, alt text per language.

- An uploaded original is rewritten without EXIF, XMP or comments (phone photos carry the GPS
  position of where they were taken), with its EXIF orientation applied to the pixels. HEIC photos
  from phones become JPEG, which every browser and every editor's computer can open.
- Pages show each image through `<picture>` in the formats and widths listed here, once: the
  `responsive_picture` template tag and the `make_image_renditions` task read the same list, so
  the renditions the task makes ahead of time are exactly the ones pages ask for (ADR 012).
- The alt text comes from the block (translated with the page), never from another language.
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import PurePath

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.tasks import task
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, features
from wagtail.blocks import StreamValue, StructValue
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage, SourceImageIOError
from wagtail.models import Page
from wagtail.signals import page_published

pillow_heif.register_heif_opener()

# --- Renditions: the one list of widths and formats ----------------------------------------------

# Widths in CSS pixels of the renditions pages use; the content column is at most 50rem (800px)
# wide, so 1200 covers it on 1.5x screens and 480 a phone.
RENDITION_WIDTHS = (480, 800, 1200)
# The <img src> for browsers that ignore srcset.
DEFAULT_WIDTH = 800
# Newest first: the browser takes the first <source> it supports. AVIF only where this Pillow can
# encode it (Pillow 11.3+ built with libavif).
MODERN_FORMATS = ("avif", "webp") if features.check("avif") else ("webp",)
FIGURE_SIZES = "(min-width: 50rem) 50rem, 100vw"


def fallback_format(image: AbstractImage) -> str:
    """JPEG for photos; PNG for originals that may be transparent (PNG, GIF)."""
    return "png" if PurePath(image.file.name).suffix.lower() in {".png", ".gif"} else "jpeg"


def rendition_widths(image: AbstractImage) -> list[int]:
    # Never wider than the original (Wagtail does not enlarge), and no two renditions of one width.
    return sorted({min(width, image.width) for width in RENDITION_WIDTHS if image.width})


def rendition_specs(image: AbstractImage) -> list[str]:
    """Wagtail filter specs of every rendition a page shows of this image, default width first."""
    widths = rendition_widths(image)
    default = min(widths, key=lambda width: abs(width - DEFAULT_WIDTH)) if widths else None
    ordered = sorted(widths, key=lambda width: width != default)
    return [
        f"width-{width}|format-{fmt}"
        for fmt in (*MODERN_FORMATS, fallback_format(image))
        for width in ordered
    ]


@task()
def make_image_renditions(image_ids: list[int]) -> int:
    """Make the renditions pages use, so the first visitor does not wait for them. Returns how many."""
    made = 0
    for image in get_image_model().objects.filter(pk__in=image_ids):
        try:
            made += len(image.get_renditions(*rendition_specs(image)))
        except SourceImageIOError:
            continue  # the original is gone; the page shows Wagtail's not-found image
    return made


def enqueue_renditions(image_ids: Iterable[int]) -> None:
    ids = sorted(set(image_ids))
    if ids:
        transaction.on_commit(partial(make_image_renditions.enqueue, image_ids=ids))


def images_in(value) -> Iterator[AbstractImage]:
    """Every image chosen anywhere inside a StreamField value."""
    if isinstance(value, AbstractImage):
        yield value
    elif isinstance(value, StreamValue):
        for child in value:
            yield from images_in(child.value)
    elif isinstance(value, StructValue):
        for item in value.values():
            yield from images_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from images_in(item)
    elif hasattr(value, "bound_blocks"):  # ListValue
        for item in value:
            yield from images_in(item)


def stream_fields(page: Page) -> list[StreamField]:
    return [field for field in page._meta.get_fields() if isinstance(field, StreamField)]


def renditions_on_publish(instance: Page, **_kwargs) -> None:
    enqueue_renditions(
        image.pk for field in stream_fields(instance) for image in images_in(getattr(instance, field.name))
    )


def renditions_on_upload(instance: AbstractImage, created: bool, update_fields=None, raw=False, **_kwargs):
    if raw or (update_fields is not None and "file" not in update_fields):
        return  # fixtures, or Wagtail recording the size or hash of a file it already has
    enqueue_renditions([instance.pk])


# --- Originals without metadata ------------------------------------------------------------------

# Pillow's format name -> the format and extension the cleaned original is saved in.
CLEANED_FORMATS = {
    "JPEG": ("JPEG", ".jpg"),
    "MPO": ("JPEG", ".jpg"),  # iPhone JPEGs with a depth map open as MPO
    "PNG": ("PNG", ".png"),
    "WEBP": ("WEBP", ".webp"),
    "AVIF": ("AVIF", ".avif"),
    "HEIF": ("JPEG", ".jpg"),  # converted: browsers other than Safari cannot show HEIC
}
JPEG_QUALITY = 90


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    name: str
    width: int
    height: int


def strip_metadata(data: bytes, name: str) -> CleanImage | None:
    """The image re-encoded without EXIF, XMP or comments, orientation applied; None to keep as is.

    GIFs and animations are kept as uploaded (they carry no camera EXIF in practice).
    """
    with PILImage.open(BytesIO(data)) as original:
        target = CLEANED_FORMATS.get(original.format or "")
        if target is None or getattr(original, "n_frames", 1) > 1:
            return None
        fmt, extension = target
        icc_profile = original.info.get("icc_profile")
        image = ImageOps.exif_transpose(original)  # a copy, turned the way the camera was held
    image.info = {}  # drops exif, xmp, comment and PNG text chunks
    options: dict = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "JPEG":
        if image.mode in {"RGBA", "LA", "PA", "P"} and image.has_transparency_data:
            fmt, extension = "PNG", ".png"  # a transparent HEIC; JPEG has no alpha
        elif image.mode not in {"RGB", "L", "CMYK"}:
            image = image.convert("RGB")
        if fmt == "JPEG":
            options |= {"quality": JPEG_QUALITY, "optimize": True}
    elif fmt in {"WEBP", "AVIF"}:
        options |= {"quality": JPEG_QUALITY}
    out = BytesIO()
    image.save(out, fmt, **options)
    return CleanImage(
        content=out.getvalue(),
        name=str(PurePath(name).with_suffix(extension)),
        width=image.width,
        height=image.height,
    )


def clean_uploaded_original(instance: AbstractImage, raw=False, **_kwargs) -> None:
    """pre_save: rewrite a newly uploaded original without metadata before it reaches storage."""
    if raw or not instance.file:
        return
    if not instance.file._committed:
        name = PurePath(instance.file.name).name
        instance.file.seek(0)
        data = instance.file.read()
        stored_elsewhere = None
    elif instance._state.adding:
        # Wagtail's multiple-upload "finish" view stores the file before the image is saved.
        name = instance.file.name
        with instance.file.storage.open(name, "rb") as handle:
            data = handle.read()
        stored_elsewhere = name
    else:
        return
    clean = strip_metadata(data, name)
    if clean is None:
        return
    if stored_elsewhere is None:
        instance.file = ContentFile(clean.content, name=clean.name)
    else:
        storage = instance.file.storage
        instance.file.name = storage.save(clean.name, ContentFile(clean.content))
        storage.delete(stored_elsewhere)
    instance.width, instance.height = clean.width, clean.height
    instance.file_size = len(clean.content)
    instance.file_hash = hashlib.sha1(clean.content, usedforsecurity=False).hexdigest()


def connect_signals() -> None:
    image_model = get_image_model()
    pre_save.connect(clean_uploaded_original, sender=image_model, dispatch_uid="core-image-strip-metadata")
    post_save.connect(renditions_on_upload, sender=image_model, dispatch_uid="core-image-renditions")
    page_published.connect(renditions_on_publish, dispatch_uid="core-page-renditions")


# --- Alt text --------------------------------------------------------------------------------------


def _texts(data, keys=("alt_text", "caption")) -> Iterator[str]:
    if isinstance(data, dict):
        for key, item in data.items():
            if key in keys and isinstance(item, str) and item:
                yield item
            else:
                yield from _texts(item, keys)
    elif isinstance(data, list | tuple):
        for item in data:
            yield from _texts(item, keys)


def source_texts(page: Page | None) -> frozenset[str]:
    """Alt texts and captions of the source-language version of `page` (cached on the page).

    A translated page whose alt text is one of these was not translated: wagtail-localize copies
    the source text into segments nobody translated.
    """
    if page is None or page.locale.language_code == settings.LANGUAGE_CODE:
        return frozenset()
    cached = page.__dict__.get("_source_figure_texts")
    if cached is None:
        source = (
            Page.objects.filter(
                translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE
            )
            .specific()
            .first()
        )
        texts = set()
        if source is not None:
            for field in stream_fields(source):
                texts.update(_texts(list(getattr(source, field.name).raw_data)))
        cached = page.__dict__["_source_figure_texts"] = frozenset(texts)
    return cached


def image_alt(image: AbstractImage, *, page: Page | None = None, caption: str = "") -> str:
    """The alt text of an image chosen in an ImageBlock, in the page's language.

    In order: the block's alt text; when it was left untranslated, the figure's caption if that was
    translated; else a sentence in the visitor's language saying the image is not yet described.
    Never empty for an informative image, never another language's text, and the image's own
    description (written once, in one language) only on source-language pages.
    """
    if getattr(image, "decorative", False):
        return ""
    language = page.locale.language_code if page is not None else get_language()
    is_source = language == settings.LANGUAGE_CODE
    untranslated = source_texts(page)
    alt = getattr(image, "contextual_alt_text", None) or ""
    if alt and alt not in untranslated:
        return alt
    if caption and caption not in untranslated:
        return caption
    if is_source and image.description:
        return image.description
    return _("Image not yet described in this language")
