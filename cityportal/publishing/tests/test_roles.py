"""Who may do what in which language, proven through the real admin views (docs/editorial-workflow.md)."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Task,
    Workflow,
    WorkflowPage,
)
from wagtail_localize.models import Translation
from wagtail_localize.operations import TranslationCreator

from cityportal.home.tests.factories import ContentPageFactory, translate
from cityportal.publishing.roles import EDITORS, sync_editorial_roles

from .editorial import edit, fresh, member, review, segments, translate_segment


@pytest.fixture
def roles(portal):
    return sync_editorial_roles()


@pytest.fixture
def source(portal):
    return ContentPageFactory(
        parent=portal.sections["live"]["zh-hans"], slug="bank-account", title="开立银行账户"
    )


@pytest.fixture
def arabic(source):
    """An Arabic translation edited in Wagtail's own page editor (not a synced wagtail-localize one)."""
    return translate(source, "ar", title="فتح حساب مصرفي")


@pytest.fixture
def spanish(source):
    return translate(source, "es", title="Abrir una cuenta bancaria")


def denied(response) -> bool:
    """Wagtail's admin answers a refused action with a redirect to the dashboard (and a message)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def editorial_rows() -> tuple[int, ...]:
    return (
        Group.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        Workflow.objects.count(),
        Task.objects.count(),
        WorkflowPage.objects.count(),
    )


def test_sync_editorial_roles_sets_up_every_language_once(portal):
    first = StringIO()
    call_command("sync_editorial_roles", stdout=first)
    rows = editorial_rows()
    second = StringIO()
    call_command("sync_editorial_roles", stdout=second)

    assert "Created group “Translators (ar)”." in first.getvalue()
    assert "Created the workflow “Review (ko)”." in first.getvalue()
    assert editorial_rows() == rows
    assert "already up to date" in second.getvalue()
    for language, home in portal.homes.items():
        workflow = WorkflowPage.objects.get(page=home).workflow
        assert workflow.name == f"Review ({language})"
        assert [group.name for group in workflow.tasks.get().specific.groups.all()] == [
            f"Reviewers ({language})"
        ]
    # Wagtail's default "Editors" could edit every tree from the root: now only the Chinese one.
    editor_pages = GroupPagePermission.objects.filter(group__name=EDITORS)
    assert set(editor_pages.values_list("page_id", flat=True)) == {portal.homes["zh-hans"].pk}
    assert set(editor_pages.values_list("permission__codename", flat=True)) == {"add_page", "change_page"}
    assert not GroupPagePermission.objects.filter(
        group__name__startswith="Translators", permission__codename="publish_page"
    ).exists()


def test_a_dry_run_writes_nothing(portal):
    before = editorial_rows()
    out = StringIO()
    call_command("sync_editorial_roles", "--dry-run", stdout=out)

    assert editorial_rows() == before
    assert "nothing written (--dry-run)" in out.getvalue()


def test_a_translator_saves_a_draft_of_an_arabic_page_but_cannot_publish_it(
    client, django_user_model, roles, arabic
):
    client.force_login(member(django_user_model, "layla", "Translators (ar)"))
    live_revision = arabic.live_revision_id

    assert client.get(reverse("wagtailadmin_pages:edit", args=[arabic.pk])).status_code == 200
    response = edit(client, arabic, "publish", title="فتح حساب مصرفي في بكين")

    assert response.status_code == 302
    page = fresh(arabic)
    assert page.live_revision_id == live_revision
    assert page.title == "فتح حساب مصرفي"  # what readers see
    assert page.get_latest_revision().as_object().title == "فتح حساب مصرفي في بكين"  # the saved draft
    assert page.has_unpublished_changes


def test_a_translator_cannot_publish_from_the_translation_editor(
    client, django_user_model, roles, source, django_capture_on_commit_callbacks, settings
):
    # wagtail-localize's default (the portal turns it off): the new translation is live at once, so
    # the test can show a translator's publish leaves the live version alone.
    settings.WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = True
    editor = member(django_user_model, "wang", EDITORS)
    arabic_locale = Locale.objects.get(language_code="ar")
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        TranslationCreator(editor, [arabic_locale]).create_translations(source)
    arabic = source.get_translation(arabic_locale)
    translation = Translation.objects.get(
        source__object_id=source.translation_key, target_locale=arabic_locale
    )
    live_revision = arabic.live_revision_id
    assert live_revision is not None
    client.force_login(member(django_user_model, "layla", "Translators (ar)"))
    edit_url = reverse("wagtailadmin_pages:edit", args=[arabic.pk])

    editor_page = client.get(edit_url)
    saved = translate_segment(client, translation, segments(source)[0], "فتح حساب مصرفي")
    published = client.post(edit_url, {"action": "publish"})

    assert editor_page.status_code == 200
    assert "js-translation-editor" in editor_page.content.decode()  # wagtail-localize's editor
    assert saved.status_code == 201  # the segment is saved for later
    assert denied(published)
    assert fresh(arabic).live_revision_id == live_revision


def test_a_translator_cannot_edit_a_page_in_another_language(client, django_user_model, roles, spanish):
    client.force_login(member(django_user_model, "layla", "Translators (ar)"))
    revisions = spanish.revisions.count()

    opened = client.get(reverse("wagtailadmin_pages:edit", args=[spanish.pk]))
    posted = edit(client, spanish, "publish", title="Cambiado")

    assert denied(opened) and denied(posted)
    assert fresh(spanish).title == "Abrir una cuenta bancaria"
    assert spanish.revisions.count() == revisions


def test_a_translation_goes_live_through_its_languages_reviewer(client, django_user_model, roles, arabic):
    translator = member(django_user_model, "layla", "Translators (ar)")
    spanish_reviewer = member(django_user_model, "lucia", "Reviewers (es)")
    arabic_reviewer = member(django_user_model, "omar", "Reviewers (ar)")
    client.force_login(translator)
    edit(client, arabic, "submit", title="فتح حساب مصرفي في بكين")
    assert fresh(arabic).workflow_in_progress
    assert fresh(arabic).current_workflow_state.workflow.name == "Review (ar)"

    client.force_login(spanish_reviewer)
    refused = review(client, arabic)
    client.force_login(arabic_reviewer)
    approved = review(client, arabic)

    assert denied(refused)
    assert approved.status_code == 302
    page = fresh(arabic)
    assert page.live and page.title == "فتح حساب مصرفي في بكين"
    assert page.live_revision.user == translator  # the translator's text, published by the reviewer


def test_an_arabic_reviewer_cannot_publish_a_spanish_page(client, django_user_model, roles, spanish):
    client.force_login(member(django_user_model, "omar", "Reviewers (ar)"))

    response = edit(client, spanish, "publish", title="Cambiado")

    assert denied(response)
    assert fresh(spanish).title == "Abrir una cuenta bancaria"


def test_the_editor_cannot_publish_chinese_but_the_chinese_reviewer_can(
    client, django_user_model, roles, source
):
    client.force_login(member(django_user_model, "wang", EDITORS))
    edit(client, source, "publish", title="开立个人银行账户")
    assert fresh(source).title == "开立银行账户"

    client.force_login(member(django_user_model, "zhao", "Reviewers (zh-hans)"))
    edit(client, source, "publish", title="开立个人银行账户")
    assert fresh(source).title == "开立个人银行账户"


def test_editors_alone_may_create_translations(client, django_user_model, roles, source):
    url = reverse("wagtail_localize:submit_page_translation", args=[source.pk])
    client.force_login(member(django_user_model, "layla", "Translators (ar)"))
    assert denied(client.get(url))
    client.force_login(member(django_user_model, "wang", EDITORS))
    assert client.get(url).status_code == 200


def test_the_review_workflow_covers_pages_added_later(portal, roles):
    page = ContentPageFactory(parent=portal.sections["travel"]["zh-hans"])
    assert Page.objects.get(pk=page.pk).get_workflow().name == "Review (zh-hans)"
