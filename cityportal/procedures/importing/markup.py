"""Rich text in a catalogue: HTML limited to <p> <b> <i> <a href> <ul> <ol> <li>.

nh3 (the sanitiser) decides: a text is accepted only when cleaning it down to the allowed markup
changes nothing beyond what cleaning it with its own markup kept changes. Anything else is refused
with the first offending tag or attribute named, never silently dropped or escaped.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = {"p", "b", "i", "a", "ul", "ol", "li"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
BLOCK_TAGS = {"p", "ul", "ol"}
ALLOWED_HINT = "<p> <b> <i> <a href> <ul> <ol> <li>"


class MarkupScan(HTMLParser):
    """Every tag, attribute and link scheme a text uses, and what is wrong with the first bad one."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: dict[str, set[str]] = {}
        self.schemes: set[str] = set()
        self.faults: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in ALLOWED_TAGS:
            self.faults.append(f"<{tag}> is not allowed (use only {ALLOWED_HINT})")
        elif self.depth == 0 and tag not in BLOCK_TAGS:
            self.faults.append(f"<{tag}> must be inside a paragraph or list")
        for name, value in attrs:
            self.attributes.setdefault(tag, set()).add(name)
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.faults.append(f"the attribute {name} on <{tag}> is not allowed")
            elif name == "href":
                scheme = urlsplit(value or "").scheme.lower()
                if scheme:
                    self.schemes.add(scheme)
                if not value or scheme not in URL_SCHEMES:
                    self.faults.append(
                        f"the link “{value}” must be a full address (https://, http://, mailto: or tel:)"
                    )
        if tag == "a" and "href" not in dict(attrs):
            self.faults.append("<a> needs an href")
        self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.depth -= 1

    def handle_endtag(self, tag):
        self.depth = max(0, self.depth - 1)

    def handle_data(self, data):
        if self.depth == 0 and data.strip():
            self.faults.append(f"the text “{data.strip()[:40]}” must be inside <p>, <ul> or <ol>")

    def handle_comment(self, data):
        self.faults.append("HTML comments are not allowed")

    def handle_decl(self, decl):
        self.faults.append(f"<!{decl}> is not allowed")

    def handle_pi(self, data):
        self.faults.append(f"<?{data}> is not allowed")


def markup_problem(html: str) -> str:
    """What is wrong with a rich text, or "" when it may be imported as it is."""
    scan = MarkupScan()
    scan.feed(html)
    scan.close()
    allowed = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    as_written = nh3.clean(
        html,
        tags=scan.tags | ALLOWED_TAGS,
        clean_content_tags=set(),
        attributes=dict(scan.attributes),
        url_schemes=scan.schemes | URL_SCHEMES,
        link_rel=None,
        strip_comments=False,
    )
    if scan.faults:
        return scan.faults[0]
    if allowed != as_written:
        return f"markup that is not allowed (use only {ALLOWED_HINT})"
    return ""
