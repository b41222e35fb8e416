"""Keeping the index in step with what is published: real pages, FAQ entries and appointment services
saved as editors save them, indexed by the queued task as the task worker runs it.

A test marked xfail(strict=True) records a known limitation; it fails loudly (XPASS) once lifted.
"""

from io import StringIO

from django.core.management import call_command
from wagtail.models import PageViewRestriction

from cityportal.home.tests.factories import ContentPageFactory
from cityportal.procedures.tests.factories import DepartmentFactory, ProcedurePageFactory
from cityportal.search.models import SearchDocument
from cityportal.search.services import ranked_keys
from cityportal.search.sources import object_key

from .factories import (
    AppointmentServiceFactory,
    SearchDocumentFactory,
    faq_entry,
    faq_page,
    guide_in,
    guide_index,
    index_queued,
    residence_permit_guide,
    work_permit_guide,
)


def indexed(obj) -> list[SearchDocument]:
    return list(
        SearchDocument.objects.filter(model_label=obj._meta.label_lower, object_id=obj.pk).order_by(
            "language"
        )
    )


def student_guide(portal) -> dict:
    return guide_in(
        portal,
        {
            "zh-hans": {"title": "留学生居留许可", "summary": "入境后三十日内申请。"},
            "en": {
                "title": "Residence permit for students",
                "summary": "Apply within thirty days of arrival.",
            },
        },
        item_code="p-2041",
    )


# --- Pages ----------------------------------------------------------------------------------------------


def test_publishing_a_guide_makes_it_findable_in_its_own_language_only(portal):
    guide = residence_permit_guide(portal, ["en", "fr"])
    assert object_key(guide["en"]) not in ranked_keys("residence permit", "en")  # queued, not yet indexed
    index_queued()

    assert ranked_keys("residence permit", "en")[0] == object_key(guide["en"])
    assert ranked_keys("titre de séjour", "fr")[0] == object_key(guide["fr"])
    assert ranked_keys("居留许可", "zh-hans")[0] == object_key(guide["zh-hans"])
    for language in ("fr", "de", "ko"):
        assert object_key(guide["en"]) not in ranked_keys("residence permit", language)
    [english] = indexed(guide["en"])
    assert (english.kind, english.url, english.sections) == ("guide", "/en/guides/residence-permit/", "live")


def test_a_draft_is_never_findable(portal):
    draft = ProcedurePageFactory.build(
        item_code="draft-residence",
        slug="draft-residence",
        title="居留许可（草稿）",
        department=DepartmentFactory(),
        live=False,
    )
    guide_index(portal, "zh-hans").add_child(instance=draft)
    draft.save_revision()
    index_queued()
    assert indexed(draft) == []
    assert object_key(draft) not in ranked_keys("居留许可", "zh-hans")


def test_editing_a_title_reindexes_that_page_alone(portal):
    guide = student_guide(portal)
    work_permit_guide(portal, ["en"])
    index_queued()
    before = {row.pk: (row.key, row.indexed_at) for row in SearchDocument.objects.all()}

    english = guide["en"]
    english.title = "Residence permit for researchers"
    english.save_revision().publish()
    index_queued()

    after = {row.pk: (row.key, row.indexed_at) for row in SearchDocument.objects.all()}
    assert set(after) == set(before)  # updated in place: no row removed or added
    assert [key for pk, (key, _when) in after.items() if before[pk] != after[pk]] == [object_key(english)]
    assert ranked_keys("researchers", "en") == [object_key(english)]
    assert object_key(english) not in ranked_keys("students", "en")  # the full-text index forgot it


def test_unpublishing_a_page_removes_it(portal):
    guide = student_guide(portal)
    index_queued()
    guide["en"].unpublish()
    index_queued()
    assert indexed(guide["en"]) == []
    assert object_key(guide["en"]) not in ranked_keys("residence permit for students", "en")
    assert ranked_keys("留学生居留许可", "zh-hans")[0] == object_key(guide["zh-hans"])  # the source stays


def test_making_a_page_private_removes_it(portal, django_capture_on_commit_callbacks):
    guide = student_guide(portal)
    index_queued()
    with django_capture_on_commit_callbacks(execute=True):  # as the admin's privacy setting commits
        PageViewRestriction.objects.create(page=guide["en"], restriction_type="password", password="s3cret")
    index_queued()
    assert object_key(guide["en"]) not in ranked_keys("residence permit for students", "en")


def test_making_a_section_private_removes_the_pages_below_it(portal, django_capture_on_commit_callbacks):
    guide = student_guide(portal)
    index_queued()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=guide_index(portal, "en"), restriction_type=PageViewRestriction.LOGIN
        )
    index_queued()
    assert object_key(guide["en"]) not in ranked_keys("residence permit for students", "en")


def test_a_page_saved_while_private_is_removed_and_comes_back_when_public_again(portal):
    guide = student_guide(portal)
    index_queued()
    restriction = PageViewRestriction.objects.create(
        page=guide["en"], restriction_type=PageViewRestriction.LOGIN
    )
    guide["en"].save_revision().publish()
    index_queued()
    assert object_key(guide["en"]) not in ranked_keys("residence permit for students", "en")

    restriction.delete()
    guide["en"].save_revision().publish()
    index_queued()
    assert ranked_keys("residence permit for students", "en")[0] == object_key(guide["en"])


def test_deleting_a_page_removes_it(portal):
    guide = student_guide(portal)
    index_queued()
    english = guide["en"]
    english.delete()
    assert indexed(english) == []  # at once: deletion does not wait for the task worker
    assert object_key(english) not in ranked_keys("residence permit for students", "en")
    assert indexed(guide["zh-hans"])


def test_deleting_a_section_removes_the_pages_below_it(portal):
    guide = student_guide(portal)
    index_queued()
    guide_index(portal, "en").delete()
    assert indexed(guide["en"]) == []
    assert object_key(guide["en"]) not in ranked_keys("residence permit for students", "en")


def test_a_moved_page_and_the_pages_below_it_get_their_new_address(portal):
    parent = ContentPageFactory(
        parent=portal.sections["work"]["en"],
        locale=portal.homes["en"].locale,
        title="Hiring staff",
        slug="hiring",
    )
    child = ContentPageFactory(
        parent=parent, locale=parent.locale, title="Payroll tax for staff", slug="payroll"
    )
    index_queued()
    assert indexed(child)[0].url == "/en/work/hiring/payroll/"

    parent.move(portal.sections["invest"]["en"], pos="last-child")
    index_queued()

    assert indexed(parent)[0].url == "/en/invest/hiring/"
    assert indexed(child)[0].url == "/en/invest/hiring/payroll/"
    assert indexed(child)[0].sections == "invest"  # its section follows its place in the tree


def test_a_new_slug_gives_the_pages_below_it_their_new_address(portal, django_capture_on_commit_callbacks):
    parent = ContentPageFactory(
        parent=portal.sections["work"]["en"],
        locale=portal.homes["en"].locale,
        title="Hiring staff",
        slug="hiring",
    )
    child = ContentPageFactory(
        parent=parent, locale=parent.locale, title="Payroll tax for staff", slug="payroll"
    )
    index_queued()
    with django_capture_on_commit_callbacks(execute=True):  # Wagtail announces a new slug on commit
        parent.slug = "recruiting"
        parent.save_revision().publish()
    index_queued()
    assert indexed(parent)[0].url == "/en/work/recruiting/"
    assert indexed(child)[0].url == "/en/work/recruiting/payroll/"


def test_rebuilding_the_index_keeps_documents_findable_and_drops_stale_ones(portal):
    guide = residence_permit_guide(portal, ["en"])
    index_queued()
    before = indexed(guide["en"])[0]
    SearchDocumentFactory(title="Residence permit (page deleted long ago)")  # no object behind it

    call_command("update_index", backend_name="portal", stdout=StringIO())

    # Rebuilt in place (the same rows, updated), so a search during the rebuild still finds them.
    assert indexed(guide["en"])[0].pk == before.pk
    assert ranked_keys("residence permit", "en")[0] == object_key(guide["en"])
    assert not SearchDocument.objects.filter(title__startswith="Residence permit (page deleted").exists()
    # Each page once, as its own type (the rebuild walks Page and every page type).
    assert SearchDocument.objects.filter(model_label="wagtailcore.page").count() == 0


# --- FAQ entries ----------------------------------------------------------------------------------------


def test_a_published_faq_entry_is_found_in_its_language(portal):
    entry = faq_entry(
        portal,
        "ko",
        section="live",
        question="체류 등록은 어디에서 하나요?",
        answer="가까운 경찰서에서 합니다.",
    )
    faq_entry(portal, "en", question="Where do I register my stay?", answer="At the police station.")
    index_queued()
    assert ranked_keys("경찰서", "ko") == [object_key(entry)]
    [document] = indexed(entry)
    assert document.kind == "faq"
    assert document.url == f"/ko/faq/live/#faq-{entry.pk}"


def test_an_unpublished_or_deleted_faq_entry_is_removed(portal):
    hidden = faq_entry(portal, "en", question="Where do I register my stay?", answer="At the police station.")
    deleted = faq_entry(portal, "en", question="Can I register online?", answer="Yes, at the police website.")
    index_queued()
    hidden.live = False
    hidden.save()
    deleted.delete()
    index_queued()
    assert ranked_keys("police", "en") == []


def test_faq_entries_written_before_their_faq_page_are_found_once_it_is_published(portal):
    faq_page(portal, "zh-hans")
    from wagtail.models import Locale

    from cityportal.consultations.tests.factories import FAQEntryFactory

    entry = FAQEntryFactory(locale=Locale.objects.get(language_code="en"), question="Where do I register?")
    index_queued()
    faq_page(portal, "en")
    index_queued()
    assert ranked_keys("register", "en") == [object_key(entry)]


# --- Appointment services -------------------------------------------------------------------------------


def test_a_service_is_found_in_each_language_its_name_is_translated_into(portal):
    service = AppointmentServiceFactory(
        code="residence-biometrics",
        name_zh_hans="居留许可采集指纹",
        name_en="Residence permit: fingerprints",
        name_ar="تصريح الإقامة: البصمات",
        name_ko="",
        description_en="Book a time to give your fingerprints.",
    )
    index_queued()
    assert [document.language for document in indexed(service)] == ["ar", "en", "zh-hans"]
    assert ranked_keys("fingerprints", "en") == [object_key(service)]
    assert ranked_keys("البصمات", "ar") == [object_key(service)]
    assert ranked_keys("residence biometrics", "en") == [object_key(service)]  # its code, typed
    [english] = [document for document in indexed(service) if document.language == "en"]
    assert (english.kind, english.url) == ("service", f"/en/appointments/{service.pk}/")


def test_a_service_closed_for_booking_is_removed_and_a_name_cleared_drops_its_language(portal):
    service = AppointmentServiceFactory(name_en="Residence permit: fingerprints", name_fr="Empreintes")
    index_queued()
    service.name_fr = ""
    service.save()
    index_queued()
    assert [document.language for document in indexed(service)] == ["en", "zh-hans"]

    service.active = False
    service.save()
    index_queued()
    assert indexed(service) == []
    assert ranked_keys("fingerprints", "en") == []
