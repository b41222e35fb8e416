"""Reading and checking news/policy archives (`cityportal-news/1`, docs/news-format.md) and writing them.

Built on the procedure catalogue's importer (procedures/importing), whose reader, rich-text rules,
department writer and wagtail-localize filling it reuses. `files` parses YAML or JSON; `schema`
checks every record and field, `texts` the texts per language; `media` stores attachments and
images once; `pages` fills a page from an entry; `writing` writes a checked archive. The import
itself, in one transaction, is `cityportal.news.services.import_archive`.
"""
