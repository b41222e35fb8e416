"""A–Z order in each language's own sense of A–Z.

Databases sort Chinese titles by code point, which is no order a reader knows; Chinese readers expect
titles in pinyin order (工作许可 under G). The key is computed when a guide is saved and stored, so
the browse page sorts in the database on both SQLite and PostgreSQL.
"""

import unicodedata

from pypinyin import lazy_pinyin


def sort_key(title: str, language: str) -> str:
    if language == "zh-hans":
        title = " ".join(lazy_pinyin(title))
    # Accents don't change the letter's place: "Économie" sorts with "E".
    decomposed = unicodedata.normalize("NFKD", title)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()[:255]
