"""Signal handlers of the news app (alerts on publish)."""
