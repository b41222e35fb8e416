"""QR codes of booking references: inline SVG for pages, PNG for emails, nothing but a reference in them."""

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from cityportal.appointments.qr import reference_qr_png, reference_qr_svg
from cityportal.core.references import new_reference

SVG = "{http://www.w3.org/2000/svg}"


def test_the_svg_is_a_named_image_that_css_can_resize():
    reference = new_reference()
    svg = reference_qr_svg(reference)
    # Our own markup, parsed to check its structure: no untrusted XML here.
    root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))  # noqa: S314
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == f"QR code of booking reference {reference}"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert "<?xml" not in svg  # inline markup, not a document


@pytest.mark.parametrize(
    "not_a_reference", ["", '"><script>alert(1)</script>', "K7QM3-XHD9", "k7qm3-xhd9p", "K7QM3XHD9P"]
)
def test_only_a_well_formed_reference_is_encoded(not_a_reference):
    # The SVG is marked safe in templates: anything but a stored reference is refused, not escaped.
    with pytest.raises(ValueError):
        reference_qr_svg(not_a_reference)
    with pytest.raises(ValueError):
        reference_qr_png(not_a_reference)


def test_the_png_is_a_black_on_white_square_large_enough_to_scan():
    image = Image.open(io.BytesIO(reference_qr_png(new_reference())))
    assert image.format == "PNG"
    assert image.width == image.height >= 200
    grey = image.convert("L")
    assert grey.getpixel((0, 0)) == 255  # the quiet zone is white
    # The top-left finder pattern starts after the 4-module border (8 px per module): dark.
    assert grey.getpixel((4 * 8 + 1, 4 * 8 + 1)) == 0


def test_the_same_reference_always_gives_the_same_code():
    reference = new_reference()
    assert reference_qr_png(reference) == reference_qr_png(reference)
    assert reference_qr_svg(reference) == reference_qr_svg(reference)
