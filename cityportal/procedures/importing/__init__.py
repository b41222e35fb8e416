"""Reading and checking procedure catalogue files (docs/procedures-format.md) and writing them.

`files` parses YAML or JSON; `schema` checks every record and field; `markup` the rich text;
`pages` fills a guide page from an entry; `writing` writes a checked catalogue. The import itself,
in one transaction, is `cityportal.procedures.services.import_catalogue`.
"""

from .files import read_catalogue, read_documents
from .problems import CatalogueError
from .schema import FORMAT, Catalogue, KnownCodes

__all__ = ["FORMAT", "Catalogue", "CatalogueError", "KnownCodes", "read_catalogue", "read_documents"]
