"""Latin words, numbers and phone numbers stay in order inside Arabic text."""

from django.template import Context, Template
from django.utils import translation

from cityportal.core.bidi import isolate_ltr_runs


def test_phone_numbers_and_latin_names_are_isolated():
    html = "<p>اتصل على 010-0000-0000 أو زر Beijing Capital Airport اليوم.</p>"
    assert isolate_ltr_runs(html) == (
        "<p>اتصل على <bdi>010-0000-0000</bdi> أو زر <bdi>Beijing Capital Airport</bdi> اليوم.</p>"
    )


def test_tags_and_attributes_are_left_alone():
    html = '<a href="/ar/work/" class="x1">العمل</a>'
    assert isolate_ltr_runs(html) == html


def test_scripts_and_existing_isolation_are_not_touched():
    html = '<script src="/static/js/portal.js" defer></script><bdi>ABC 123</bdi><code>x = 1</code>'
    assert isolate_ltr_runs(html) == html


def test_the_filter_only_acts_on_right_to_left_pages():
    template = Template("{% load core_tags %}{% filter isolate_ltr %}رقم 12345{% endfilter %}")
    with translation.override("ar"):
        assert template.render(Context()) == "رقم <bdi>12345</bdi>"
    with translation.override("en"):
        assert template.render(Context()) == "رقم 12345"


def test_paths_and_bracketed_runs_are_isolated_whole():
    assert isolate_ltr_runs("<p>الصفحة (/ar/privacy/my-data/) هنا</p>") == (
        "<p>الصفحة <bdi>(/ar/privacy/my-data/)</bdi> هنا</p>"
    )
    assert isolate_ltr_runs("<p>مطار (PEK) و(نموذج)</p>") == "<p>مطار <bdi>(PEK)</bdi> و(نموذج)</p>"
    assert isolate_ltr_runs("<p>الرقم 12345) هنا</p>") == "<p>الرقم <bdi>12345</bdi>) هنا</p>"


def test_escaped_markup_stays_escaped_and_readable():
    """User text shown escaped on an Arabic page (“<b>” typed in a question) keeps its character
    references whole: a run never starts inside "&lt;", so the page shows what was typed."""
    html = "<p>سؤال: &lt;b&gt;visa&lt;/b&gt; &amp; &#39;permit&#39;</p>"
    result = isolate_ltr_runs(html)
    assert "&<bdi>" not in result and "&#<bdi>" not in result
    assert result == (
        "<p>سؤال: &lt;<bdi>b</bdi>&gt;<bdi>visa</bdi>&lt;<bdi>/b</bdi>&gt; "
        "&amp; &#39;<bdi>permit</bdi>&#39;</p>"
    )
