"""Attachments are judged by their bytes: images come out re-encoded without EXIF, PDFs as they were,
and anything else — however it is named — is refused with a message naming the file."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile
from pypdf import PdfWriter

from cityportal.core.models import OutboundEmail

from .. import attachments
from ..models import Question, QuestionAttachment

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


# --- Real files, made here ------------------------------------------------------------------------------


def jpeg_with_gps(size=(40, 20)) -> bytes:
    """A photo as a phone writes it: EXIF with the camera, the GPS position and “rotate 90°”."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, 51.0),
    }
    output = io.BytesIO()
    Image.new("RGB", size, "navy").save(output, "JPEG", exif=exif, comment=b"Taken at home")
    return output.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Amira Haddad")
    output = io.BytesIO()
    Image.new("RGB", (30, 30), "white").save(output, "PNG", pnginfo=info)
    return output.getvalue()


def webp() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(output, "WEBP")
    return output.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares a huge canvas (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(upload_file) -> str:
    with pytest.raises(ValidationError) as refused:
        attachments.clean_attachment(upload_file)
    return " ".join(refused.value.messages)


# --- Images ---------------------------------------------------------------------------------------------


def test_a_jpeg_comes_out_upright_without_exif_gps_or_comment():
    original = Image.open(io.BytesIO(jpeg_with_gps()))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry a position

    clean = attachments.clean_attachment(upload("IMG_0001.JPG", jpeg_with_gps()))

    assert clean.content_type == "image/jpeg"
    image = Image.open(io.BytesIO(clean.data))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "comment" not in image.info
    assert image.size == (20, 40)  # turned upright from the orientation tag, which is gone
    assert b"PhoneMaker" not in clean.data and b"Taken at home" not in clean.data


def test_a_png_comes_out_as_a_png_without_its_text_chunks():
    clean = attachments.clean_attachment(upload("scan.png", png_with_text(), "image/png"))

    image = Image.open(io.BytesIO(clean.data))
    image.load()
    assert (image.format, clean.content_type) == ("PNG", "image/png")
    assert "Author" not in image.info and b"Amira" not in clean.data


def test_a_transparent_palette_png_keeps_its_transparency():
    picture = Image.new("P", (4, 4), 0)
    picture.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    picture.putpixel((0, 0), 1)
    output = io.BytesIO()
    picture.save(output, "PNG", transparency=0)

    clean = attachments.clean_attachment(upload("stamp.png", output.getvalue(), "image/png"))

    image = Image.open(io.BytesIO(clean.data)).convert("RGBA")
    assert image.getpixel((1, 1))[3] == 0
    assert image.getpixel((0, 0)) == (0, 0, 255, 255)


def test_a_webp_is_accepted():
    clean = attachments.clean_attachment(upload("permit.webp", webp(), "image/webp"))
    assert clean.content_type == "image/webp"
    assert Image.open(io.BytesIO(clean.data)).format == "WEBP"


def test_the_type_comes_from_the_content_and_the_name_gets_the_real_extension():
    clean = attachments.clean_attachment(upload("scan.png", jpeg_with_gps(), "image/png"))
    assert clean.content_type == "image/jpeg"
    assert clean.name == "scan.jpg"


# --- PDFs -----------------------------------------------------------------------------------------------


def test_a_pdf_is_kept_as_it_is():
    data = pdf()
    clean = attachments.clean_attachment(upload("letter.pdf", data, "application/octet-stream"))
    assert (clean.content_type, clean.data, clean.name) == ("application/pdf", data, "letter.pdf")


def test_a_pdf_cut_short_is_refused_as_damaged():
    data = pdf()
    message = refusal(upload("letter.pdf", data[: len(data) // 2], "application/pdf"))
    assert (
        message
        == "“letter.pdf” could not be read: the file seems to be damaged. Save it again and choose it again."
    )


# --- Disguised, damaged and oversized files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("passport.jpg", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("passport.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'),
        ("permit.pdf.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("photo.jpg", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04"),
        ("letter.pdf", b"%PDF-x.y not a real pdf %%EOF"),
    ],
    ids=["html", "svg", "executable", "gif", "fake-pdf"],
)
def test_a_disguised_file_is_refused_with_a_message_naming_it(name, data):
    message = refusal(upload(name, data))
    assert message == (
        f"“{name}” is not a JPEG, PNG or WebP image or a PDF document, so we cannot accept it. "
        "Send a photo or a scan in one of these formats."
    )


@pytest.mark.parametrize("pillow_loads_truncated", [False, True], ids=["pillow-default", "after-weasyprint"])
def test_a_truncated_jpeg_is_refused_as_damaged(pillow_loads_truncated, monkeypatch):
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported: refuse all the same.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", pillow_loads_truncated)
    data = jpeg_with_gps(size=(400, 300))
    assert "seems to be damaged" in refusal(upload("photo.jpg", data[: len(data) // 2]))


@pytest.mark.parametrize(("width", "height"), [(8000, 8000), (30000, 30000)], ids=["ours", "pillows"])
def test_an_image_too_large_to_decode_is_refused_clearly(width, height):
    message = refusal(upload("bomb.png", png_claiming(width, height), "image/png"))
    assert message == (
        "“bomb.png” is an image too large for us to process. Send a smaller photo, of up to 50 megapixels."
    )


class ReadCountingUpload(SimpleUploadedFile):
    reads = 0

    def read(self, *args, **kwargs):
        type(self).reads += 1
        return super().read(*args, **kwargs)


def test_an_oversized_file_is_refused_from_its_size_before_it_is_read(settings):
    settings.CONSULTATION_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    big = ReadCountingUpload("passport.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024) + b"%%EOF")

    message = refusal(big)

    assert message == (
        "“passport.pdf” is larger than 2 MB. Each file can be up to 2 MB: "
        "send a smaller photo or a PDF with fewer pages."
    )
    assert ReadCountingUpload.reads == 0


def test_more_files_than_allowed_are_refused():
    files = [upload(f"page{n}.webp", webp(), "image/webp") for n in range(4)]
    with pytest.raises(ValidationError) as refused:
        attachments.clean_attachments(files)
    assert refused.value.messages == ["You can send at most 3 files with a question; you chose 4."]


def test_every_bad_file_is_named_at_once():
    files = [upload("a.jpg", b"<html>"), upload("b.webp", webp(), "image/webp"), upload("c.png", b"")]
    with pytest.raises(ValidationError) as refused:
        attachments.clean_attachments(files)
    assert [message[:7] for message in refused.value.messages] == ["“a.jpg”", "“c.png”"]


# --- Names ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("../../etc/passwd\x00.pdf", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\amira\\Desktop\\护照 首页.JPG", "image/jpeg", "护照 首页.jpg"),
        ("report\u202egpj.exe", "image/jpeg", "reportgpj.exe.jpg"),
        ("permit.png", "image/jpeg", "permit.jpg"),
        ("  ..hidden  ", "application/pdf", "hidden.pdf"),
        ("\x07\x08", "image/png", "attachment.png"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 96 + ".pdf"),
    ],
)
def test_file_names_are_cleaned_for_display(name, content_type, expected):
    assert attachments.clean_file_name(name, content_type) == expected


def test_stored_names_are_random_with_the_real_extension():
    first, second = attachments.stored_file_name("image/jpeg"), attachments.stored_file_name("image/jpeg")
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", first)
    assert first != second


# --- Through the form -------------------------------------------------------------------------------------


def answers(**changes):
    values = {
        "topic": "live",
        "question": "Is this residence registration form filled in correctly?",
        "email": "amira@example.org",
        "privacy_consent": "on",
    }
    values.update(changes)
    return values


def post(client, data, language="en"):
    return client.post(f"/{language}/ask/", data, headers=SAME_ORIGIN, REMOTE_ADDR="203.0.113.50")


def stored_files(private_storage):
    return (
        sorted(path for path in private_storage.rglob("*") if path.is_file())
        if private_storage.exists()
        else []
    )


@pytest.mark.usefixtures("portal")
def test_sent_files_reach_the_private_storage_cleaned(client, private_storage):
    response = post(
        client,
        answers(
            attachments=[upload("passport photo.jpg", jpeg_with_gps()), upload("letter.pdf", pdf())],
            attachments_consent="on",
        ),
    )

    assert response.status_code == 200
    question = Question.objects.get()
    assert question.attachments_consent_at is not None
    photo, letter = question.attachments.all()
    assert (photo.original_name, photo.content_type) == ("passport photo.jpg", "image/jpeg")
    assert (letter.original_name, letter.content_type) == ("letter.pdf", "application/pdf")
    with photo.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert dict(image.getexif()) == {} and image.size == (20, 40)
    assert photo.size == photo.file.size
    assert len(stored_files(private_storage)) == 2
    assert "files you sent" in response.content.decode()


@pytest.mark.usefixtures("portal")
def test_files_are_stored_under_a_random_name(client, private_storage):
    post(
        client,
        answers(attachments=[upload("Amira Haddad passport.jpg", jpeg_with_gps())], attachments_consent="on"),
    )

    (path,) = stored_files(private_storage)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", path.name)
    assert QuestionAttachment.objects.get().original_name == "Amira Haddad passport.jpg"


@pytest.mark.usefixtures("portal")
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"attachments": [upload("passport.jpg", jpeg_with_gps())]},
            "To send the files you chose, give your separate consent to their use; otherwise remove them.",
        ),
        (
            {
                "attachments": [upload("passport.jpg", b"<html><script>alert(1)</script>")],
                "attachments_consent": "on",
            },
            "“passport.jpg” is not a JPEG, PNG or WebP image or a PDF document",
        ),
        (
            {"attachments": [upload(f"p{n}.webp", webp()) for n in range(4)], "attachments_consent": "on"},
            "You can send at most 3 files with a question; you chose 4.",
        ),
    ],
    ids=["no-consent", "disguised", "too-many"],
)
def test_bad_files_write_nothing_and_ask_to_choose_the_files_again(client, private_storage, changes, message):
    response = post(client, answers(**changes))

    html = response.content.decode()
    assert message in html
    assert "Please choose them again." in html  # a browser cannot keep files in a form shown again
    assert not Question.objects.exists() and not OutboundEmail.objects.exists()
    assert stored_files(private_storage) == []


@pytest.mark.usefixtures("portal")
def test_an_oversized_file_is_refused_through_the_form(client, private_storage, settings):
    settings.CONSULTATION_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = upload("scan.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024) + b"\n%%EOF", "application/pdf")

    response = post(client, answers(attachments=[big], attachments_consent="on"))

    assert "“scan.pdf” is larger than 1 MB." in response.content.decode()
    assert not Question.objects.exists()
    assert stored_files(private_storage) == []
