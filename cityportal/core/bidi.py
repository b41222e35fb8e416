"""Keep Latin words, numbers, phone numbers and URLs readable inside right-to-left text.

In Arabic text a run such as "010-0000-0000" or "Beijing Capital Airport (PEK)" can be reordered by
the Unicode bidirectional algorithm; wrapping it in <bdi> isolates it. Translators cannot add the
tags themselves (wagtail-localize translates segment by segment from the Chinese source, which has
none), so the Arabic pages add them when they are rendered. No library does this for HTML; this is
a small scan over text nodes that leaves tags and their attributes alone.
"""

import re

TAG = re.compile(r"(<[^>]*>)")
# A run that starts and ends with a Latin letter or digit, with spaces and punctuation inside.
LATIN = r"A-Za-z0-9\u00C0-\u024F"
LTR_RUN = re.compile(rf"[{LATIN}+@#/(][{LATIN} .,:;/@#&%+_=()'’\-–~]*[{LATIN})%/]|[A-Za-z0-9]")
# Inside these elements nothing is wrapped.
SKIP = {"script", "style", "bdi", "code", "pre", "textarea", "title", "option", "svg"}
TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")
# Character references are left whole: a run must never begin or end inside "&lt;" or "&#39;".
ENTITY = re.compile(r"(&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")


def isolate(match: re.Match) -> str:
    """Wrap one run, leaving outside a bracket whose partner is not in the run."""
    run = match.group(0)
    before = after = ""
    if run.startswith("(") and ")" not in run:
        before, run = "(", run[1:]
    if run.endswith(")") and "(" not in run:
        run, after = run[:-1], ")"
    if not run.strip("()/"):
        return match.group(0)
    return f"{before}<bdi>{run}</bdi>{after}"


def isolate_ltr_runs(html: str) -> str:
    out = []
    skipping: list[str] = []
    for piece in TAG.split(html):
        if not piece:
            continue
        if piece.startswith("<"):
            out.append(piece)
            match = TAG_NAME.match(piece)
            if match:
                name = match.group(1).lower()
                if name in SKIP and not piece.endswith("/>"):
                    if piece.startswith("</"):
                        if skipping and skipping[-1] == name:
                            skipping.pop()
                    else:
                        skipping.append(name)
            continue
        if skipping or not LTR_RUN.search(piece):
            out.append(piece)
        else:
            out.append(
                "".join(
                    part if ENTITY.fullmatch(part) else LTR_RUN.sub(isolate, part)
                    for part in ENTITY.split(piece)
                )
            )
    return "".join(out)
