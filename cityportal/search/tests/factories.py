"""Test data for search: guides, news, FAQ entries and appointment services written in the nine
languages, built on the `portal` fixture's tree with the other apps' factories.

Page helpers publish a Chinese source page and its translations (as editors do with wagtail-localize);
saving queues Wagtail's index task, so a test calls `index_queued()` before it searches, as the task
worker would run it.
"""

import copy

import factory
from django.conf import settings
from wagtail.models import Locale

from cityportal.appointments.tests.factories import AppointmentServiceFactory
from cityportal.consultations.models import FAQEntry, FAQIndexPage
from cityportal.consultations.tests.factories import FAQEntryFactory
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.home.tests.factories import PageFactory, translate
from cityportal.news.models import NewsArticle
from cityportal.news.tests.factories import NewsArticleFactory, news_index
from cityportal.procedures.models import ProcedureIndexPage, ProcedurePage
from cityportal.procedures.tests.factories import ProcedureIndexPageFactory, ProcedurePageFactory

from ..indexing import document_row
from ..models import SearchDocument, SearchSynonym
from ..sources import DocumentText

SOURCE = settings.LANGUAGE_CODE  # zh-hans: every page is written in Chinese first

# The residence-permit guide as the visitors look for it, in each language's own words.
RESIDENCE_PERMIT = {
    "zh-hans": {
        "title": "外国人居留许可",
        "summary": "在京工作、学习的外国人办理居留许可的条件、材料和流程。",
        "conditions": "<p>持有效护照和签证入境、在京工作或学习的外国人。</p>",
    },
    "en": {
        "title": "Residence permit for foreigners",
        "summary": "How foreigners who work or study in Beijing apply for a residence permit.",
        "conditions": "<p>Foreign nationals who entered with a valid passport and visa.</p>",
    },
    "ja": {
        "title": "外国人の在留許可",
        "summary": "北京で働く・学ぶ外国人が在留許可を申請するための条件、書類、手順。",
        "conditions": "<p>有効な旅券と査証で入国した外国人。</p>",
    },
    "ko": {
        "title": "외국인 거주 허가",
        "summary": "베이징에서 일하거나 공부하는 외국인이 거주 허가를 신청하는 조건, 서류, 절차.",
        "conditions": "<p>유효한 여권과 비자로 입국한 외국인.</p>",
    },
    "ar": {
        "title": "تصريح الإقامة للأجانب",
        "summary": "شروط ووثائق وخطوات حصول الأجانب العاملين أو الدارسين في بكين على تصريح الإقامة.",
        "conditions": "<p>الأجانب الذين دخلوا بجواز سفر وتأشيرة ساريين.</p>",
    },
    "ru": {
        "title": "Вид на жительство для иностранцев",
        "summary": "Как иностранцам, работающим или учащимся в Пекине, получить вид на жительство.",
        "conditions": "<p>Иностранцы, въехавшие по действительному паспорту и визе.</p>",
    },
    "de": {
        "title": "Aufenthaltserlaubnis für Ausländer",
        "summary": "Wie Ausländer, die in Peking arbeiten oder lernen, die Aufenthaltserlaubnis beantragen.",
        "conditions": "<p>Ausländer, die mit gültigem Reisepass und Visum eingereist sind.</p>",
    },
    "fr": {
        "title": "Titre de séjour pour les étrangers",
        "summary": "Comment les étrangers qui travaillent ou étudient à Pékin demandent un titre de séjour.",
        "conditions": "<p>Les étrangers entrés avec un passeport et un visa en cours de validité.</p>",
    },
    "es": {
        "title": "Permiso de residencia para extranjeros",
        "summary": "Cómo solicitan los extranjeros que trabajan en Pekín el permiso de residencia.",
        "conditions": "<p>Extranjeros que entraron con pasaporte y visado válidos.</p>",
    },
}

# A neighbour that shares everyday words with it ("permit", 许可, 허가…), so "first" means something.
WORK_PERMIT = {
    "zh-hans": {"title": "外国人来华工作许可", "summary": "在京工作的外国人须办理工作许可。"},
    "en": {
        "title": "Work permit for foreigners",
        "summary": "Foreigners who work in Beijing need a work permit.",
    },
    "ja": {"title": "外国人就労許可", "summary": "北京で働く外国人は就労許可が必要です。"},
    "ko": {"title": "외국인 취업 허가", "summary": "베이징에서 일하는 외국인은 취업 허가가 필요합니다."},
    "ar": {"title": "تصريح العمل للأجانب", "summary": "يحتاج الأجانب العاملون في بكين إلى تصريح عمل."},
    "ru": {
        "title": "Разрешение на работу для иностранцев",
        "summary": "Иностранцам, работающим в Пекине, нужно разрешение на работу.",
    },  # noqa: E501
    "de": {
        "title": "Arbeitserlaubnis für Ausländer",
        "summary": "Ausländer, die in Peking arbeiten, brauchen eine Arbeitserlaubnis.",
    },  # noqa: E501
    "fr": {
        "title": "Permis de travail pour les étrangers",
        "summary": "Les étrangers qui travaillent à Pékin ont besoin d'un permis de travail.",
    },  # noqa: E501
    "es": {
        "title": "Permiso de trabajo para extranjeros",
        "summary": "Los extranjeros que trabajan en Pekín necesitan un permiso de trabajo.",
    },  # noqa: E501
}

LANGUAGES = list(RESIDENCE_PERMIT)


def index_queued() -> int:
    """Run the queued index tasks, as the task worker does after an editor saves."""
    return run_queued_tasks()


def guide_index(portal, language: str) -> ProcedureIndexPage:
    """The guides' browse page of a language (a translation of the Chinese one), created if missing."""
    existing = ProcedureIndexPage.objects.filter(locale__language_code=language).first()
    if existing:
        return existing
    if language == SOURCE:
        return ProcedureIndexPageFactory(parent=portal.homes[SOURCE])
    return translate(guide_index(portal, SOURCE), language, title=f"Guides ({language})")


def guide_in(portal, texts: dict[str, dict], **source_fields) -> dict[str, ProcedurePage]:
    """A Chinese guide and its published translations, by language. `texts` gives each language's
    fields (title, summary, conditions…); Chinese is the source and is always created."""
    fields = texts.get(SOURCE, {"title": "办事指南"}) | source_fields
    source = ProcedurePageFactory(parent=guide_index(portal, SOURCE), **fields)
    pages = {SOURCE: source}
    for language, values in texts.items():
        if language != SOURCE:
            guide_index(portal, language)  # a translation needs its parent translated first
            pages[language] = translate(source, language, **values)
    return pages


def residence_permit_guide(portal, languages=LANGUAGES, **source_fields) -> dict[str, ProcedurePage]:
    texts = {language: RESIDENCE_PERMIT[language] for language in {SOURCE, *languages}}
    return guide_in(portal, texts, item_code="residence-permit", sections=["live"], **source_fields)


def work_permit_guide(portal, languages=LANGUAGES) -> dict[str, ProcedurePage]:
    texts = {language: WORK_PERMIT[language] for language in {SOURCE, *languages}}
    return guide_in(portal, texts, item_code="work-permit", sections=["work"])


def news_in(portal, texts: dict[str, dict], **source_fields) -> dict[str, NewsArticle]:
    """A Chinese news article and its translations (title, summary, body given per language)."""
    fields = texts.get(SOURCE, {}) | source_fields
    source = NewsArticleFactory(parent=news_index(portal.homes[SOURCE]), **fields)
    pages = {SOURCE: source}
    for language, values in texts.items():
        if language != SOURCE:
            news_index(portal.homes[language])
            pages[language] = translate(source, language, **values)
    return pages


def paragraph(text: str) -> list:
    """A StreamField body of one paragraph."""
    return [("paragraph", f"<p>{text}</p>")]


class FAQIndexPageFactory(PageFactory):
    class Meta:
        model = FAQIndexPage

    title = "问答"
    slug = "faq"


def faq_page(portal, language: str) -> FAQIndexPage:
    """The FAQ page of a language (its entries are linked from there), created if missing."""
    existing = FAQIndexPage.objects.filter(locale__language_code=language).first()
    if existing:
        return existing
    if language == SOURCE:
        return FAQIndexPageFactory(parent=portal.homes[SOURCE])
    return translate(faq_page(portal, SOURCE), language, title=f"FAQ ({language})")


def faq_entry(portal, language: str, **fields) -> FAQEntry:
    faq_page(portal, language)
    return FAQEntryFactory(locale=Locale.objects.get(language_code=language), **fields)


class SearchDocumentFactory(factory.Factory):
    """An indexed document written straight into the index, through the same analysis as a page's:
    for tests of ranking and of the full-text index that need exact texts or many rows, fast."""

    class Meta:
        model = DocumentText

    model_label = "procedures.procedurepage"
    object_id = factory.Sequence(lambda n: 10_000_000 + n)  # no real object has these ids
    language = "en"
    kind = "guide"
    title = factory.Sequence(lambda n: f"Guide {n}")
    url = factory.LazyAttribute(lambda document: f"/{document.language}/guides/{document.object_id}/")
    summary = ""
    body = ""
    sections = factory.LazyFunction(list)
    is_page = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> SearchDocument:
        row = document_row(model_class(*args, **kwargs))
        row.save()
        return row

    @classmethod
    def rows(cls, count: int, **values) -> list[SearchDocument]:
        """`count` alike documents in a few INSERTs (the full-text index follows through its triggers
        or generated column, as for single rows). Analysed once and copied: thousands of analyses of
        the same text would only slow the test down."""
        template = document_row(cls.build(**values))
        rows = []
        for _ in range(count):
            row = copy.copy(template)
            row.object_id = cls.build(**values).object_id  # each its own object
            rows.append(row)
        return SearchDocument.objects.bulk_create(rows, batch_size=1000)


class SearchSynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SearchSynonym

    language = "en"
    terms = "visa, permit"


__all__ = [
    "AppointmentServiceFactory",
    "FAQIndexPageFactory",
    "SearchDocumentFactory",
    "SearchSynonymFactory",
    "faq_entry",
    "guide_in",
    "index_queued",
    "news_in",
    "residence_permit_guide",
    "work_permit_guide",
]
