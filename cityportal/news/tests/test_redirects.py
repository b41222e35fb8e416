"""Old addresses lead to the new pages: by the archive's legacy_url, or by a CSV through Wagtail's
import_redirects (docs/news-format.md, "Redirects from a CSV")."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect

from cityportal.news.tests.test_import import (  # noqa: F401 - guide, listings and media are fixtures
    NEWS,
    POLICIES,
    guide,
    listings,
    media,
    policy,
    run,
)

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "legacy-redirects.csv"


@pytest.mark.usefixtures("listings")
def test_an_archive_legacy_url_answers_301_with_the_chinese_article(client):
    run("import_news", NEWS)

    response = client.get("/art/2024/12/17/art_1234_5678.html")

    assert response.status_code == 301
    assert response["Location"] == "/zh-hans/news/visa-free-transit-240-hours/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.usefixtures("listings", "guide")
def test_a_full_old_address_redirects_by_its_path(client):
    run("import_policies", POLICIES)

    response = client.get("/zhengce/zhengcefagui/201903/t20190315_1.html")

    assert response.status_code == 301
    assert response["Location"] == policy("foreign-investment-law", "zh-hans").url


@pytest.mark.usefixtures("listings")
def test_the_example_csv_becomes_permanent_redirects(client):
    run("import_news", NEWS)  # makes /art/2024/12/17/art_1234_5678.html too: the CSV's row is refused
    out = StringIO()

    call_command("import_redirects", src=str(EXAMPLE), stdout=out)

    assert "Found: 3" in out.getvalue() and "Errors: 1" in out.getvalue()
    assert "A redirect with this path already exists." in out.getvalue()
    response = client.get("/col/col2371/index.html")
    assert response.status_code == 301
    assert response["Location"] == "https://international.beijing.example/en/news/"
    # Query strings are part of the old address (Wagtail sorts their parameters).
    response = client.get("/english/2024-12/17/content_1234.htm?lang=en")
    assert response.status_code == 301
    assert response["Location"].endswith("/en/news/visa-free-transit-240-hours/")
    assert Redirect.objects.filter(is_permanent=True).count() == 3


def test_a_dry_run_of_the_csv_creates_nothing():
    call_command("import_redirects", src=str(EXAMPLE), dry_run=True, stdout=StringIO())
    assert not Redirect.objects.exists()
