"""The glossary's rules: which official terms a Chinese text uses, and which a translation leaves out.

Pure functions over glossary terms (any object with `term_zh_hans`, `term_en`… attributes, such as
GlossaryTerm rows), plus reading the CSV import file. Texts may be HTML (wagtail-localize segments
hold inline tags): tags are dropped, entities decoded and the text NFKC-normalised before comparing, so
a full-width "ＡＰＥＣ" in the Chinese matches "APEC" and "Work <b>permit</b>" contains "work permit".
"""

import csv
import html
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

SOURCE_LANGUAGE = settings.LANGUAGE_CODE  # terms are looked for in Chinese text
LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
SPACES = re.compile(r"\s+")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def plain_text(markup: str) -> str:
    """The text of an HTML fragment, tags dropped (inline tags may split a term), NFKC, spaces collapsed."""
    text = html.unescape(TAG.sub("", LINE_BREAK.sub(" ", markup or "")))
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def fold(text: str) -> str:
    """The form two texts are compared in: case-insensitive for Latin and Cyrillic, NFKC."""
    return unicodedata.normalize("NFKC", text).casefold()


def rendering(term, language: str) -> str:
    """The term in `language` as the glossary fixes it, "" when nobody has filled it in (no fallback)."""
    value = getattr(term, build_localized_fieldname("term", language), "") or ""
    return SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()


class TermMatcher:
    """Finds the glossary's Chinese terms in a text, the longest first: where 工作许可证 and 工作许可 are
    both terms, "工作许可证" is the first only. Build it once for many texts (the report)."""

    def __init__(self, terms: Iterable):
        self.by_text: dict[str, object] = {}
        for term in terms:
            text = rendering(term, SOURCE_LANGUAGE)
            if text:
                self.by_text.setdefault(text, term)
        # At any position the regex takes the first alternative that matches: longest first.
        alternatives = sorted(self.by_text, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    def find(self, text: str) -> list:
        """The terms that occur in `text`, each once, in order of first occurrence."""
        if self.pattern is None:
            return []
        found = dict.fromkeys(match.group() for match in self.pattern.finditer(plain_text(text)))
        return [self.by_text[text] for text in found]

    def missing(self, source_text: str, translated_text: str, language: str) -> list:
        """Terms of the source whose glossary rendering in `language` the translation does not contain.

        A term with no rendering in that language yet cannot be checked, so it is not reported here."""
        translated = fold(plain_text(translated_text))
        return [
            term
            for term in self.find(source_text)
            if (expected := rendering(term, language)) and fold(expected) not in translated
        ]


def terms_in(text: str, terms: Iterable) -> list:
    """Which glossary terms occur in a Chinese text (HTML allowed), longest match first."""
    return TermMatcher(terms).find(text)


def missing_terms(source_text: str, translated_text: str, language: str, terms: Iterable) -> list:
    """Terms whose Chinese is in the source but whose rendering in `language` is not in the translation."""
    return TermMatcher(terms).missing(source_text, translated_text, language)


# --- The CSV import file (manage.py import_glossary) -------------------------------------------------

CATEGORY_COLUMN = "category"
NOTE_COLUMN = "note"


def language_columns() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def csv_columns() -> list[str]:
    """zh-hans,en,ko,ja,de,fr,es,ru,ar,category,note: the columns of the import and of the export."""
    return [*language_columns(), CATEGORY_COLUMN, NOTE_COLUMN]


@dataclass
class TermRow:
    """One valid row of an import file: the columns it has (a missing column leaves the field alone)."""

    line: int
    source: str  # the Chinese term, which identifies the row
    fields: dict[str, str] = field(default_factory=dict)  # model field name -> value


def parse_glossary_csv(text: str, *, categories: dict[str, str], max_length: int) -> tuple[list, list]:
    """Read an import file into TermRows; returns (rows, errors), errors as "Line N: …" sentences.

    `categories` maps each accepted spelling (value or label, lower case) to the stored value."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return [], [_("The file is empty: the first line must name the columns.")]
    header = [name.strip().lower() for name in header]
    known = csv_columns()
    errors = [
        _("Line 1: unknown column “%(column)s”. The columns are: %(columns)s.")
        % {"column": name, "columns": ", ".join(known)}
        for name in header
        if name not in known
    ]
    errors += [
        _("Line 1: the column “%(column)s” appears twice.") % {"column": name}
        for name in sorted({name for name in header if header.count(name) > 1})
    ]
    if SOURCE_LANGUAGE not in header:
        errors.append(
            _("Line 1: the column “%(column)s” (the Chinese term) is required.") % {"column": SOURCE_LANGUAGE}
        )
    if errors:
        return [], errors

    rows, first_line_of = [], {}
    line = reader.line_num  # the header's last line
    for values in reader:
        line, start = reader.line_num, line + 1  # a quoted cell may span lines: report where the row starts
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            errors.append(
                _("Line %(line)d: %(found)d cells where the header names %(expected)d columns.")
                % {"line": start, "found": len(values), "expected": len(header)}
            )
            continue
        cells = {name: value.strip() for name, value in zip(header, values, strict=True)}
        row, row_errors = _row(start, cells, categories, max_length)
        if row_errors:
            errors += row_errors
            continue
        if row.source in first_line_of:
            errors.append(
                _("Line %(line)d: the term “%(term)s” is already on line %(first)d.")
                % {"line": start, "term": row.source, "first": first_line_of[row.source]}
            )
            continue
        first_line_of[row.source] = start
        rows.append(row)
    return rows, errors


def _row(line: int, cells: dict[str, str], categories: dict[str, str], max_length: int):
    errors = []
    source = unicodedata.normalize("NFC", cells[SOURCE_LANGUAGE])
    if not source:
        errors.append(_("Line %(line)d: the Chinese term (column zh-hans) is empty.") % {"line": line})
    elif not HAN.search(source):
        errors.append(
            _("Line %(line)d: the Chinese term “%(term)s” has no Chinese characters.")
            % {"line": line, "term": source}
        )
    fields = {}
    for language in language_columns():
        if language in cells:
            value = unicodedata.normalize("NFC", cells[language])
            if len(value) > max_length:
                errors.append(
                    _("Line %(line)d: the %(language)s term is longer than %(max)d characters.")
                    % {"line": line, "language": language, "max": max_length}
                )
            fields[build_localized_fieldname("term", language)] = value
    if CATEGORY_COLUMN in cells:
        spelling = cells[CATEGORY_COLUMN].lower()
        if spelling and spelling not in categories:
            errors.append(
                _("Line %(line)d: unknown category “%(category)s”. The categories are: %(categories)s.")
                % {
                    "line": line,
                    "category": cells[CATEGORY_COLUMN],
                    "categories": ", ".join(sorted(set(categories.values()))),
                }
            )
        elif spelling:
            fields["category"] = categories[spelling]
    if NOTE_COLUMN in cells:
        fields["note"] = cells[NOTE_COLUMN]
    return TermRow(line=line, source=source, fields=fields), errors
