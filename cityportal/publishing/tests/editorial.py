"""Helpers for the editorial workflow tests: users in the editorial groups, admin form data, reviews.

Everything goes through the real admin views with the test client; the form data is what Wagtail's
page editor posts (wagtail.test.utils.form_data builds the StreamField and rich text parts)."""

from urllib.parse import urlencode

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, TaskState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_localize.models import StringSegment

from cityportal.news.models import NewsArticle

ADMIN_DATETIME = "%Y-%m-%d %H:%M"


def member(django_user_model, username: str, *groups: str):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def admin_datetime(value) -> str:
    return timezone.localtime(value).strftime(ADMIN_DATETIME) if value else ""


def page_form(page: Page, **changes) -> dict:
    """What the page editor posts for `page` (a content page or a news article), with `changes`.

    `paragraphs` replaces the body with these paragraphs; other keys are form fields."""
    page = page.specific
    existing = [(block.value.source, block.id) for block in page.body if block.block_type == "paragraph"]
    paragraphs = changes.pop("paragraphs", None)
    if paragraphs is None:
        paragraphs = [html for html, _id in existing]
    # The editor posts each block's id back: a block keeps it, so wagtail-localize keeps its translation.
    ids = [block_id for _html, block_id in existing] + [""] * len(paragraphs)
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "go_live_at": admin_datetime(page.go_live_at),
        "expire_at": admin_datetime(page.expire_at),
        "body": paragraph_blocks(paragraphs, ids),
        "change_notes": streamfield([]),
        "comments": inline_formset([]),
    }
    if isinstance(page, NewsArticle):
        data |= {
            "date": admin_datetime(page.date),
            "lead_image_alt": page.lead_image_alt,
            "lead_image_caption": page.lead_image_caption,
            "source_name": page.source_name,
        }
    data |= changes
    return nested_form_data(data)


def paragraph_blocks(paragraphs: list[str], ids: list[str]) -> dict:
    data = streamfield([("paragraph", rich_text(html)) for html in paragraphs])
    for index, block_id in zip(range(len(paragraphs)), ids, strict=False):
        data[str(index)]["id"] = block_id
    return data


def edit(client, page: Page, action: str = "", **changes):
    """POST the page editor: action "" saves a draft, "publish" publishes, "submit" submits for review."""
    data = page_form(page, **changes)
    if action:
        data[f"action-{action}"] = "1"
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def add_article(client, parent: Page, action: str = "submit", **fields):
    """Create a news article through the page editor's "add" view."""
    data = page_form(NewsArticle(body=[], date=timezone.now()), **fields)
    if action:
        data[f"action-{action}"] = "1"
    url = reverse("wagtailadmin_pages:add", args=["news", "newsarticle", parent.pk])
    return client.post(url, data)


def review(client, page: Page, action: str = "approve"):
    """The reviewer's "Approve" (or "Request changes": action "reject") on the page's current task."""
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {"comment": ""})


def fresh(page: Page) -> Page:
    return Page.objects.get(pk=page.pk).specific


def segments(source_page: Page) -> list[StringSegment]:
    return list(
        StringSegment.objects.filter(
            source__object_id=source_page.translation_key, source__locale_id=source_page.locale_id
        )
        .select_related("string")
        .order_by("order")
    )


def translate_segment(client, translation, segment: StringSegment, text: str):
    """A translator saves one segment in wagtail-localize's translation editor (its JSON API)."""
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    return client.put(url, data=urlencode({"value": text}), content_type="application/x-www-form-urlencoded")
