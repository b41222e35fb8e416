from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cityportal.procedures.exporting import write_catalogue


class Command(BaseCommand):
    help = (
        "Export every department, office and procedure guide, with all translations, as a catalogue "
        "file (YAML or JSON by the file's extension) that import_procedures reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write (.yaml, .yml or .json).")

    def handle(self, *args, file, **options):
        try:
            document = write_catalogue(file)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(document['departments'])} departments, {len(document['offices'])} offices and "
                f"{len(document['procedures'])} guides to {file}."
            )
        )
