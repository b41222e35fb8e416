"""The translation status report: per language, pages translated, missing and out of date."""
