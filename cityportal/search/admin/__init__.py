"""The search area of the admin (registered by search/wagtail_hooks.py): synonyms, searches that
found nothing, and a link to Wagtail's promoted search results."""
