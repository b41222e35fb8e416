from cityportal.news.importing.commands import ArchiveImportCommand
from cityportal.news.importing.schema import POLICIES


class Command(ArchiveImportCommand):
    help = (
        "Import policy documents, with their attachments and the departments and topics they name, from "
        "archive files (YAML or JSON, docs/news-format.md), creating or updating each by its key in one "
        "transaction. Several files are read as one archive; articles in them are left for import_news. "
        "Running it twice changes nothing."
    )
    kinds = frozenset({POLICIES})
