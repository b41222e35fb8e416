"""What machines read from news and policy pages: schema.org JSON-LD and the image of a social card.

Articles are a `NewsArticle` (Google News, Baidu, assistants); policies a `Legislation`, whose
`legislationLegalForce` says whether the text still applies. The JSON is written into a
`<script type="application/ld+json">` element: data, not code, so the Content-Security-Policy
(script-src 'self') does not block it, and it is escaped as procedures/structured_data.py does, so
a title can never close the element.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.images.models import SourceImageIOError

from cityportal.core import i18n, images
from cityportal.core.site_version import site_version
from cityportal.procedures.structured_data import json_for_script, without_empty

from .models import PolicyStatus
from .templatetags.news_tags import BEIJING, site_links

__all__ = ["LeadImage", "json_for_script", "lead_image", "legislation", "news_article"]

MISSING = object()


@dataclass(frozen=True)
class LeadImage:
    url: str  # absolute: social networks fetch it from elsewhere
    width: int
    height: int
    alt: str


def lead_image(page, request) -> LeadImage | None:
    """The article's lead image for Open Graph and JSON-LD: the widest JPEG (or PNG) rendition pages
    already use (ADR 012). Two queries the first time, then cached until the next publish."""
    if not getattr(page, "lead_image_id", None):
        return None
    if getattr(request, "is_preview", False):
        return build_lead_image(page, request)
    key = f"cityportal:news:lead-image:{site_version()}:{page.pk}:{request.scheme}:{request.get_host()}"
    found = cache.get(key, MISSING)
    if found is MISSING:
        found = build_lead_image(page, request)
        cache.set(key, found, timeout=600)
    return found


def build_lead_image(page, request) -> LeadImage | None:
    from .models.articles import article_lead_image, lead_image_alt

    image = article_lead_image(page)
    if image is None:
        return None
    specs = images.rendition_specs(image)
    fallback = images.fallback_format(image)
    widest = max(
        (spec for spec in specs if spec.endswith(f"format-{fallback}")),
        key=lambda spec: int(spec.split("|")[0].removeprefix("width-")),
        default=None,
    )
    if widest is None:
        return None
    try:
        # All of the page's renditions in one query, so the <picture> in the body finds them cached.
        rendition = image.get_renditions(*specs)[widest]
    except SourceImageIOError:
        return None  # the original is gone from storage: better no image than a broken one
    return LeadImage(
        url=request.build_absolute_uri(rendition.url),
        width=rendition.width,
        height=rendition.height,
        alt=lead_image_alt(page),
    )


def _organisation(department) -> dict | None:
    if department is None:
        return None
    return {"@type": "GovernmentOrganization", "name": department.name, "url": department.website}


def _publisher(request) -> dict | None:
    site = site_links(request).get(get_language())
    if site is None:
        return None
    return {"@type": "GovernmentOrganization", "name": site.host_organisation or site.portal_name}


def news_article(article, parts) -> dict:
    request = parts.request
    url = request.build_absolute_uri(article.get_url(request))
    image = lead_image(article, request)
    publisher = _publisher(request)
    author = _organisation(parts.department)
    if author is None and article.source_name:
        author = {"@type": "Organization", "name": article.source_name}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.date.astimezone(BEIJING).isoformat(),
        "dateModified": (article.last_published_at or article.date).astimezone(BEIJING).isoformat(),
        "inLanguage": i18n.bcp47(get_language()),
        "image": [image.url] if image else None,
        "articleSection": [label for _code, label in parts.sections],
        "keywords": parts.topics,
        "author": author or publisher,
        "publisher": publisher,
    }
    return without_empty(data)


def legislation(policy, parts) -> dict:
    request = parts.request
    ends = [day for day in (policy.withdrawn_on, policy.expiry_date) if day is not None]
    ended = min(ends) if ends else None
    modified = policy.last_published_at
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": policy.title,
        "description": policy.summary,
        "url": request.build_absolute_uri(policy.get_url(request)),
        "inLanguage": i18n.bcp47(get_language()),
        "legislationIdentifier": policy.document_number,
        "legislationDate": policy.date_issued.isoformat(),
        "datePublished": policy.date_issued.isoformat(),
        "dateModified": modified.astimezone(BEIJING).isoformat() if modified else None,
        "expires": ended.isoformat() if ended else None,
        "legislationLegalForce": "InForce" if parts.status == PolicyStatus.IN_FORCE else "NotInForce",
        "legislationPassedBy": _organisation(parts.authority),
        "publisher": _publisher(request),
        "about": [label for _code, label in parts.sections],
        "keywords": parts.topics,
    }
    if parts.chinese_version is not None:
        # A translation: the Chinese text is the work it translates, and the one that prevails.
        data["translationOfWork"] = {
            "@type": "Legislation",
            "url": parts.chinese_version.full_url,
            "inLanguage": parts.chinese_version.bcp47,
        }
    return without_empty(data)
