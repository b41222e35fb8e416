"""schema.org `FAQPage` JSON-LD for the FAQ pages, safe inside a <script> element.

Search engines and assistants read the questions and answers from it. The JSON is data, not code
(`type="application/ld+json"`), so the Content-Security-Policy does not block it; `<`, `>` and `&`
are escaped as Django's json_script and procedures/structured_data.py do, so an answer holding
`</script>` or `<!--` can never close the element or open a comment.
"""

import json

from django.utils.safestring import SafeString, mark_safe

from cityportal.core import i18n

SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - JSON with <, > and & escaped, as json_script does


def faq_page(entries, *, url: str, language: str) -> dict:
    """The entries shown on one page (`url` without a query string) as a FAQPage."""
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": url,
        "inLanguage": i18n.bcp47(language),
        "mainEntity": [
            {
                "@type": "Question",
                "name": entry.question,
                "url": f"{url}#faq-{entry.pk}",
                "acceptedAnswer": {"@type": "Answer", "text": entry.answer},
            }
            for entry in entries
        ],
    }
