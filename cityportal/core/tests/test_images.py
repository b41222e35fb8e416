"""Images: alt text per language, metadata-free originals, renditions made ahead of time, HEIC uploads."""

import json
import re
import uuid
from io import BytesIO

import pillow_heif
import pytest
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks.signals import task_enqueued
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource

from cityportal.core import images
from cityportal.home.models import ContentPage

Image = get_image_model()

ALT_ZH = "天安门广场的航拍照片，广场上有游客"
ALT_AR = "صورة جوية لساحة تيانانمن وفيها زوار"
CAPTION_ZH = "天安门广场"
CAPTION_AR = "ساحة تيانانمن"
DESCRIPTION_ZH = "图片库里的中文描述"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def photo_bytes(fmt="JPEG", size=(1600, 1200), *, gps=True, orientation=None) -> bytes:
    """A photo as a phone takes it: GPS position and camera model in its EXIF."""
    picture = PILImage.effect_mandelbrot(size, (-2, -1.5, 1, 1.5), 60).convert("RGB")
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.Base.Model] = "Phone 15"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (116.0, 23.0, 50.0),
        }
    out = BytesIO()
    if fmt == "HEIF":
        pillow_heif.from_pillow(picture).save(out, format="HEIF", exif=exif.tobytes(), quality=80)
    else:
        picture.save(out, fmt, exif=exif.tobytes(), quality=85)
    return out.getvalue()


def make_image(data: bytes | None = None, name="photo.jpg", **fields):
    return Image.objects.create(
        title="天安门", file=ImageFile(BytesIO(data or photo_bytes()), name=name), **fields
    )


def stored_exif(path) -> PILImage.Exif:
    with PILImage.open(path) as stored:
        return stored.getexif()


def has_gps(path) -> bool:
    with PILImage.open(path) as stored:
        return bool(stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)) or "exif" in stored.info


# --- originals and renditions without EXIF ---------------------------------------------------------


def test_the_generated_photo_really_has_gps_exif():
    with PILImage.open(BytesIO(photo_bytes())) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_uploaded_jpeg_is_stored_without_exif(db):
    image = make_image()
    image.refresh_from_db()
    assert len(stored_exif(image.file.path)) == 0
    assert not has_gps(image.file.path)
    assert (image.width, image.height) == (1600, 1200)
    assert image.file_size == image.file.size
    with open(image.file.path, "rb") as stored:
        assert image.file_hash == images.hashlib.sha1(stored.read(), usedforsecurity=False).hexdigest()


def test_orientation_is_applied_before_the_exif_goes(db):
    # Orientation 6: the phone was held upright, the sensor saw the picture lying on its side.
    image = make_image(photo_bytes(size=(400, 300), orientation=6))
    assert (image.width, image.height) == (300, 400)
    with PILImage.open(image.file.path) as stored:
        assert stored.size == (300, 400)
        assert len(stored.getexif()) == 0


def test_png_and_webp_lose_their_exif_too(db):
    for fmt, name in (("PNG", "screen.png"), ("WEBP", "photo.webp")):
        image = make_image(photo_bytes(fmt, size=(300, 200)), name=name)
        assert image.file.name.endswith(name[name.rindex(".") :])
        assert not has_gps(image.file.path), fmt


def test_renditions_carry_no_exif(db):
    image = make_image()
    jpeg = image.get_rendition("width-480|format-jpeg")
    webp = image.get_rendition("width-480|format-webp")
    for rendition in (jpeg, webp):
        assert not has_gps(rendition.file.path)


def test_heic_is_converted_to_jpeg_without_exif(db):
    image = make_image(photo_bytes("HEIF", size=(640, 480)), name="IMG_0001.heic")
    assert image.file.name.endswith(".jpg")
    with PILImage.open(image.file.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (640, 480)
        assert len(stored.getexif()) == 0


# --- renditions made ahead of time -----------------------------------------------------------------


def test_specs_cover_every_format_and_width_once():
    class Wide:
        width = 3000
        file = type("F", (), {"name": "original_images/a.jpg"})()

    specs = images.rendition_specs(Wide())
    expected_formats = (*images.MODERN_FORMATS, "jpeg")
    assert len(specs) == len(images.RENDITION_WIDTHS) * len(expected_formats)
    assert specs[0] == f"width-{images.DEFAULT_WIDTH}|format-{expected_formats[0]}"
    # A narrow original is not enlarged: one rendition per format at its own width.
    Wide.width = 300
    assert images.rendition_specs(Wide()) == [f"width-300|format-{fmt}" for fmt in expected_formats]


def test_upload_enqueues_the_renditions_the_page_uses(db, django_capture_on_commit_callbacks):
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result)

    task_enqueued.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            image = make_image()
    finally:
        task_enqueued.disconnect(record)
    ours = [result for result in enqueued if result.task.name == "make_image_renditions"]
    assert [result.kwargs for result in ours] == [{"image_ids": [image.pk]}]

    # Whichever backend runs it (the database worker, or immediately), the task makes them all...
    made = images.make_image_renditions.call(image_ids=[image.pk])
    assert made == len(images.rendition_specs(image))
    assert image.renditions.count() == made
    # ...and a visitor then finds every rendition the page asks for already made.
    html = render_picture(Image.objects.get(pk=image.pk))
    assert image.renditions.count() == made
    assert 'loading="lazy"' in html and 'decoding="async"' in html


def render_picture(image, caption=""):
    from django.template import Context, Template

    return Template("{% load media_tags %}{% responsive_picture image caption=caption %}").render(
        Context({"image": image, "caption": caption})
    )


def test_picture_has_modern_sources_srcset_and_dimensions(db):
    image = make_image()
    image.contextual_alt_text = "Alt"
    html = render_picture(image)
    assert html.startswith("<picture>")
    assert 'type="image/webp"' in html
    if "avif" in images.MODERN_FORMATS:
        assert 'type="image/avif"' in html
        assert html.index("image/avif") < html.index("image/webp")
    img = re.search(r"<img[^>]*>", html).group(0)
    assert 'width="800"' in img and 'height="600"' in img
    assert re.search(r'srcset="[^"]+ 480w, [^"]+ 800w, [^"]+ 1200w"', img) or all(
        f" {width}w" in img for width in images.RENDITION_WIDTHS
    )
    assert ".jpg" in img and 'alt="Alt"' in img


# --- alt text per language ------------------------------------------------------------------------


def figure(image, alt, caption="", decorative=False):
    return {
        "type": "figure",
        "id": str(uuid.uuid4()),
        "value": {
            "image": {"image": image.pk, "decorative": decorative, "alt_text": alt},
            "caption": caption,
        },
    }


def translate_to_arabic(page, translations: dict[str, str], capture):
    """Translate through wagtail-localize, with a StringTranslation for each text given."""
    source, _created = TranslationSource.get_or_create_from_instance(page)
    arabic = Locale.objects.get(language_code="ar")
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        if segment.string.data in translations:
            StringTranslation.objects.create(
                translation_of=segment.string,
                locale=arabic,
                context=segment.context,
                data=translations[segment.string.data],
                translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
            )
    with capture(execute=True):  # wagtail-localize publishes on commit
        translated, _created = source.create_or_update_translation(
            arabic, publish=True, copy_parent_pages=True, fallback=True
        )
    return ContentPage.objects.get(pk=translated.pk)


def img_alts(html: str) -> list[str]:
    return re.findall(r'<img[^>]* alt="([^"]*)"', html)


@pytest.fixture
def figure_page(portal):
    def make(*blocks):
        page = ContentPage(title="广场", slug=f"square-{uuid.uuid4().hex[:6]}", body=json.dumps(list(blocks)))
        portal.sections["live"]["zh-hans"].add_child(instance=page)
        page.save_revision().publish()
        return ContentPage.objects.get(pk=page.pk)

    return make


def test_arabic_page_shows_the_arabic_alt_text(figure_page, client, django_capture_on_commit_callbacks):
    image = make_image(description=DESCRIPTION_ZH)
    page = figure_page(figure(image, ALT_ZH, CAPTION_ZH))
    assert img_alts(client.get(page.url).content.decode()) == [ALT_ZH]

    arabic = translate_to_arabic(
        page, {ALT_ZH: ALT_AR, CAPTION_ZH: CAPTION_AR}, django_capture_on_commit_callbacks
    )
    html = client.get(arabic.url).content.decode()
    assert img_alts(html) == [ALT_AR]
    assert ALT_ZH not in html and DESCRIPTION_ZH not in html


def test_untranslated_alt_never_shows_chinese_on_the_arabic_page(
    figure_page, client, django_capture_on_commit_callbacks
):
    image = make_image(description=DESCRIPTION_ZH)
    page = figure_page(
        figure(image, ALT_ZH, CAPTION_ZH),  # caption translated, alt not: the caption stands in
        figure(image, "另一张照片的说明"),  # nothing translated: a sentence in the visitor's language
    )
    arabic = translate_to_arabic(page, {CAPTION_ZH: CAPTION_AR}, django_capture_on_commit_callbacks)
    html = client.get(arabic.url).content.decode()
    caption_alt, generic_alt = img_alts(html)
    assert caption_alt == CAPTION_AR
    assert generic_alt  # an informative image never gets an empty alt
    assert not re.search(r"[\u4e00-\u9fff]", generic_alt + caption_alt)
    assert DESCRIPTION_ZH not in html


def test_decorative_image_has_empty_alt(figure_page, client):
    image = make_image(description=DESCRIPTION_ZH)
    page = figure_page(figure(image, "", decorative=True))
    assert img_alts(client.get(page.url).content.decode()) == [""]


def test_the_image_description_is_not_used_on_other_languages_pages(db):
    image = make_image(description=DESCRIPTION_ZH)
    image.contextual_alt_text = ""
    arabic_page = ContentPage(locale=Locale.objects.get(language_code="ar"), title="x", slug="x")
    assert images.image_alt(image, page=arabic_page) != DESCRIPTION_ZH
    chinese_page = ContentPage(locale=Locale.objects.get(language_code="zh-hans"), title="x", slug="x")
    assert images.image_alt(image, page=chinese_page) == DESCRIPTION_ZH


# --- the Wagtail admin ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [("IMG_0002.heic", lambda: photo_bytes("HEIF", size=(320, 240))), ("photo.jpg", photo_bytes)],
)
def test_admin_upload_accepts_heic_and_jpeg_and_strips_exif(admin_client, name, data):
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"title": "x", "files[]": SimpleUploadedFile(name, data())},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert response.json()["success"], response.json()
    image = Image.objects.get(pk=response.json()["image_id"])
    assert image.file.name.endswith(".jpg")
    assert not has_gps(image.file.path)


def test_admin_choosers_still_open(admin_client, db):
    make_image()
    assert admin_client.get(reverse("wagtailimages_chooser:choose")).status_code == 200
    assert admin_client.get(reverse("wagtaildocs_chooser:choose")).status_code == 200
    assert admin_client.get(reverse("wagtailimages:index")).status_code == 200
