"""Telling search engines about new and changed pages (Baidu link submission, IndexNow)."""
