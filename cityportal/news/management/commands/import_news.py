from cityportal.news.importing.commands import ArchiveImportCommand
from cityportal.news.importing.schema import ARTICLES


class Command(ArchiveImportCommand):
    help = (
        "Import news articles, with the departments and topics they name, from archive files (YAML or "
        "JSON, docs/news-format.md), creating or updating each by its key in one transaction. Several "
        "files are read as one archive; policies in them are left for import_policies. Running it twice "
        "changes nothing."
    )
    kinds = frozenset({ARTICLES})
