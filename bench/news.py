"""cityportal news benchmark: listings, a deep page, a section, an article and the feeds over 50,000 articles.

Run it with `.venv/bin/python bench/news.py` (`--help` for the options; `make bench` runs it after the
other benchmarks). It

1. builds, once, a portal of its own with production settings: SQLite in var/bench-news/ (never the
   development db.sqlite3), or the PostgreSQL database that DATABASE_URL or --database-url names
   (its name must start with "bench", e.g. postgres://postgres@127.0.0.1:5432/bench_news; created if
   missing). It is migrated, its static files collected, and given a home page, the six sections and
   a news listing in each of the nine languages, then 50,000 articles BULK-INSERTED: Chinese 40 %,
   English 20 %, the seven other languages sharing the rest, each translation sharing the key, slug
   and date of a Chinese article; dated over ten years; filed under one or two random sections.
   Later runs migrate it and reuse it; --rebuild starts again;
2. follows the English and Arabic listings' "Older news" link 99 times to find page 100 (about 2,000
   articles back), outside the timing;
3. in this process, with Django's test client, times each page (server time: Django's whole request
   handling, wall clock, and this process's CPU) and counts its queries, as bench/procedures.py does:
   uncached (Django's cache emptied before each request), first view (a different article each
   time) and warm (the same page again);
4. prints the machine, a table and the aims, and writes bench/results/news-<date>-<time>.json.

Pages: /en/news/ and /ar/news/ (first page), page 100, /<lang>/news/work/ (a section), an article
from the middle of the archive, /<lang>/news/rss.xml and /atom.xml. A page that answers 404 (its
route not built yet) is skipped and named. Aims (issue 6): every page under 20 ms median uncached;
the deep page as fast as the first (keyset pagination: no OFFSET, no count of the archive).
"""

import argparse
import base64
import functools
import html
import json
import os
import random
import re
import secrets
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import entry
import procedures
import queries
from run import RESULTS_DIR, check_installation, log, machine
from scratch import REPO, SETTINGS_VARIABLES, SetupError, redact

VAR = REPO / "var" / "bench-news"
LANGUAGES = ["zh-hans", "en", "ko", "ja", "de", "fr", "es", "ru", "ar"]
MEASURED_LANGUAGES = ["en", "ar"]
SECTIONS = ["invest", "work", "study", "live", "travel", "consume"]
SHARES = {"zh-hans": 0.40, "en": 0.20}  # the seven others share the rest equally
DEEP_PAGE = 100
AIM_MS = 20.0
BATCH = 2000
SEED = 20261126
YEARS = 10
OLDER_LINK = re.compile(r'<li class="listing-pager__older"><a href="([^"]+)"|<a href="([^"]+)" rel="next"')
TEXTS = {
    "zh-hans": (
        "第{n}号新闻：北京发布新的便民措施",
        "北京市有关部门发布便民措施，方便在京外国人办事。",
        "本市将进一步优化服务。",
    ),
    "en": (
        "News {n}: Beijing announces new services",
        "Beijing departments announce services for foreigners.",
        "The city improves its services.",
    ),
    "ko": (
        "뉴스 {n}: 베이징 새 서비스 발표",
        "베이징시가 외국인을 위한 서비스를 발표했습니다.",
        "시는 서비스를 개선합니다.",
    ),
    "ja": (
        "ニュース{n}：北京が新サービスを発表",
        "北京市が外国人向けのサービスを発表しました。",
        "市はサービスを改善します。",
    ),
    "de": (
        "Meldung {n}: Beijing kündigt neue Dienste an",
        "Beijinger Behörden kündigen Dienste für Ausländer an.",
        "Die Stadt verbessert ihre Dienste.",
    ),
    "fr": (
        "Actualité {n} : Pékin annonce de nouveaux services",
        "Les services de Pékin annoncent des mesures.",
        "La ville améliore ses services.",
    ),
    "es": (
        "Noticia {n}: Pekín anuncia nuevos servicios",
        "Los departamentos de Pekín anuncian servicios.",
        "La ciudad mejora sus servicios.",
    ),
    "ru": (
        "Новость {n}: Пекин объявляет новые услуги",
        "Ведомства Пекина объявили об услугах для иностранцев.",
        "Город улучшает услуги.",
    ),
    "ar": (
        "الخبر {n}: بكين تعلن خدمات جديدة",
        "أعلنت إدارات بكين خدمات جديدة للأجانب.",
        "تعمل المدينة على تحسين خدماتها.",
    ),
}
NAMES = {
    "zh-hans": "北京国际",
    "en": "Beijing International",
    "ko": "베이징 인터내셔널",
    "ja": "北京インターナショナル",
    "de": "Beijing International",
    "fr": "Pékin International",
    "es": "Pekín Internacional",
    "ru": "Пекин Интернэшнл",
    "ar": "بكين الدولية",
}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50_000, help="articles in all (default 50,000)")
    parser.add_argument("--samples", type=int, default=40, help="in-process requests per page and state")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL database to build in, named bench… (default: DATABASE_URL; SQLite if neither)",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the portal again from an empty database"
    )
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of each uncached view")
    arguments = parser.parse_args()
    if arguments.samples < 1:
        parser.error("--samples must be at least 1")
    if not 2 * DEEP_PAGE * 20 <= arguments.articles <= 1_000_000:
        parser.error(f"--articles must be between {2 * DEEP_PAGE * 20} and 1,000,000")
    return arguments


# --- the portal of the benchmark: settings, database, static files -----------------------------------


def environment(database_url: str) -> dict[str, str]:
    """Production settings on the benchmark's own database; nothing leaks in from the caller's shell."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="cityportal.settings.production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        PERSONAL_DATA_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        BLIND_INDEX_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SQLITE_PATH=str(VAR / "db.sqlite3"),
        STATIC_ROOT=str(VAR / "static"),
        MEDIA_ROOT=str(VAR / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def database_name(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SetupError(f"--database-url must be a postgres:// URL, not {parts.scheme}://.")
    name = parts.path.lstrip("/")
    if not name.startswith("bench"):
        raise SetupError(
            f"The benchmark writes 50,000 articles into {redact(url)}: name a database of its own, starting "
            "with “bench”, e.g. postgres://postgres@127.0.0.1:5432/bench_news (it is created if missing)."
        )
    return name


def prepare_postgres(url: str, rebuild: bool) -> None:
    """Create the benchmark's database if missing (dropped first with --rebuild)."""
    import psycopg

    name = database_name(url)
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
            if rebuild:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                connection.execute(f"CREATE DATABASE {name}")
                log(f"Created the PostgreSQL database {name}")
    except psycopg.Error as error:
        raise SetupError(
            f"Could not prepare {name} through {redact(url)}: {str(error).strip().splitlines()[0]}. Is "
            "PostgreSQL running, and may that user create databases?"
        ) from error


def prepare(arguments: argparse.Namespace) -> dict[str, str]:
    if arguments.database_url:
        prepare_postgres(arguments.database_url, arguments.rebuild)
    elif arguments.rebuild:
        for suffix in ("", "-wal", "-shm"):
            (VAR / f"db.sqlite3{suffix}").unlink(missing_ok=True)
    VAR.mkdir(parents=True, exist_ok=True)
    env = environment(arguments.database_url)
    manage(env, ["migrate", "--noinput"], "Migrating the benchmark's database (quick when it is up to date)")
    if not (VAR / "static" / "staticfiles.json").exists():
        manage(env, ["collectstatic", "--noinput"], "Collecting static files (once)")
    return env


def manage(env: dict[str, str], arguments: list[str], what: str) -> None:
    log(f"{what}…")
    result = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        print("\n".join((result.stdout + result.stderr).strip().splitlines()[-30:]), file=sys.stderr)
        raise SetupError(
            f"`manage.py {' '.join(arguments)}` failed (last lines above); fix it and run again."
        )


# --- the site tree: a home page, the sections and a news listing in every language -----------------------


def build_site() -> None:
    from django.db import transaction
    from wagtail.models import Locale, Page, Site

    from cityportal.home.models import HomePage, SectionPage
    from cityportal.news.models import NewsIndexPage

    if HomePage.objects.exists():
        return
    log("Building the site: a home page, six sections and a news listing in nine languages…")
    with transaction.atomic():
        locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
        Page.objects.filter(depth=2).delete()  # Wagtail's welcome page
        home = HomePage(
            title=NAMES["zh-hans"],
            slug="home",
            portal_name=NAMES["zh-hans"],
            host_organisation="北京市人民政府（示例）",
            locale=locales["zh-hans"],
        )
        Page.get_first_root_node().add_child(instance=home)
        home.save_revision().publish()
        Site.objects.all().delete()
        Site.objects.create(hostname="127.0.0.1", port=80, root_page=home, is_default_site=True)
        children = [
            SectionPage(section=code, slug=code, title=f"栏目 {code}", show_in_menus=True)
            for code in SECTIONS
        ]
        children.append(NewsIndexPage(title="新闻", slug="news", summary="北京的新闻。"))
        for child in children:
            home.add_child(instance=child)
            child.save_revision().publish()
        for code in LANGUAGES[1:]:
            for page, title in (
                (home, NAMES[code]),
                *((child, f"{child.title} ({code})") for child in children),
            ):
                translation = page.specific.copy_for_translation(locales[code])
                translation.title = title
                if page is home:
                    translation.portal_name = NAMES[code]
                translation.save_revision().publish()


# --- 50,000 articles, bulk-inserted -------------------------------------------------------------------


def article_counts(total: int) -> dict[str, int]:
    counts = {code: round(total * share) for code, share in SHARES.items()}
    others = [code for code in LANGUAGES if code not in SHARES]
    rest = total - sum(counts.values())
    for position, code in enumerate(others):
        counts[code] = rest // len(others) + (1 if position < rest % len(others) else 0)
    return counts


@functools.cache
def row_model():
    """NewsArticle's own table (news_newsarticle) as a plain model, which bulk_create accepts.

    Wagtail pages are multi-table-inherited (wagtailcore_page, then news_newsarticle), and Django's
    bulk_create refuses such models: it cannot insert the parent rows and hand their ids to the
    children. So the benchmark inserts the wagtailcore_page rows itself (bulk_create of plain Page
    objects, with the tree fields treebeard would compute), then the child rows through this model,
    whose fields are NewsArticle's own columns (StreamFields as the JSON they are stored as)."""
    from django.db import models
    from wagtail.fields import StreamField

    from cityportal.news.models import NewsArticle

    fields = {}
    for field in NewsArticle._meta.local_concrete_fields:
        if field.name == "page_ptr":
            fields["page_ptr_id"] = models.IntegerField(primary_key=True, db_column=field.column)
        elif isinstance(field, StreamField):
            fields[field.attname] = models.JSONField(db_column=field.column)
        elif field.is_relation:
            fields[field.attname] = models.IntegerField(null=True, db_column=field.column)
        else:
            fields[field.attname] = field.clone()
    meta = type("Meta", (), {"db_table": NewsArticle._meta.db_table, "managed": False, "app_label": "bench"})
    return type("NewsArticleRow", (models.Model,), {"__module__": __name__, "Meta": meta, **fields})


def insert_articles(total: int) -> None:
    """The articles of every language, newest dates spread over ten years, in batches, in one transaction."""
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from cityportal.news.models import NewsArticle, NewsIndexPage

    existing = NewsArticle.objects.filter(slug__startswith="bench-").count()
    if existing == total:
        log(f"{total:,} benchmark articles already there; reusing them (--rebuild starts again)")
        return
    if existing:
        raise SetupError(
            f"The benchmark's portal has {existing:,} articles where {total:,} are wanted (it was built "
            "with another --articles): run again with --rebuild."
        )
    counts = article_counts(total)
    rng = random.Random(SEED)
    now = timezone.now().replace(microsecond=0)
    span = int(timedelta(days=365 * YEARS).total_seconds())
    # (number, translation key, date, sections) of each Chinese article; translations share them.
    sources = [
        (
            number,
            uuid.UUID(int=rng.getrandbits(128)),
            now - timedelta(seconds=rng.randrange(span)),
            rng.sample(SECTIONS, rng.choice((1, 1, 2))),
        )
        for number in range(1, counts["zh-hans"] + 1)
    ]
    started = time.monotonic()
    with transaction.atomic():
        indexes = {
            index.locale.language_code: index for index in NewsIndexPage.objects.select_related("locale")
        }
        done = 0
        for code in LANGUAGES:
            chosen = sources if code == "zh-hans" else rng.sample(sources, counts[code])
            for start in range(0, len(chosen), BATCH):
                insert_batch(indexes[code], code, chosen[start : start + BATCH], start)
                done += len(chosen[start : start + BATCH])
                rate = done / max(time.monotonic() - started, 0.001)
                log(f"  {done:>7,} of {total:,} articles inserted ({code}, {rate:,.0f}/s)")
        for index in indexes.values():
            children = index.get_children().aggregate(count=Count("pk"))["count"]
            type(index).objects.filter(pk=index.pk).update(numchild=children)
    log(f"{total:,} articles inserted in {time.monotonic() - started:.0f} s")


def insert_batch(index, code: str, sources: list, offset: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    from cityportal.core.models import SectionTag
    from cityportal.news.models import NewsArticle

    content_type = ContentType.objects.get_for_model(NewsArticle)
    sections = {tag.code: tag.pk for tag in SectionTag.objects.all()}
    title, summary, paragraph = TEXTS[code]
    pages = []
    for position, (number, key, date, _sections) in enumerate(sources, start=offset + index.numchild + 1):
        slug = f"bench-{number:05d}"
        pages.append(
            Page(
                title=title.format(n=number),
                draft_title=title.format(n=number),
                slug=slug,
                content_type=content_type,
                # What treebeard's add_child would compute: the parent's path plus a 4-character step.
                path=Page._get_path(index.path, index.depth + 1, position),
                depth=index.depth + 1,
                numchild=0,
                url_path=f"{index.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=date,
                last_published_at=date,
                locale_id=index.locale_id,
                translation_key=key,
            )
        )
    Page.objects.bulk_create(pages)  # sets each page's id (RETURNING on PostgreSQL and SQLite 3.35+)
    Row = row_model()
    body = [{"type": "paragraph", "value": f"<p>{summary}</p><p>{paragraph}</p>", "id": ""}]
    rows = []
    links = []
    for page, (_number, _key, date, codes) in zip(pages, sources, strict=True):
        block = dict(body[0], id=str(page.translation_key))
        rows.append(
            Row(
                page_ptr_id=page.pk,
                summary=summary,
                change_notes=[],
                date=date,
                body=[block],
                lead_image_alt="",
                lead_image_caption="",
                source_name="",
                legacy_url="",
            )
        )
        links.extend(
            NewsArticle.sections.through(newsarticle_id=page.pk, sectiontag_id=sections[c]) for c in codes
        )
    Row.objects.bulk_create(rows)
    NewsArticle.sections.through.objects.bulk_create(links)


def analyse() -> None:
    """PostgreSQL: table statistics, as autovacuum gathers them soon after a bulk insert (the planner
    would otherwise guess at a 50,000-row table it believes empty). SQLite has none unless ANALYZE is
    run by hand, which Django never does, so it is measured as it comes (ANALYZE changes none of its
    plans here anyway: docs/performance.md)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- the measured pages ---------------------------------------------------------------------------------


def available(client, path: str, skipped: list[str]) -> bool:
    """Whether the page answers 200; a page that answers 404 (not built yet) or fails is skipped, named."""
    response = client.get(path)
    if response.status_code == 200:
        return True
    if response.status_code == 404:
        skipped.append(f"{path}: 404 (not built yet)")
    else:
        skipped.append(
            f"{path}: answered {response.status_code} (the error is above); check it under `make run`"
        )
    return False


def older_link(content: str) -> str | None:
    match = OLDER_LINK.search(content)
    return html.unescape(match[1] or match[2]) if match else None


def older_pages(client, first: str) -> list[str]:
    """The URLs of pages 2 to DEEP_PAGE, by following the "Older news" link from the first page."""
    paths, content = [], client.get(first).content.decode()
    for _ in range(DEEP_PAGE - 1):
        link = older_link(content)
        if link is None:
            return []
        paths.append(link if link.startswith("/") else urlsplit(link)._replace(scheme="", netloc="").geturl())
        content = client.get(paths[-1]).content.decode()
    return paths


def measured_pages(skipped: list[str]) -> list[procedures.Page]:
    from django.test import Client

    from cityportal.news.models import NewsArticle

    # Errors become 500 answers here, so one broken page does not stop the others being measured.
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    pages = []
    for code in MEASURED_LANGUAGES:
        listing = f"/{code}/news/"
        if available(client, listing, skipped):
            pages.append(procedures.Page("listing", code, listing))
            log(f"following “Older news” {DEEP_PAGE - 1} times from {listing}…")
            older = older_pages(client, listing)
            if older:
                # First views: other pages of the listing (2 to 99), each read once.
                pages.append(procedures.Page(f"page {DEEP_PAGE}", code, older[-1], older[:-1]))
            else:
                skipped.append(f"{listing}: no “Older news” link to follow {DEEP_PAGE - 1} times")
        for kind, path in (
            ("section", f"/{code}/news/work/"),
            ("rss", f"/{code}/news/rss.xml"),
            ("atom", f"/{code}/news/atom.xml"),
        ):
            if available(client, path, skipped):
                pages.append(procedures.Page(kind, code, path))
        # Every 97th article, newest first: the middle one is measured, the others are its first views.
        slugs = list(
            NewsArticle.objects.filter(locale__language_code=code, slug__startswith="bench-")
            .order_by("-date", "-pk")
            .values_list("slug", flat=True)[::97]
        )
        paths = [f"/{code}/news/{slug}/" for slug in slugs]
        article = paths[len(paths) // 2]
        if available(client, article, skipped):
            pages.append(
                procedures.Page("article", code, article, [path for path in paths if path != article])
            )
    return pages


# --- output -------------------------------------------------------------------------------------------


def print_results(
    rows: list[dict], info: dict, arguments: argparse.Namespace, counts: dict[str, int]
) -> None:
    spread = ", ".join(f"{code} {count:,}" for code, count in counts.items())
    print(f"\nResults: {info['database']}, local-memory cache; {arguments.articles:,} articles ({spread})")
    print(
        f"  {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM; Python {info['python']}, "
        f"Django {info['django']}, Wagtail {info['wagtail']}; {info['date']}; load average "
        f"{info['load_average_at_start']} at the start"
    )
    print("\nServer time in-process (ms, wall clock; median / p95 and this process's CPU median), queries")
    print(
        f"{'page':<9} {'lang':<5} {'uncached':>17} {'first view':>17} {'warm':>17}   "
        f"{'queries unc/first/warm':>22}"
    )
    print("-" * 95)
    for row in rows:
        figures = row["in_process"]
        states = []
        for state in ("uncached", "first_view", "warm"):
            values = figures[state]
            cells = (procedures.cell(values, key) for key in ("median_ms", "p95_ms", "cpu_median_ms"))
            median, p95, cpu = cells
            states.append(f"{median:>5}/{p95:>5} ({cpu:>4})" if values else "—")
        query_counts = "/".join(
            str(figures[key]) if figures[key] is not None else "—"
            for key in ("queries_uncached", "queries_first_view", "queries_warm")
        )
        columns = " ".join(f"{state:>17}" for state in states)
        print(f"{row['kind']:<9} {row['language']:<5} {columns}   {query_counts:>22}")


def print_aims(rows: list[dict], skipped: list[str]) -> int:
    """The aims, met or not; returns how many were not met."""
    print()
    missed = 0
    for row in rows:
        median = row["in_process"]["uncached"]["median_ms"]
        met = median < AIM_MS
        missed += not met
        print(
            f"  aim {row['kind']} ({row['language']}) < {AIM_MS:.0f} ms median uncached: "
            f"{'met' if met else 'NOT met'} ({median:.1f} ms, "
            f"{row['in_process']['queries_uncached']} queries)"
        )
    for code in MEASURED_LANGUAGES:
        first = next((r for r in rows if r["kind"] == "listing" and r["language"] == code), None)
        deep = next((r for r in rows if r["kind"] == f"page {DEEP_PAGE}" and r["language"] == code), None)
        if first and deep:
            ratio = deep["in_process"]["uncached"]["median_ms"] / first["in_process"]["uncached"]["median_ms"]
            print(
                f"  deep page as fast as the first ({code}): page {DEEP_PAGE} takes {ratio:.2f}× the first "
                f"page's time, {deep['in_process']['queries_uncached']} queries against "
                f"{first['in_process']['queries_uncached']}"
            )
    for note in skipped:
        print(f"  skipped: {note}")
    return missed


def print_sql(rows: list[dict]) -> None:
    for row in rows:
        sql = row["in_process"]["sql"]["uncached"]
        total = sum(query["ms"] for query in sql)
        print(f"\n  SQL of an uncached view of {row['path']}: {len(sql)} queries, {total:.1f} ms")
        for query in sql:
            print(f"    {query['ms']:6.2f} ms  {queries.shape(query['sql'])}")


def main() -> int:
    arguments = parse_arguments()
    if arguments.database_url:
        database_name(arguments.database_url)  # refuses a database not meant for the benchmark, early
    check_installation()
    info = machine()
    print("cityportal news benchmark")
    print(
        f"  machine:  {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, "
        f"Python {info['python']}"
    )
    if info["load_average_at_start"] > 0.5:
        print(
            f"  warning:  load average {info['load_average_at_start']:.1f}: other processes use the CPU, "
            "so times will be noisy"
        )
    where = redact(arguments.database_url) if arguments.database_url else VAR / "db.sqlite3"
    print(f"\nPreparing the benchmark's portal in {where}")
    env = prepare(arguments)
    queries.setup_django(env)
    from django.conf import settings

    if settings.DEBUG:
        raise SetupError("DEBUG is on in the benchmark settings; it must be off to measure production.")
    info["database"] = queries.database_description()
    build_site()
    insert_articles(arguments.articles)
    analyse()
    queries.clear_cache()

    skipped: list[str] = []
    pages = measured_pages(skipped)
    print(f"\nTiming in-process ({arguments.samples} requests per page and state) and counting queries")
    rows = []
    for page in pages:
        log(f"{page.path}…")
        rows.append(
            {
                "kind": page.kind,
                "language": page.language,
                "path": page.path,
                "in_process": procedures.in_process(page, arguments.samples),
            }
        )
    queries.close_connections()

    counts = article_counts(arguments.articles)
    print_results(rows, info, arguments, counts)
    missed = print_aims(rows, skipped)
    if arguments.show_sql:
        print_sql(rows)
    info["load_average_at_end"] = round(os.getloadavg()[0], 2)
    RESULTS_DIR.mkdir(exist_ok=True)
    output = RESULTS_DIR / f"news-{datetime.now(UTC).strftime('%Y-%m-%d-%H%M%S')}.json"
    document = {
        "benchmark": "news",
        "machine": info,
        "settings": {"articles": arguments.articles, "per_language": counts, "samples": arguments.samples},
        "aims": {"uncached_median_ms_below": AIM_MS, "deep_page": DEEP_PAGE},
        "skipped": skipped,
        "pages": rows,
    }
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\n  results written to {output.relative_to(REPO)}")
    return 0 if not missed and not skipped else 1


if __name__ == "__main__":
    entry.run(main)
