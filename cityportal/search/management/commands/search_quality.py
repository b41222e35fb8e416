import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from cityportal.search.models import SearchDocument
from cityportal.search.quality import (
    AIM,
    RelevanceSetError,
    evaluate,
    format_misses,
    format_table,
    load_set,
)


class Command(BaseCommand):
    help = (
        "Run the relevance set (cityportal/search/relevance/) through the search of this database and "
        "print MRR@10 and recall@5 per language. Needs the demo content, indexed (load_demo, then "
        "update_index --backend portal); bench/search_quality.py runs it with the 300 generated guides and "
        "the news archive as distractors, on SQLite and PostgreSQL. Writes nothing to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            action="append",
            default=[],
            help="Only this language (repeat for several); every language by default.",
        )
        parser.add_argument(
            "--show-misses",
            action="store_true",
            help="Also list each query whose target is not first: where it came and what came first.",
        )
        parser.add_argument(
            "--json", dest="json_file", type=Path, help="Also write the figures and misses to this JSON file."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=f"Fail (exit status 1) when a language's MRR@10 is under the aim of {AIM}.",
        )

    def handle(self, *args, language, show_misses, json_file, check, **options):
        if not SearchDocument.objects.exists():
            raise CommandError(
                "The search index is empty: load the demo (manage.py load_demo) and build the index "
                "(manage.py update_index --backend portal), then run this again."
            )
        try:
            report = evaluate(load_set(only=language))
        except RelevanceSetError as error:
            raise CommandError(str(error)) from error
        for line in format_table(report):
            self.stdout.write(line)
        if show_misses:
            misses = format_misses(report)
            self.stdout.write("")
            self.stdout.write(
                "Misses (target not first):" if misses else "No misses: every target came first."
            )
            for line in misses:
                self.stdout.write(f"  {line}")
        if json_file:
            document = {"languages": report.as_dict(), "documents": indexed_documents()}
            json_file.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            self.stdout.write(f"Figures written to {json_file}.")
        if check and report.below_aim:
            raise CommandError(f"MRR@10 under {AIM} in: {', '.join(report.below_aim)}.")


def indexed_documents() -> dict[str, int]:
    """How many documents each language's queries were ranked among (targets and distractors)."""
    counts = SearchDocument.objects.values("language").annotate(count=Count("pk")).order_by("language")
    return {row["language"]: row["count"] for row in counts}
