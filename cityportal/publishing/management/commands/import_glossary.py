"""manage.py import_glossary <file.csv> [--dry-run]: add or update glossary terms from a CSV file.

Columns (header line required, any order, any subset that includes zh-hans):
zh-hans,en,ko,ja,de,fr,es,ru,ar,category,note — the same as the admin listing's CSV download. A row
is identified by its Chinese term: an existing term is updated, a new one added. A language column
that is present but empty clears that rendering; a column that is absent leaves it as it is. Any bad
row stops the import: the errors are listed with their line numbers and nothing is written.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cityportal.publishing.glossary import SOURCE_LANGUAGE, TermRow, parse_glossary_csv
from cityportal.publishing.models import GlossaryTerm


def category_spellings() -> dict[str, str]:
    """Each category by its value ("permit") or its English label ("permit or document name")."""
    spellings = {}
    for value, label in GlossaryTerm.Category.choices:
        spellings[value.lower()] = value
        spellings[str(label).lower()] = value
    return spellings


def import_terms(rows: list[TermRow], *, dry_run: bool = False) -> dict[str, int]:
    """Add or update one GlossaryTerm per row, matched on the Chinese term; counts per outcome."""
    # In Chinese, so modeltranslation keeps the Chinese in the untranslated `term` column (as the demo
    # loaders do); in one transaction, so an invalid row leaves the glossary as it was.
    with translation.override(SOURCE_LANGUAGE), transaction.atomic():
        return _import_terms(rows, dry_run=dry_run)


def _import_terms(rows: list[TermRow], *, dry_run: bool) -> dict[str, int]:
    existing = {
        term.term_zh_hans: term
        for term in GlossaryTerm.objects.filter(term_zh_hans__in=[row.source for row in rows])
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        term = existing.get(row.source)
        if term is None:
            term = GlossaryTerm(**row.fields)
            counts["created"] += 1
        elif any(getattr(term, name) != value for name, value in row.fields.items()):
            for name, value in row.fields.items():
                setattr(term, name, value)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
            continue
        try:
            term.full_clean()
        except ValidationError as error:
            raise ValidationError(
                _("Line %(line)d: %(errors)s") % {"line": row.line, "errors": " ".join(error.messages)}
            ) from error
        if not dry_run:
            term.save()
    return counts


class Command(BaseCommand):
    help = "Add or update glossary terms from a CSV file (zh-hans,en,ko,ja,de,fr,es,ru,ar,category,note)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file, UTF-8 (a byte-order mark is allowed)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")

    def handle(self, *args, path, dry_run=False, **options):
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError as error:
            raise CommandError(_("No such file: %(path)s") % {"path": path}) from error
        except UnicodeDecodeError as error:
            raise CommandError(
                _("%(path)s is not UTF-8 text (byte %(position)d). Save it as CSV UTF-8.")
                % {"path": path, "position": error.start}
            ) from error
        rows, errors = parse_glossary_csv(
            text,
            categories=category_spellings(),
            max_length=GlossaryTerm._meta.get_field("term_zh_hans").max_length,
        )
        if errors:
            raise CommandError(
                "\n".join(
                    [
                        _("Nothing was imported: the file has %(count)d errors.") % {"count": len(errors)},
                        *errors,
                    ]
                )
            )
        try:
            counts = import_terms(rows, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(" ".join([_("Nothing was imported."), *error.messages])) from error
        summary = _("%(created)d terms added, %(updated)d updated, %(unchanged)d unchanged.") % counts
        if dry_run:
            summary += " " + _("Dry run: nothing was written.")
        self.stdout.write(summary)
