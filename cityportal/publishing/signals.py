"""Signal handlers around publishing (translation status, cache purge, search engines)."""
