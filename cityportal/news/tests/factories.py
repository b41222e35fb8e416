"""Factories for news, policies, topics and notices. Page factories take a parent (an index page);
`news_index`/`policy_index` find or create the index page under a language's home page."""

from datetime import timedelta

import factory
from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale

from cityportal.core.models import Department, SectionTag
from cityportal.home.models import HomePage
from cityportal.home.tests.factories import PageFactory, translate  # noqa: F401 - translate re-exported
from cityportal.news.models import NewsArticle, NewsIndexPage, Notice, PolicyDocument, PolicyIndexPage, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_zh_hans = factory.Sequence(lambda n: f"主题 {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"authority-{n}")
    name_zh_hans = factory.Sequence(lambda n: f"发文机关 {n}")
    name_en = factory.Sequence(lambda n: f"Issuing authority {n}")


class NewsIndexPageFactory(PageFactory):
    class Meta:
        model = NewsIndexPage

    title = "新闻"
    slug = "news"


class PolicyIndexPageFactory(PageFactory):
    class Meta:
        model = PolicyIndexPage

    title = "政策文件"
    slug = "policies"


def _index(home: HomePage, model, factory_class):
    existing = model.objects.child_of(home).first()
    if existing:
        return existing
    if home.locale.language_code == settings.LANGUAGE_CODE:
        return factory_class(parent=home, locale=home.locale)
    # A translated home gets the translation of the Chinese index, as editors would make it.
    source_home = home.get_translation(Locale.objects.get(language_code=settings.LANGUAGE_CODE))
    return translate(_index(source_home, model, factory_class), home.locale.language_code)


def news_index(home: HomePage) -> NewsIndexPage:
    """The news listing under this home page (a translation of the Chinese one), created if missing."""
    return _index(home, NewsIndexPage, NewsIndexPageFactory)


def policy_index(home: HomePage) -> PolicyIndexPage:
    return _index(home, PolicyIndexPage, PolicyIndexPageFactory)


class FiledPageFactory(PageFactory):
    """Articles and policies: `sections=["work"]` and `topics=[topic]` file the published page."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if create and extracted:
            self.sections.set(SectionTag.objects.filter(code__in=extracted))
            self.save_revision().publish()

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)
            self.save_revision().publish()


class NewsArticleFactory(FiledPageFactory):
    """A published article. Pass `parent=news_index(home)`; `sections=["work"]` files it under sections."""

    class Meta:
        model = NewsArticle
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"新闻 {n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    summary = "新闻摘要。"
    date = factory.Sequence(lambda n: timezone.now() - timedelta(hours=n))
    body = factory.LazyFunction(lambda: [("paragraph", "<p>新闻正文。</p>")])


class PolicyDocumentFactory(FiledPageFactory):
    class Meta:
        model = PolicyDocument
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"政策 {n}")
    slug = factory.Sequence(lambda n: f"policy-{n}")
    summary = "政策摘要。"
    issuing_authority = factory.SubFactory(DepartmentFactory)
    date_issued = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    effective_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=20))
    body = factory.LazyFunction(lambda: [("paragraph", "<p>第一条 政策正文。</p>")])


class NoticeFactory(factory.django.DjangoModelFactory):
    """A notice in Chinese, showing from an hour ago for a day (pass `locale` for another language)."""

    class Meta:
        model = Notice

    title = "暴雨预警"
    message = "今晚有暴雨，部分办事大厅提前关闭。"
    kind = Notice.Kind.WEATHER
    severity = Notice.Severity.WARNING
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


class AlertSubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed subscription to the Work section, in English, sent as soon as something is published.
    Pass `section="", topic=…` for a policy topic, `confirmed_at=None` for a pending one."""

    class Meta:
        model = "news.AlertSubscription"

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "en"
    section = "work"
    topic = None
    frequency = "immediate"
    token_hash = factory.Sequence(lambda n: f"{n:064x}")  # no link needed: tests of links subscribe
    confirmed_at = factory.LazyFunction(timezone.now)


# --- Articles and policies in several languages (the page, listing and feed tests) ----------------


def article_in(
    homes: dict, languages=("en",), *, titles: dict | None = None, **fields
) -> dict[str, NewsArticle]:
    """A Chinese article and its published translations in `languages`, by language.
    `homes` is the portal fixture's `homes`; `titles` gives a translation's title by language."""
    source = NewsArticleFactory(parent=news_index(homes[settings.LANGUAGE_CODE]), **fields)
    versions = {settings.LANGUAGE_CODE: source}
    for language in languages:
        news_index(homes[language])  # a translation needs its parent translated first
        title = (titles or {}).get(language, f"{source.title} ({language})")
        versions[language] = translate(source, language, title=title)
    return versions


def policy_in(
    homes: dict, languages=("en",), *, titles: dict | None = None, **fields
) -> dict[str, PolicyDocument]:
    """A Chinese policy and its published translations in `languages`, by language."""
    source = PolicyDocumentFactory(parent=policy_index(homes[settings.LANGUAGE_CODE]), **fields)
    versions = {settings.LANGUAGE_CODE: source}
    for language in languages:
        policy_index(homes[language])
        title = (titles or {}).get(language, f"{source.title} ({language})")
        versions[language] = translate(source, language, title=title)
    return versions
