"""Each language's text of a demo policy as its own PDF, for the policy page's attached files.

The page's HTML stays the primary version; the PDF is a convenience for printing and keeping. It is
made with WeasyPrint as PDF/UA-1: tagged (headings, table, lists), with the document's language and
title in its metadata, Arabic set right to left, in the Noto fonts Debian ships (fonts-noto-core,
fonts-noto-cjk), and "sample content" in the footer of every page.

WeasyPrint writes the same bytes for the same input, and a PDF's file name carries a hash of that
input, so the loader renders a PDF again only when its text changed, and the documents holding them
are found again by their content.
"""

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import nh3
import yaml
from django.template import Context, Template
from django.utils import translation

from cityportal.core import i18n
from cityportal.procedures.importing.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

DEMO_DIR = Path(__file__).parent
TEMPLATE_FILE = DEMO_DIR / "policy_pdf.html"
LABELS_FILE = DEMO_DIR / "pdf_labels.yaml"
# Unquoted family names: the list goes into the template's CSS through autoescaping unchanged.
# Every list ends with the Chinese font, for the Chinese document numbers the other languages show.
LATIN = "Noto Sans, Noto Sans CJK SC, sans-serif"
FONTS = {
    "zh-hans": "Noto Sans CJK SC, sans-serif",
    "ja": "Noto Sans CJK JP, sans-serif",
    "ko": "Noto Sans CJK KR, sans-serif",
    "ar": "Noto Naskh Arabic, Noto Sans, Noto Sans CJK SC, sans-serif",
}
REQUIRED_FONTS = ("Noto Sans", "Noto Sans CJK SC", "Noto Naskh Arabic")
FONT_PACKAGES = "fonts-noto-core fonts-noto-cjk"


@dataclass(frozen=True)
class PolicyText:
    """What one language's PDF of a policy shows."""

    key: str
    language: str
    document_title: str  # the PDF's title (its metadata and the document's title in the admin)
    title: str
    summary: str
    authority: str
    document_number: str
    date_issued: date
    effective_date: date | None
    expiry_date: date | None
    withdrawn_on: date | None
    withdrawal_note: str
    body: list[tuple[str, str]]  # ("heading", text) or ("paragraph", HTML), as the import reads them
    interpretation: list[tuple[str, str]]


def unavailable() -> str:
    """Why PDFs cannot be made on this machine, as a sentence saying what to install; "" if they can."""
    try:
        import weasyprint  # noqa: F401 - only to see whether it and its system libraries load
    except (ImportError, OSError) as error:
        return (
            f"WeasyPrint cannot be loaded ({error}). Run `make install`; WeasyPrint also needs Pango "
            "(Debian: libpango-1.0-0 libpangoft2-1.0-0)."
        )
    missing = missing_fonts()
    if missing:
        return (
            f"The fonts {', '.join(missing)} are missing. Install the Debian packages {FONT_PACKAGES} "
            "(`make demo-deps`) and load the demo again."
        )
    return ""


def missing_fonts() -> list[str]:
    """The required font families fontconfig does not know (all of them without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return list(REQUIRED_FONTS)
    # A fixed command found on PATH, with fixed arguments.
    listed = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, check=False)  # noqa: S603
    families = {name.strip() for line in listed.stdout.splitlines() for name in line.split(",")}
    return [family for family in REQUIRED_FONTS if family not in families]


def read_labels(path: Path = LABELS_FILE) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def clean(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The import has already refused any markup beyond its few tags; cleaning again costs nothing and
    keeps the template's |safe honest."""
    return [
        (
            kind,
            value
            if kind == "heading"
            else nh3.clean(value, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES),
        )
        for kind, value in blocks
    ]


def policy_html(text: PolicyText, labels: dict[str, str]) -> str:
    template = Template(TEMPLATE_FILE.read_text(encoding="utf-8"))
    # The dates are written the language's way (core_tags.format_date follows the active language).
    with translation.override(text.language):
        return template.render(
            Context(
                {
                    **text.__dict__,
                    "body": clean(text.body),
                    "interpretation": clean(text.interpretation),
                    "labels": labels,
                    "lang_tag": i18n.bcp47(text.language),
                    "direction": "rtl" if i18n.is_rtl(text.language) else "ltr",
                    "fonts": FONTS.get(text.language, LATIN),
                }
            )
        )


def file_name(text: PolicyText, html: str) -> str:
    """`<key>-<language>-<hash>.pdf`: the hash of everything the PDF is made from."""
    import weasyprint

    digest = hashlib.sha256(f"{weasyprint.__version__}\n{html}".encode()).hexdigest()[:16]
    return f"{text.key}-{text.language}-{digest}.pdf"


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
