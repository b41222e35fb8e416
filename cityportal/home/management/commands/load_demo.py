import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from wagtail.models import Page, Site

from cityportal.appointments.demo import load_appointments_demo, read_demo
from cityportal.consultations.demo.loader import (
    STAFF_USERNAME,
    SUPERVISOR_USERNAME,
    ConsultationsDemoLoader,
)
from cityportal.core.localize_sync import index_updates_once
from cityportal.core.models import PortalSettings
from cityportal.core.services.calendar import seed_calendar_year
from cityportal.home.demo.loader import DemoContentError, DemoLoader, read_pages, with_ancestors
from cityportal.home.models import HomePage
from cityportal.news.demo.loader import NewsDemoLoader
from cityportal.procedures.demo.loader import ProceduresDemoLoader
from cityportal.procedures.importing import CatalogueError
from cityportal.search.demo import (
    index_for_search,
    load_demo_promotions,
    load_demo_synonyms,
    read_demo_synonyms,
)

DEMO_ADMIN = "admin"
DEMO_PASSWORD = "portal-demo-2026"  # noqa: S105 - the demo's published login, never used in production
# --only names these to load the procedures demo (guides, finder, journeys) with the home page.
PROCEDURES_SLUGS = {"guides", "journeys"}
# --only names these to load the news demo (news, policies, notices), which needs the guides too.
NEWS_SLUGS = {"news", "policies"}
# --only names these to load the consultations demo (FAQ pages and entries, questions, reply templates,
# staff accounts), which needs the departments of the procedures demo.
CONSULTATIONS_SLUGS = {"faq", "questions"}
# --only names this to load the search demo (editors' synonyms) and index what was loaded.
SEARCH_SLUGS = {"search"}
DEMO_GLOSSARY = Path(__file__).resolve().parents[3] / "publishing" / "demo" / "glossary.csv"


class Command(BaseCommand):
    help = (
        "Load the demo site in nine languages through wagtail-localize: home, six sections and content "
        "pages, then the procedure guides, the finder and the journeys, then the news, policies and "
        "notices, then the FAQ, sample questions and reply templates. Idempotent: running it twice "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the site already has a home page."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the demo files and write nothing.")
        parser.add_argument(
            "--only",
            default="",
            help=(
                "Comma-separated slugs: load just these pages and their parents (for checking new files); "
                "“guides” loads the procedures demo (guides, finder, journeys) with the home page; "
                "“news” also loads the news demo (news, policies, notices); “faq” the consultations demo "
                "(FAQ, questions, reply templates, staff accounts); “search” the search synonyms (and "
                "indexes for search what is not indexed yet)."
            ),
        )

    def handle(self, *args, if_empty=False, dry_run=False, only="", **options):
        wanted = {slug.strip() for slug in only.split(",") if slug.strip()}
        with_news = not wanted or bool(wanted & NEWS_SLUGS)
        with_consultations = not wanted or bool(wanted & CONSULTATIONS_SLUGS)
        with_procedures = with_news or with_consultations or bool(wanted & PROCEDURES_SLUGS)
        with_search = not wanted or bool(wanted & SEARCH_SLUGS)
        try:
            pages = read_pages()
            if wanted:
                shown = wanted - PROCEDURES_SLUGS - NEWS_SLUGS - CONSULTATIONS_SLUGS - SEARCH_SLUGS
                pages = with_ancestors(pages, shown or {"home"})
        except DemoContentError as error:
            raise CommandError(f"{error} Fix the demo file and run load_demo again.") from error
        procedures = ProceduresDemoLoader(log=lambda message: self.stdout.write(f"  {message}"))
        news = NewsDemoLoader(log=lambda message: self.stdout.write(f"  {message}")) if with_news else None
        consultations = (
            ConsultationsDemoLoader(
                log=lambda message: self.stdout.write(f"  {message}"), password=DEMO_PASSWORD
            )
            if with_consultations
            else None
        )
        if dry_run:
            guides = self.read_procedures(procedures) if with_procedures else 0
            if with_procedures:
                self.read_appointments()
            if news is not None:
                self.read_news(news)
            if consultations is not None:
                self.read_consultations(consultations)
            if with_search:
                self.read_search()
            self.stdout.write(
                f"{len(pages)} demo pages and {guides} guides read; nothing written (--dry-run)."
            )
            return
        if if_empty and HomePage.objects.exists():
            self.stdout.write("The site already has content; demo not loaded (--if-empty).")
            if with_search:
                # A site loaded before the search app existed has pages but no search index.
                self.index_for_search()
            return
        # A demo page is saved several times while it is built: index each once, at the end.
        with index_updates_once():
            self.load(pages, procedures if with_procedures else None, news, consultations)
        if with_search:
            # After the block above, which queues the index updates of everything it saved.
            self.load_search()
        self.stdout.write(
            f"Admin: /admin/ on the portal (http://127.0.0.1:8000/admin/ with make run) — "
            f"user “{DEMO_ADMIN}”, password “{DEMO_PASSWORD}” "
            "(demo only: change it)."
        )
        if consultations is not None:
            self.stdout.write(
                f"Questions staff: user “{STAFF_USERNAME}” (exit-entry department) and "
                f"“{SUPERVISOR_USERNAME}” (every department), password “{DEMO_PASSWORD}” (demo only)."
            )

    def load(
        self,
        pages,
        procedures: ProceduresDemoLoader | None,
        news: NewsDemoLoader | None,
        consultations: ConsultationsDemoLoader | None = None,
    ) -> None:
        loader = DemoLoader(log=lambda message: self.stdout.write(f"  {message}"))
        self.stdout.write(f"Loading {len(pages)} demo pages in nine languages…")
        try:
            report = loader.load(pages)
        except DemoContentError as error:
            raise CommandError(
                f"{error} Nothing was written. Fix the demo file and run load_demo again."
            ) from error
        self.configure_settings(loader.pages_by_slug)
        self.ensure_admin()
        self.seed_holiday_calendar()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {report.created} pages created, {report.updated} updated, "
                f"{report.translated} translations written, {report.unchanged} unchanged."
            )
        )
        if procedures is not None:
            self.load_procedures(procedures)
            self.load_appointments()
        if news is not None:
            self.load_news(news)
        if consultations is not None:
            self.load_consultations(consultations)
        self.load_editorial_setup()

    def read_procedures(self, procedures: ProceduresDemoLoader) -> int:
        try:
            return procedures.read()
        except CatalogueError as error:
            raise CommandError(f"The procedures demo files have problems:\n{error}") from error

    def load_procedures(self, procedures: ProceduresDemoLoader) -> None:
        self.stdout.write("Loading the procedures demo (guides, finder, journeys) in nine languages…")
        started = time.monotonic()
        try:
            report = procedures.load()
        except CatalogueError as error:
            raise CommandError(
                f"The procedures demo was not loaded (the home demo was); nothing of it was written. "
                f"Fix the demo files and run load_demo again:\n{error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"{report.summary()} ({time.monotonic() - started:.0f} s)"))

    def read_news(self, news: NewsDemoLoader) -> None:
        try:
            news.read(with_procedures_demo=True)
        except CatalogueError as error:
            raise CommandError(f"The news demo files have problems:\n{error}") from error

    def load_news(self, news: NewsDemoLoader) -> None:
        """The news and policy listings, the archive of articles and policies (with PDFs), the notices."""
        self.stdout.write("Loading the news demo (articles, policies, PDFs, notices) in nine languages…")
        started = time.monotonic()
        try:
            report = news.load()
        except CatalogueError as error:
            raise CommandError(
                f"The news demo was not loaded (the pages, guides and services were); nothing of it was "
                f"written. Fix the files in cityportal/news/demo/ and run load_demo again:\n{error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"{report.summary()} ({time.monotonic() - started:.0f} s)"))

    def read_consultations(self, consultations: ConsultationsDemoLoader) -> None:
        try:
            consultations.read()
        except CatalogueError as error:
            raise CommandError(f"The consultations demo files have problems:\n{error}") from error

    def load_consultations(self, consultations: ConsultationsDemoLoader) -> None:
        """The FAQ pages and entries, the demo staff accounts, reply templates and sample questions."""
        self.stdout.write(
            "Loading the consultations demo (FAQ, questions, reply templates) in nine languages…"
        )
        started = time.monotonic()
        try:
            report = consultations.load()
        except CatalogueError as error:
            raise CommandError(
                f"The consultations demo was not loaded (the steps before it were); nothing of it "
                f"was written. Fix the files in cityportal/consultations/demo/ and run load_demo again:\n"
                f"{error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"{report.summary()} ({time.monotonic() - started:.0f} s)"))

    def read_search(self) -> None:
        try:
            read_demo_synonyms()
        except CatalogueError as error:
            raise CommandError(f"The search demo file has problems:\n{error}") from error

    def load_search(self) -> None:
        """Editors' synonyms of the demo, then the search index of everything loaded (the task worker
        that would index it starts only after load_demo, with the server)."""
        self.stdout.write(
            "Loading the search demo (synonyms, promoted results) and indexing the demo for search…"
        )
        started = time.monotonic()
        try:
            report = load_demo_synonyms(log=lambda message: self.stdout.write(f"  {message}"))
        except CatalogueError as error:
            raise CommandError(
                f"The search synonyms were not loaded (the rest of the demo was). Fix "
                f"cityportal/search/demo/synonyms.yaml and run load_demo again:\n{error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(report.summary()))
        promoted = load_demo_promotions()
        self.stdout.write(f"  Promoted search results: {promoted} created.")
        self.index_for_search()
        self.stdout.write(f"  Search demo done ({time.monotonic() - started:.0f} s).")

    def index_for_search(self) -> None:
        indexing = index_for_search(stdout=self.stdout)
        if indexing.failed:
            raise CommandError(
                f"{indexing.failed} search index updates failed (the demo is loaded; its search is "
                f"incomplete). The first error: {indexing.first_error}. Fix it, then run "
                "manage.py update_index --backend portal."
            )
        if indexing.indexed:
            self.stdout.write(self.style.SUCCESS(f"  {indexing.summary()}"))

    def load_editorial_setup(self) -> None:
        """The glossary translators check their work against, and the editorial roles and review
        workflows of each language (run after the language trees exist)."""
        self.stdout.write("Loading the glossary and the editorial roles…")
        call_command("import_glossary", str(DEMO_GLOSSARY), stdout=self.stdout)
        call_command("sync_editorial_roles", stdout=self.stdout)

    def read_appointments(self) -> None:
        try:
            read_demo()
        except CatalogueError as error:
            raise CommandError(f"The appointments demo file has problems:\n{error}") from error

    def load_appointments(self) -> None:
        """Appointment services at the demo's offices, and their slots (after the guides they link to)."""
        self.stdout.write("Loading the appointments demo (services, office hours, slots)…")
        started = time.monotonic()
        try:
            report = load_appointments_demo(log=lambda message: self.stdout.write(f"  {message}"))
        except CatalogueError as error:
            raise CommandError(
                f"The appointments demo was not loaded (the pages and guides were). "
                f"Fix cityportal/appointments/demo/services.yaml and run load_demo again:\n{error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"{report.summary()} ({time.monotonic() - started:.0f} s)"))

    def configure_settings(self, pages: dict[str, Page]) -> None:
        site = Site.objects.get(is_default_site=True)
        portal_settings = PortalSettings.for_site(site)
        wanted = {
            "icp_number": "京ICP备00000000号-1（示例）",
            "icp_url": "https://beian.miit.gov.cn/",
            "psb_number": "京公网安备 11000000000000号（示例）",
            "psb_url": "https://beian.mps.gov.cn/",
            "website_code": "0000000000（示例）",
            "is_sample": True,
            "privacy_page": pages.get("privacy"),
            "accessibility_page": pages.get("accessibility"),
            "terms_page": pages.get("terms"),
            "contact_page": pages.get("contact"),
        }
        if any(getattr(portal_settings, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(portal_settings, name, value)
            portal_settings.save()

    def ensure_admin(self) -> None:
        user_model = get_user_model()
        if not user_model.objects.filter(username=DEMO_ADMIN).exists():
            user_model.objects.create_superuser(DEMO_ADMIN, "admin@example.org", DEMO_PASSWORD)

    def seed_holiday_calendar(self) -> None:
        """This year and the next, confirmed so that demo bookings work (a real site confirms by hand)."""
        this_year = timezone.localdate().year
        for year in (this_year, this_year + 1):
            seed_calendar_year(year, confirmed=True)
        self.stdout.write(f"  Holiday calendar {this_year}–{this_year + 1} seeded and confirmed (demo only).")
