"""The texts of an article or policy, per language: plain texts, bodies in HTML, change notes.

A body is HTML as in the procedure catalogue (procedures/importing/markup.py: <p> <b> <i> <a href>
<ul> <ol> <li>, checked by the same code), plus what old news archives are full of: <strong> and <em>
are written as the <b> and <i> Wagtail's editor writes, and <h2>/<h3> headings between paragraphs
become the page's heading blocks. A translation must split into the same headings, paragraphs and
list items as the Chinese source, with the same links: wagtail-localize pairs them one by one.
"""

import datetime
import html
import re

from cityportal.procedures.importing.markup import markup_problem
from cityportal.procedures.importing.problems import Record
from cityportal.procedures.importing.schema import (
    SOURCE_LANGUAGE,
    compare_text,
    describe_links,
    links_per_segment,
)

TEXT, BODY = "text", "body"
HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.IGNORECASE | re.DOTALL)
EMPHASIS = re.compile(r"<(/?)(strong|em)>", re.IGNORECASE)
EMPHASIS_AS = {"strong": "b", "em": "i"}
CHANGE_NOTE_LIMIT = 500

Blocks = list[tuple[str, str]]  # ("heading", plain text) or ("paragraph", HTML)


def body_blocks(value: str) -> tuple[Blocks, str]:
    """The heading and paragraph blocks of a body, and what is wrong with it ("" when nothing)."""
    value = EMPHASIS.sub(lambda match: f"<{match[1]}{EMPHASIS_AS[match[2].lower()]}>", value)
    blocks: Blocks = []
    position = 0
    for match in HEADING.finditer(value):
        problem = add_paragraphs(blocks, value[position : match.start()])
        if problem:
            return blocks, problem
        heading = match[2].strip()
        if "<" in heading:
            return blocks, f"the heading “{heading[:40]}” must be plain text, without markup"
        if not heading:
            return blocks, "a heading is empty"
        blocks.append(("heading", html.unescape(heading)))
        position = match.end()
    problem = add_paragraphs(blocks, value[position:])
    return blocks, problem


def add_paragraphs(blocks: Blocks, chunk: str) -> str:
    chunk = chunk.strip()
    if not chunk:
        return ""
    problem = markup_problem(chunk)
    if problem:
        return f"{problem}; headings are <h2> or <h3> between paragraphs"
    blocks.append(("paragraph", chunk))
    return ""


def body_segments(blocks: Blocks) -> list[tuple[str, tuple]]:
    """What wagtail-localize makes of a body: one segment per heading, paragraph and list item."""
    segments = []
    for kind, value in blocks:
        if kind == "heading":
            segments.append(("heading", ()))
        else:
            segments.extend(("paragraph", links) for links in links_per_segment(value))
    return segments


def compare_body(texts: Record, name: str, source: Blocks, translated: Blocks) -> None:
    if bool(source) != bool(translated):
        texts.report(
            name,
            "missing (the Chinese source has it)" if source else "not in the Chinese source: leave it out",
        )
        return
    want, got = body_segments(source), body_segments(translated)
    if len(want) != len(got):
        texts.report(
            name,
            f"{len(got)} headings, paragraphs and list items where the Chinese source has {len(want)}",
        )
        return
    for number, ((want_kind, want_links), (got_kind, got_links)) in enumerate(zip(want, got, strict=True), 1):
        if want_kind != got_kind:
            texts.report(name, f"item {number} is a {got_kind} where the Chinese source has a {want_kind}")
            return
        if want_links != got_links:
            texts.report(
                name,
                f"paragraph or list item {number} has links {describe_links(got_links)} where the Chinese "
                f"source has {describe_links(want_links)}: links are shared by every language",
            )
            return


def read_body(record: Record, name: str, *, required: bool) -> Blocks:
    value = record.text(name, required=required)
    if not value:
        return []
    blocks, problem = body_blocks(value)
    if problem:
        record.report(name, problem)
    return blocks


def read_change_notes(record: Record, source: list | None) -> list[tuple[datetime.date, str]]:
    """Dated public notes; a translation gives the same notes, on the same dates, as the source."""
    notes = []
    for item in record.records("change_notes"):
        item.only(["date", "note"])
        notes.append(
            (item.date("date", required=True), item.text("note", required=True, max_length=CHANGE_NOTE_LIMIT))
        )
    if source is not None:
        if len(notes) != len(source):
            record.report("change_notes", f"{len(notes)} notes where the Chinese source has {len(source)}")
        elif [day for day, _note in notes] != [day for day, _note in source]:
            record.report("change_notes", "the dates differ from the Chinese source's: give the same notes")
    return notes


def read_language(texts: Record, fields: list[tuple], source: dict | None, *, extra=()) -> dict:
    """One language's texts. `fields` lists (name, kind, required, max length) of the page's texts,
    `extra` names texts that are not the page's (e.g. a document title). A translation gives a
    text exactly where the source does, split the same way."""
    texts.only([*(name for name, *_rest in fields), "change_notes", *extra])
    is_source = source is None
    result: dict = {}
    for name, kind, required, max_length in fields:
        if kind == BODY:
            result[name] = read_body(texts, name, required=required and is_source)
            if source is not None:
                compare_body(texts, name, source[name], result[name])
        else:
            result[name] = texts.text(name, required=required and is_source, max_length=max_length)
            if source is not None:
                compare_text(texts, name, TEXT, source[name], result[name])
    result["change_notes"] = read_change_notes(texts, None if is_source else source["change_notes"])
    for name in extra:
        result[name] = texts.text(name, max_length=255)
    return result


def read_translations(record: Record, languages: list[str], fields: list[tuple], *, extra=()) -> dict:
    """Every language's texts, the Chinese source first: {language: {name: value}}."""
    translations = record.mapping("translations", required=True)
    if translations is None:
        return {}
    for language in translations.data:
        if language not in languages:
            translations.report(str(language), f"unknown language (the portal's are: {', '.join(languages)})")
    if SOURCE_LANGUAGE not in translations.data:
        translations.report(SOURCE_LANGUAGE, "missing: the Chinese text is the source of every translation")
        return {}
    found: dict = {}
    for language in [SOURCE_LANGUAGE, *(code for code in languages if code != SOURCE_LANGUAGE)]:
        texts = translations.mapping(language)
        if texts is not None:
            found[language] = read_language(texts, fields, found.get(SOURCE_LANGUAGE), extra=extra)
    return found
