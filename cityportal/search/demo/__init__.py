"""The search demo: the synonyms and promoted results editors would keep (synonyms.yaml,
promotions.yaml) and the indexing of what the demo loaded, all run by load_demo."""

from .loader import (
    SynonymsDemoReport,
    index_for_search,
    load_demo_promotions,
    load_demo_synonyms,
    read_demo_synonyms,
)

__all__ = [
    "SynonymsDemoReport",
    "index_for_search",
    "load_demo_promotions",
    "load_demo_synonyms",
    "read_demo_synonyms",
]
