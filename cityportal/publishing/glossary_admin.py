"""The glossary in the admin (snippet, report, translation-screen panel)."""
