"""Reading an archive: its files parsed, every record checked, references resolved, as one archive."""

from pathlib import Path

from cityportal.procedures.importing.problems import Problems

from .files import parse_archive_file
from .schema import Archive, KnownCodes, check_references, read_document


def read_archive(paths: list[Path], known: KnownCodes, kinds: frozenset[str]) -> tuple[Archive, Problems]:
    """Parse and check the files as one archive; the problems list is empty when it may be imported."""
    problems = Problems()
    documents = {}
    for path in map(Path, paths):
        data = parse_archive_file(path, problems)
        if data is not None:
            documents[path] = data
    return read_documents(documents, known, kinds, problems)


def read_documents(
    documents: dict[Path, object], known: KnownCodes, kinds: frozenset[str], problems: Problems | None = None
) -> tuple[Archive, Problems]:
    """Check documents already parsed (e.g. by the demo loader), each keyed by the path of the file it
    stands for: problems name it, and the files it names are relative to its folder."""
    problems = problems or Problems()
    archive = Archive()
    for path, data in documents.items():
        read_document(Path(path).name, data, Path(path).parent, archive, problems, kinds)
    check_references(archive, known, problems)
    return archive, problems
