"""The stylesheets mirror for Arabic through logical properties, and pages stay within their weight budget."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings

STATIC = Path(settings.PROJECT_DIR) / "static"
PHYSICAL = re.compile(
    r"(?<![-\w])(margin|padding|border)-(left|right)\b"
    r"|(?<![-\w])(left|right)\s*:"
    r"|(?<![-\w])float\s*:\s*(left|right)"
    r"|(?<![-\w])text-align\s*:\s*(left|right)"
    r"|(?<![-\w])clear\s*:\s*(left|right)"
    r"|border-(top|bottom)-(left|right)-radius"
)
EXTERNAL = re.compile(
    r"""(src|href)\s*=\s*["'](https?:)?//|@import\s+url\(\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//"""
)


def stylesheets():
    return sorted(STATIC.glob("**/*.css"))


def test_there_are_stylesheets_to_check():
    assert stylesheets()


@pytest.mark.parametrize("path", stylesheets(), ids=lambda p: p.name)
def test_stylesheets_use_only_logical_properties(path):
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    offenders = [match.group(0) for match in PHYSICAL.finditer(css)]
    assert not offenders, f"{path.name} uses physical left/right: {offenders}"


def test_the_physical_property_check_catches_offenders():
    assert PHYSICAL.search("a { margin-left: 1px }")
    assert PHYSICAL.search("a { left: 0 }")
    assert PHYSICAL.search("a { text-align: right }")
    assert not PHYSICAL.search("a { margin-inline-start: 1px; inset-inline-start: 0; text-align: start }")


def test_templates_and_assets_load_nothing_from_other_origins():
    roots = [Path(settings.PROJECT_DIR) / "templates", STATIC]
    offenders = []
    for root in roots:
        for path in root.glob("**/*"):
            if path.suffix in {".html", ".css", ".js"} and EXTERNAL.search(path.read_text()):
                offenders.append(str(path))
    assert not offenders


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def linked_assets(html: str, kind: str) -> list[Path]:
    pattern = (
        r'<link rel="stylesheet" href="/static/([^"]+)"'
        if kind == "css"
        else r'<script src="/static/([^"]+)"'
    )
    return [STATIC / name for name in re.findall(pattern, html)]


@pytest.mark.parametrize("path", ["/en/", "/ar/work/", "/zh-hans/", "/ja/work/work-permit/"])
def test_page_weight_budget(client, portal, path):
    response = client.get(path)
    html = response.content
    css = b"".join(p.read_bytes() for p in linked_assets(html.decode(), "css"))
    js = b"".join(p.read_bytes() for p in linked_assets(html.decode(), "js"))
    assert gzipped_size(html + css) <= 60 * 1024, "HTML + CSS over 60 KB compressed"
    assert gzipped_size(js) <= 30 * 1024, "JavaScript over 30 KB compressed"


def test_scripts_never_block_rendering(client, portal):
    html = client.get("/en/").content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        if 'type="application/ld+json"' in tag:
            continue
        assert " defer" in tag or " async" in tag or 'type="module"' in tag, tag
