"""The interface catalogues: complete, really translated, valid for msgfmt, in each language's script
and compiled into the committed .mo files.

Each check is a function over a catalogue's path that returns the problems it found (empty when
the catalogue is sound), so the tests at the bottom can run it against a deliberately broken copy
and show that it complains.
"""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
# Locale directory names (zh-hans -> zh_Hans) of every language but English, whose msgids are English.
LOCALES = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]

# Translations that may legitimately be spelt exactly like the English msgid: names and codes in
# every language, and ordinary words that the language shares with English.
SAME_AS_ENGLISH = {"ICP", "CNY", "WeChat", "Alipay", "UTC", "PDF", "FAQ", "FAQs"}
SAME_AS_ENGLISH_IN = {
    # French spells the Wagtail model's names ("document", "documents") like English, and "page",
    # "pages" (Wagtail's "Pages" menu, "page 2" of results) and "type" (a search filter) too.
    "fr": {"Image", "Document", "document", "documents", "Page", "Pages", "page", "Type"},
    # "Error:", the prefix screen readers announce before a form error, is "Error:" in Spanish too.
    "es": {"Error"},
}

# Per language, the characters a translation must contain (at least one, beyond those of the msgid).
SCRIPTS = {
    "ar": [(0x0600, 0x06FF)],
    "zh_Hans": [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF)],
    "ja": [(0x3040, 0x309F), (0x30A0, 0x30FF), (0x4E00, 0x9FFF), (0x3400, 0x4DBF)],
    "ko": [(0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F)],
    "ru": [(0x0400, 0x04FF)],
}

# gettext's number of plural forms per language; French and Spanish may use CLDR's three (as
# Django's own catalogues do) or the classic two.
NPLURALS = {
    "zh_Hans": {1},
    "ko": {1},
    "ja": {1},
    "de": {2},
    "fr": {2, 3},
    "es": {2, 3},
    "ru": {3},
    "ar": {6},
}


def po_path(locale_dir: Path, locale: str) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / "django.po"


def entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def msgstrs(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


# A printf-style placeholder: %(name)s, %(count)d, %s, %%. Its name is code, not words of the language.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0+-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")


def without_placeholders(text: str) -> str:
    return PLACEHOLDER.sub("", text)


def has_letters(text: str) -> bool:
    return any(char.isalpha() for char in without_placeholders(text))


WORD = re.compile(r"[^\W\d_]+")  # a run of letters


# --- The checks -----------------------------------------------------------------------------------


def untranslated_or_fuzzy(path: Path) -> list[str]:
    po = polib.pofile(str(path))
    problems = [f"{path}: the header is fuzzy"] if po.metadata_is_fuzzy else []
    for entry in entries(path):
        if "fuzzy" in entry.flags:
            problems.append(f"{path}:{entry.linenum}: fuzzy: {entry.msgid!r}")
        elif not all(msgstrs(entry)):
            problems.append(f"{path}:{entry.linenum}: untranslated: {entry.msgid!r}")
    return problems


def copies_of_english(path: Path, locale: str) -> list[str]:
    """Translations identical to their msgid, unless every word in them is allowlisted (so "WeChat"
    and "(UTC+8)" may stay as they are) or they have no letters at all (numbers, punctuation and
    placeholders, so "%(type)s, %(size)s" may keep the English commas)."""
    allowed = SAME_AS_ENGLISH | SAME_AS_ENGLISH_IN.get(locale, set())
    problems = []
    for entry in entries(path):
        sources = {entry.msgid, entry.msgid_plural} - {""}
        for text in msgstrs(entry):
            if text in sources and not set(WORD.findall(without_placeholders(text))) <= allowed:
                problems.append(f"{path}:{entry.linenum}: copies the English: {text!r}")
    return problems


def msgfmt_errors(path: Path) -> list[str]:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt was not found: install GNU gettext (Debian: apt-get install gettext).")
    result = subprocess.run(  # noqa: S603 - a fixed program on our own files
        [msgfmt, "--check", "--output-file", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return []
    return [line for line in result.stderr.splitlines() if line.strip()] or [f"msgfmt failed on {path}"]


def in_script(char: str, ranges: list[tuple[int, int]]) -> bool:
    return any(low <= ord(char) <= high for low, high in ranges)


def outside_script(path: Path, locale: str) -> list[str]:
    """Translations with letters (outside placeholders) but none of the language's script, other than
    what the msgid had (so "For example 京ICP备…" left in English does not pass as Chinese)."""
    ranges = SCRIPTS.get(locale)
    if ranges is None:
        return []
    problems = []
    for entry in entries(path):
        for text in msgstrs(entry):
            if not has_letters(text):
                continue
            own = set(text) - set(entry.msgid) - set(entry.msgid_plural or "")
            if not any(in_script(char, ranges) for char in own):
                problems.append(f"{path}:{entry.linenum}: not written in {locale}'s script: {text!r}")
    return problems


def stale_mo(path: Path) -> list[str]:
    """Differences between the committed .mo beside the .po and what the .po compiles to."""
    mo_path = path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path} is missing: run compilemessages"]
    po = polib.pofile(str(path))

    def compiled(catalogue):
        return {
            (entry.msgctxt, entry.msgid, entry.msgid_plural): (
                entry.msgstr,
                tuple(sorted(entry.msgstr_plural.items())),
            )
            for entry in catalogue
            if not entry.obsolete and "fuzzy" not in entry.flags and any(msgstrs(entry))
        }

    expected, actual = compiled(po), compiled(polib.mofile(str(mo_path)))
    problems = [
        f"{mo_path}: {key[1]!r} is {actual.get(key)!r} in the .mo, {expected.get(key)!r} in the .po"
        for key in sorted(expected.keys() | actual.keys(), key=repr)
        if expected.get(key) != actual.get(key)
    ]
    # msgfmt leaves POT-Creation-Date out of the .mo; every other header field is copied.
    po_header = {key: value for key, value in po.metadata.items() if key != "POT-Creation-Date"}
    if dict(polib.mofile(str(mo_path)).metadata) != po_header:
        problems.append(f"{mo_path}: its header differs from the .po's")
    if problems:
        problems.append("run: .venv/bin/python manage.py compilemessages --ignore=.venv")
    return problems


def header_problems(path: Path, locale: str) -> list[str]:
    metadata = polib.pofile(str(path)).metadata
    problems = []
    if metadata.get("Language") != locale:
        problems.append(f"{path}: Language is {metadata.get('Language')!r}, not {locale!r}")
    if "charset=UTF-8" not in metadata.get("Content-Type", ""):
        problems.append(f"{path}: Content-Type is not charset=UTF-8")
    forms = metadata.get("Plural-Forms", "")
    nplurals = forms.split("nplurals=", 1)[-1].split(";", 1)[0].strip() if "nplurals=" in forms else ""
    if not nplurals.isdigit() or int(nplurals) not in NPLURALS[locale]:
        problems.append(f"{path}: nplurals is {nplurals!r}, expected one of {sorted(NPLURALS[locale])}")
    return problems


def missing_catalogues(locale_dir: Path, locales: list[str]) -> list[str]:
    paths = [po_path(locale_dir, locale) for locale in locales]
    return [str(path) for path in paths if not path.exists()]


# --- The portal's catalogues ----------------------------------------------------------------------


def test_every_language_except_english_has_a_catalogue():
    assert LOCALES, "settings.LANGUAGES lists no language to translate into"
    assert missing_catalogues(LOCALE_DIR, LOCALES) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_is_translated_and_none_is_fuzzy(locale):
    assert untranslated_or_fuzzy(po_path(LOCALE_DIR, locale)) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_no_translation_merely_copies_the_english(locale):
    assert copies_of_english(po_path(LOCALE_DIR, locale), locale) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_msgfmt_check_finds_no_error(locale):
    assert msgfmt_errors(po_path(LOCALE_DIR, locale)) == []


@pytest.mark.parametrize("locale", sorted(SCRIPTS))
def test_every_translation_is_written_in_the_languages_script(locale):
    assert outside_script(po_path(LOCALE_DIR, locale), locale) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_mo_is_what_the_po_compiles_to(locale):
    assert stale_mo(po_path(LOCALE_DIR, locale)) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_header_names_the_language_utf8_and_its_plural_forms(locale):
    assert header_problems(po_path(LOCALE_DIR, locale), locale) == []


# --- Each check complains about a broken copy -------------------------------------------------------


def broken_copy(tmp_path: Path, locale: str, msgid: str, msgstr: str | None = None, fuzzy=False) -> Path:
    """A copy of one catalogue (and its .mo) in tmp_path, with one entry changed in the .po only."""
    source = po_path(LOCALE_DIR, locale)
    target = po_path(tmp_path, locale)
    target.parent.mkdir(parents=True)
    shutil.copy(source.with_suffix(".mo"), target.with_suffix(".mo"))
    po = polib.pofile(str(source))
    entry = po.find(msgid)
    assert entry is not None, f"{msgid!r} is not in {source}"
    if msgstr is not None:
        entry.msgstr = msgstr
    if fuzzy:
        entry.flags.append("fuzzy")
    po.save(str(target))
    return target


def test_an_untranslated_entry_is_reported(tmp_path):
    path = broken_copy(tmp_path, "de", "Latest updates", msgstr="")
    assert any("untranslated: 'Latest updates'" in problem for problem in untranslated_or_fuzzy(path))


def test_a_fuzzy_entry_is_reported(tmp_path):
    path = broken_copy(tmp_path, "ja", "Page not found", fuzzy=True)
    assert any("fuzzy: 'Page not found'" in problem for problem in untranslated_or_fuzzy(path))


def test_a_translation_that_copies_the_english_is_reported(tmp_path):
    path = broken_copy(tmp_path, "es", "Skip to main content", msgstr="Skip to main content")
    assert any("copies the English" in problem for problem in copies_of_english(path, "es"))


def test_allowlisted_words_and_strings_without_letters_may_stay_english(tmp_path):
    path = po_path(tmp_path, "de")
    path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.extend(
        [
            polib.POEntry(msgid="WeChat", msgstr="WeChat"),
            polib.POEntry(msgid="(UTC+8)", msgstr="(UTC+8)"),
            polib.POEntry(msgid="010-12345", msgstr="010-12345"),
            polib.POEntry(msgid="Image", msgstr="Image"),  # shared with English in French only
        ]
    )
    po.save(str(path))
    problems = copies_of_english(path, "de")
    assert len(problems) == 1 and "copies the English: 'Image'" in problems[0]
    assert copies_of_english(path, "fr") == []


def test_msgfmt_reports_a_lost_placeholder(tmp_path):
    path = broken_copy(tmp_path, "ru", "In the %(section)s section", msgstr="В разделе")
    assert any("section" in problem for problem in msgfmt_errors(path))


def test_a_translation_without_the_languages_script_is_reported(tmp_path):
    path = broken_copy(tmp_path, "ar", "Latest updates", msgstr="Latest news")
    assert any("not written in ar's script" in problem for problem in outside_script(path, "ar"))


def test_placeholders_are_not_words(tmp_path):
    path = po_path(tmp_path, "ru")
    path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.extend(
        [
            polib.POEntry(msgid="%(type)s, %(size)s", msgstr="%(type)s, %(size)s"),
            polib.POEntry(msgid="In %(section)s", msgstr="In %(section)s"),
        ]
    )
    po.save(str(path))
    for problems in (copies_of_english(path, "ru"), outside_script(path, "ru")):
        assert len(problems) == 1 and "'In %(section)s'" in problems[0]


def test_chinese_characters_taken_from_the_english_source_do_not_count(tmp_path):
    msgid = "For example 京ICP备00000000号."
    path = broken_copy(tmp_path, "zh_Hans", msgid, msgstr="e.g. 京ICP备00000000号")
    assert any("not written in zh_Hans's script" in problem for problem in outside_script(path, "zh_Hans"))


def test_a_mo_not_recompiled_after_an_edit_is_reported(tmp_path):
    path = broken_copy(tmp_path, "fr", "Latest updates", msgstr="Nouveautés")
    assert any("'Latest updates'" in problem for problem in stale_mo(path))


def test_a_missing_mo_is_reported(tmp_path):
    path = broken_copy(tmp_path, "ko", "Latest updates")
    path.with_suffix(".mo").unlink()
    assert any("is missing" in problem for problem in stale_mo(path))


def test_a_language_without_a_catalogue_is_reported(tmp_path):
    broken_copy(tmp_path, "de", "Latest updates")
    assert missing_catalogues(tmp_path, ["de", "ar"]) == [str(po_path(tmp_path, "ar"))]


def test_a_wrong_plural_forms_header_is_reported(tmp_path):
    path = broken_copy(tmp_path, "ar", "Latest updates")
    po = polib.pofile(str(path))
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.save(str(path))
    assert any("nplurals is '2'" in problem for problem in header_problems(path, "ar"))
