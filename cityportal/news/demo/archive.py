"""The demo archive (archive/*.yaml, format docs/news-format.md), read as the importers read it, plus
the keys only the demo reads: `stale` and `update` (translations left out of date on purpose) and
`generate_pdf` (policies whose text the demo also attaches as PDFs).

Reading checks everything and writes nothing: the archive through the import's own reader, the demo
keys here, each problem naming file, record and field.
"""

import copy
from dataclasses import dataclass, field
from pathlib import Path

from cityportal.procedures.importing.problems import Problems, Record
from cityportal.procedures.importing.schema import LANGUAGES, SOURCE_LANGUAGE, named

from ..importing.files import parse_archive_file
from ..importing.reading import read_documents
from ..importing.schema import ARTICLES, POLICIES, Archive, KnownCodes
from ..importing.texts import body_blocks, body_segments
from ..services import ALL_KINDS

ARCHIVE_DIR = Path(__file__).parent / "archive"
SINGULAR = {ARTICLES: "article", POLICIES: "policy"}


@dataclass
class Staleness:
    """An item whose `stale` translations stay behind when its `update` paragraph is added."""

    stale: list[str]
    update: dict[str, str]  # language -> one paragraph of HTML, for Chinese and every other translation


@dataclass
class DemoArchive:
    documents: dict[Path, dict]  # the files as parsed
    archive: Archive  # as the import reads them
    staleness: dict[tuple[str, str], Staleness] = field(default_factory=dict)  # (kind, key) -> …
    pdf_policies: list[str] = field(default_factory=list)  # keys of the policies with generate_pdf
    notices: list[Record] = field(default_factory=list)  # read by demo/notices.py


def read_demo_archive(known: KnownCodes, directory: Path = ARCHIVE_DIR) -> tuple[DemoArchive, Problems]:
    problems = Problems()
    documents = {}
    for path in sorted(directory.glob("*.yaml")):
        data = parse_archive_file(path, problems)
        if isinstance(data, dict):
            documents[path] = data
    archive, problems = read_documents(documents, known, ALL_KINDS, problems)
    demo = DemoArchive(documents=documents, archive=archive)
    for path, data in documents.items():
        for kind in (ARTICLES, POLICIES):
            for index, item in enumerate(Record(data, path.name, problems).records(kind)):
                read_demo_keys(named(item, path.name, SINGULAR[kind], "key", index, kind), kind, demo)
        demo.notices += Record(data, path.name, problems).records("notices")
    return demo, problems


def read_demo_keys(record: Record, kind: str, demo: DemoArchive) -> None:
    key = record.data.get("key")
    languages = set(record.data.get("translations") or {})
    if record.boolean("generate_pdf"):
        if kind == POLICIES:
            demo.pdf_policies.append(key)
        else:
            record.report("generate_pdf", "only policies are attached as PDFs")
    if not (record.has("stale") or record.has("update")):
        return
    stale = record.codes("stale", choices=LANGUAGES)
    for index, language in enumerate(stale):
        if language == SOURCE_LANGUAGE or language not in languages:
            record.report(f"stale[{index}]", f"“{language}” is not one of this item's translations")
    if not stale:
        record.report("stale", "missing: name the translations left behind when the update is added")
    update = record.mapping("update", required=True)
    if update is None or not stale:
        return
    wanted = {SOURCE_LANGUAGE, *languages} - set(stale)
    for language in sorted(wanted ^ set(update.data)):
        update.report(
            str(language),
            "missing: every translation not left stale gets the update"
            if language in wanted
            else "not a translation of this item that is kept up to date",
        )
    texts = {language: update.rich_text(language, required=True) for language in wanted & set(update.data)}
    source_blocks, _problem = body_blocks(texts.get(SOURCE_LANGUAGE, ""))
    for language, html in texts.items():
        blocks, problem = body_blocks(html)
        if problem:
            update.report(language, problem)
        elif len(body_segments(blocks)) != len(body_segments(source_blocks)):
            update.report(language, "give as many paragraphs as the Chinese update")
    demo.staleness[(kind, key)] = Staleness(stale=stale, update=texts)


def with_attachments(documents: dict[Path, dict], files: dict[str, Path]) -> dict[Path, dict]:
    """The documents with each policy of `files` (key -> its Chinese PDF) attaching that file."""
    result = copy.deepcopy(documents)
    for data in result.values():
        for item in data.get(POLICIES) or []:
            if item.get("key") in files:
                item["attachments"] = [
                    *(item.get("attachments") or []),
                    {"file": str(files[item["key"]]), "language": SOURCE_LANGUAGE},
                ]
    return result


def updated(documents: dict[Path, dict], staleness: dict, *, stale_only: bool) -> dict[Path, dict]:
    """The documents as the demo finally publishes them: each stale item's `update` added to its Chinese
    text and to the translations kept up to date, its stale translations left out (so the import leaves
    them as they are). With `stale_only`, just the files and items that have an update."""
    result = {}
    for path, data in documents.items():
        data = copy.deepcopy(data)
        found = False
        for kind in (ARTICLES, POLICIES):
            if kind not in data:
                continue
            kept = []
            for item in data[kind] or []:
                item_staleness = staleness.get((kind, item.get("key")))
                if item_staleness is not None:
                    found = True
                    translations = item["translations"]
                    for language in item_staleness.stale:
                        translations.pop(language, None)
                    for language, html in item_staleness.update.items():
                        translations[language]["body"] = translations[language]["body"] + html
                if item_staleness is not None or not stale_only:
                    kept.append(item)
            data[kind] = kept
        if found or not stale_only:
            result[path] = data
    return result
