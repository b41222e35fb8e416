from django.core.management.base import BaseCommand, CommandError

from cityportal.appointments.privacy import Rotation, rotate_document_numbers


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored document number under the first key of PERSONAL_DATA_KEYS. To rotate: "
        "put the new key first (keep the old one after it), run this, then remove the old key. "
        "--reindex also recomputes the blind index under the current BLIND_INDEX_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also recompute the blind index of each document number (after changing BLIND_INDEX_KEY).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check that every value decrypts; change nothing."
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (500).")

    def handle(self, *args, reindex=False, dry_run=False, batch_size=500, **options):
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        if reindex:
            verb += " and reindex" if dry_run else " and reindexed"

        def progress(rotation: Rotation) -> None:
            done = rotation.rotated + len(rotation.unreadable)
            self.stdout.write(f"… {done} of {rotation.total} document numbers")

        rotation = rotate_document_numbers(
            reindex=reindex, dry_run=dry_run, batch_size=batch_size, progress=progress
        )
        self.stdout.write(f"Bookings: {verb} {rotation.rotated} of {rotation.total} document numbers.")
        if rotation.unreadable:
            ids = ", ".join(str(pk) for pk in rotation.unreadable[:20])
            raise CommandError(
                f"{len(rotation.unreadable)} document numbers could not be decrypted with any key in "
                f"PERSONAL_DATA_KEYS (booking ids {ids}…). Keep every old key until they can be."
            )
