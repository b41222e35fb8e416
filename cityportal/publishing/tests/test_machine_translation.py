"""Machine translation: the glossary protection, the LibreTranslate and Argos backends against local stubs
speaking their APIs, the recording fake and its system check, and the translation editor's button.

Neither backend is tested here against a real engine or real models
(docs/glossary-and-machine-translation.md).
"""

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.conf import settings as django_settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django.urls import reverse
from wagtail_localize.models import StringTranslation
from wagtail_localize.strings import StringValue
from wagtail_localize.views.update_translations import UpdateTranslationsView

from cityportal.publishing.checks import check_machine_translation
from cityportal.publishing.machine_translation import MachineTranslationError, recording
from cityportal.publishing.machine_translation.admin_views import shows_machine_translation_problems
from cityportal.publishing.machine_translation.argos import ArgosTranslator
from cityportal.publishing.machine_translation.glossary import protect_terms, unprotect_terms
from cityportal.publishing.machine_translation.libretranslate import LibreTranslateTranslator

from .test_glossary import GlossaryTermFactory
from .test_glossary_editor import guide, submit_translation, terms  # noqa: F401 - fixtures

LIBRETRANSLATE = "cityportal.publishing.machine_translation.libretranslate.LibreTranslateTranslator"
ARGOS = "cityportal.publishing.machine_translation.argos.ArgosTranslator"
RECORDING = "cityportal.publishing.machine_translation.recording.RecordingTranslator"
PERMIT = {"外国人工作许可证": "تصريح عمل الأجانب", "外国人工作许可": "إذن العمل"}


# --- protecting glossary terms ------------------------------------------------------------------------


def test_terms_are_replaced_by_their_protected_rendering_longest_first():
    protected = protect_terms("申请外国人工作许可证。", PERMIT)
    assert protected == '申请<span translate="no">تصريح عمل الأجانب</span>。'


def test_tags_and_attributes_are_left_alone_and_text_is_escaped_again():
    renderings = {"出入境": "Exit & Entry"}
    protected = protect_terms('<a id="a1">出入境</a> &amp; 出入境<b>窗口</b>', renderings)
    assert protected == (
        '<a id="a1"><span translate="no">Exit &amp; Entry</span></a> &amp; '
        '<span translate="no">Exit &amp; Entry</span><b>窗口</b>'
    )


def test_a_string_without_terms_is_sent_exactly_as_it_was():
    assert protect_terms("<b>护照</b>&nbsp;复印件", PERMIT) == "<b>护照</b>&nbsp;复印件"
    assert protect_terms("外国人工作许可证", {}) == "外国人工作许可证"


def test_protected_spans_are_unwrapped_however_the_engine_quotes_them():
    engine_output = (
        "Apply for <span translate='no'>تصريح عمل الأجانب</span> and <SPAN translate=\"no\">x</SPAN>."
    )
    assert unprotect_terms(engine_output) == "Apply for تصريح عمل الأجانب and x."
    assert unprotect_terms('<span class="k">kept</span>') == '<span class="k">kept</span>'


# --- a LibreTranslate stub ----------------------------------------------------------------------------


class LibreTranslateStub(BaseHTTPRequestHandler):
    """Speaks LibreTranslate's API: GET /languages, POST /translate (JSON or form fields)."""

    def log_message(self, *args):
        pass  # quiet tests

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        server = self.server
        if self.path != "/languages":
            return self._answer(404, {"error": "Not found"})
        codes = server.codes
        return self._answer(200, [{"code": code, "name": code, "targets": codes} for code in codes])

    def do_POST(self):
        server = self.server
        time.sleep(server.delay)
        if self.path != "/translate":
            return self._answer(404, {"error": "Not found"})
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            fields = json.loads(raw)
        else:
            fields = {
                name: values if name == "q" and len(values) > 1 else values[0]
                for name, values in parse_qs(raw).items()
            }
        server.requests.append(fields)
        if server.api_key and fields.get("api_key") != server.api_key:
            return self._answer(403, {"error": "Invalid API key"})
        for name in ("q", "source", "target"):
            if not fields.get(name):
                return self._answer(400, {"error": f"Invalid request: missing {name} parameter"})
        for name in ("source", "target"):
            if fields[name] not in server.codes:
                return self._answer(400, {"error": f"{fields[name]} is not supported"})
        if fields.get("format", "text") not in ("text", "html"):
            return self._answer(400, {"error": "Invalid format"})
        q = fields["q"]
        length = sum(map(len, q)) if isinstance(q, list) else len(q)
        if server.char_limit and length > server.char_limit:
            return self._answer(
                400,
                {"error": f"Invalid request: request ({length}) exceeds text limit ({server.char_limit})"},
            )
        if isinstance(q, list):
            return self._answer(200, {"translatedText": [f"[{fields['target']}] {text}" for text in q]})
        return self._answer(200, {"translatedText": f"[{fields['target']}] {q}"})


@pytest.fixture
def libretranslate():
    server = ThreadingHTTPServer(("127.0.0.1", 0), LibreTranslateStub)
    server.codes, server.api_key, server.delay, server.char_limit = ["zh-Hans", "en", "ar"], "", 0, 0
    server.requests = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def strings(*texts):
    return [StringValue(text) for text in texts]


@pytest.mark.usefixtures("terms")
def test_libretranslate_translates_a_batch_in_html_with_the_glossary(libretranslate, locales):
    translator = LibreTranslateTranslator({"URL": libretranslate.url, "TIMEOUT": 5})
    batch = strings("申请外国人工作许可证。", "<b>准备</b>护照。")
    result = translator.translate(locales["zh-hans"], locales["ar"], batch)
    (request,) = libretranslate.requests
    assert request["source"] == "zh-Hans" and request["target"] == "ar" and request["format"] == "html"
    assert request["q"][0] == '申请<span translate="no">تصريح عمل الأجانب</span>。'
    assert "api_key" not in request
    assert result[batch[0]].data == "[ar] 申请تصريح عمل الأجانب。"
    assert result[batch[1]].data == "[ar] <b>准备</b>护照。"


def test_libretranslate_uses_zh_on_servers_that_call_chinese_so(libretranslate, locales, db):
    libretranslate.codes = ["zh", "en", "ar"]
    translator = LibreTranslateTranslator({"URL": libretranslate.url})
    translator.translate(locales["zh-hans"], locales["en"], strings("护照"))
    assert libretranslate.requests[0]["source"] == "zh"


def test_libretranslate_sends_the_api_key_and_names_a_refused_one(libretranslate, locales, db):
    libretranslate.api_key = "right-key"
    good = LibreTranslateTranslator({"URL": libretranslate.url, "API_KEY": "right-key"})
    assert good.translate(locales["zh-hans"], locales["en"], strings("护照"))
    assert libretranslate.requests[-1]["api_key"] == "right-key"
    bad = LibreTranslateTranslator({"URL": libretranslate.url, "API_KEY": "wrong"})
    with pytest.raises(MachineTranslationError) as raised:
        bad.translate(locales["zh-hans"], locales["en"], strings("护照"))
    assert str(raised.value) == (
        f"The LibreTranslate server at {libretranslate.url} refused the API key (HTTP 403: Invalid API key). "
        "Check LIBRETRANSLATE_API_KEY."
    )


def test_libretranslate_says_which_language_the_server_lacks(libretranslate, locales, db):
    translator = LibreTranslateTranslator({"URL": libretranslate.url})
    with pytest.raises(MachineTranslationError, match="has no model for the language “ru”"):
        translator.translate(locales["zh-hans"], locales["ru"], strings("护照"))
    assert libretranslate.requests == []  # found out from /languages, before sending any text


def test_libretranslate_reports_the_servers_own_error(libretranslate, locales, db):
    libretranslate.char_limit = 5  # the server's --char-limit: it answers 400 {"error": …}
    translator = LibreTranslateTranslator({"URL": libretranslate.url})
    with pytest.raises(MachineTranslationError) as raised:
        translator.translate(locales["zh-hans"], locales["ar"], strings("请携带护照原件。"))
    assert str(raised.value) == (
        f"The LibreTranslate server at {libretranslate.url} refused the request "
        "(HTTP 400: Invalid request: request (8) exceeds text limit (5))."
    )


def test_libretranslate_respects_the_timeout(libretranslate, locales, db):
    libretranslate.delay = 2
    translator = LibreTranslateTranslator({"URL": libretranslate.url, "TIMEOUT": 0.3})
    started = time.monotonic()
    with pytest.raises(MachineTranslationError, match="did not answer within 0.3 seconds"):
        translator.translate(locales["zh-hans"], locales["en"], strings("护照"))
    assert time.monotonic() - started < 1.5


def test_libretranslate_says_when_the_server_is_not_running(locales, db):
    translator = LibreTranslateTranslator({"URL": "http://127.0.0.1:9"})  # discard port: nothing listens
    with pytest.raises(MachineTranslationError, match="could not be reached: is it running?"):
        translator.translate(locales["zh-hans"], locales["en"], strings("护照"))


def test_libretranslate_without_url_cannot_translate_and_says_why(locales):
    translator = LibreTranslateTranslator({"URL": ""})
    assert not translator.can_translate(locales["zh-hans"], locales["en"])
    assert "LIBRETRANSLATE_URL is empty" in translator.unavailable_reason(locales["zh-hans"], locales["en"])


def test_libretranslate_splits_long_pages_into_batches(libretranslate, locales, db):
    translator = LibreTranslateTranslator({"URL": libretranslate.url, "BATCH_SIZE": 2})
    batch = strings("一", "二", "三")
    result = translator.translate(locales["zh-hans"], locales["en"], batch)
    assert [request["q"] for request in libretranslate.requests] == [["一", "二"], ["三"]]
    assert [result[item].data for item in batch] == ["[en] 一", "[en] 二", "[en] 三"]


# --- an Argos Translate stub --------------------------------------------------------------------------

ARGOS_STUB = '''
"""A stand-in for argostranslate.translate: the API surface the backend uses."""

INSTALLED = [("zh", "en"), ("zh", "ar")]
calls = []


class Translation:
    def __init__(self, from_lang, to_lang):
        self.from_lang, self.to_lang = from_lang, to_lang

    def translate(self, text):
        calls.append(text)
        if "崩溃" in text:
            raise RuntimeError("CUDA out of memory")
        return f"[{self.to_lang.code}] {text}"


class Language:
    def __init__(self, code, name):
        self.code, self.name, self.translations_from = code, name, []

    def get_translation(self, to):
        return next((t for t in self.translations_from if t.to_lang.code == to.code), None)


def get_installed_languages():
    languages = {}
    for source, target in INSTALLED:
        for code in (source, target):
            languages.setdefault(code, Language(code, code))
        languages[source].translations_from.append(Translation(languages[source], languages[target]))
    return list(languages.values())
'''

TRANSLATEHTML_STUB = '''
"""A stand-in for translatehtml: keeps translate="no" elements, translates the rest."""
import re

PROTECTED = re.compile(r'(<span translate="no">.*?</span>)')


def translate_html(underlying_translation, html):
    parts = PROTECTED.split(html)
    return "".join(
        part if PROTECTED.fullmatch(part) else underlying_translation.translate(part) if part else ""
        for part in parts
    )
'''


@pytest.fixture
def argos(tmp_path, monkeypatch):
    """A real importable `argostranslate` package in a temporary directory on sys.path."""
    package = tmp_path / "argostranslate"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "translate.py").write_text(textwrap.dedent(ARGOS_STUB))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("argostranslate", "argostranslate.translate", "translatehtml"):
        sys.modules.pop(name, None)


def with_translatehtml(directory):
    (directory / "translatehtml.py").write_text(textwrap.dedent(TRANSLATEHTML_STUB))


@pytest.mark.usefixtures("terms")
def test_argos_translates_html_with_the_glossary_through_translatehtml(argos, locales):
    with_translatehtml(argos)
    translator = ArgosTranslator({})
    assert translator.can_translate(locales["zh-hans"], locales["ar"])
    batch = strings("申请外国人工作许可证。", "<b>准备</b>护照。")
    result = translator.translate(locales["zh-hans"], locales["ar"], batch)
    assert result[batch[0]].data == "[ar] 申请تصريح عمل الأجانب[ar] 。"
    assert result[batch[1]].data == "[ar] <b>准备</b>护照。"
    import argostranslate.translate

    assert "外国人工作许可证" not in "".join(
        argostranslate.translate.calls
    )  # the term never reached the model


@pytest.mark.usefixtures("terms")
def test_argos_without_translatehtml_translates_plain_strings_only(argos, locales):
    translator = ArgosTranslator({})
    batch = strings("准备护照 &amp; 照片。", "申请外国人工作许可证。", "<b>准备</b>护照。")
    result = translator.translate(locales["zh-hans"], locales["en"], batch)
    assert result[batch[0]].data == "[en] 准备护照 &amp; 照片。"
    assert batch[1] not in result and batch[2] not in result  # left to the translator, not mangled


def test_argos_without_the_language_pair_cannot_translate_and_says_why(argos, locales):
    translator = ArgosTranslator({})
    assert not translator.can_translate(locales["zh-hans"], locales["ru"])
    assert translator.unavailable_reason(locales["zh-hans"], locales["ru"]) == (
        "No Argos Translate model from 简体中文 into Русский is installed on this server."
    )


def test_argos_without_the_package_cannot_translate_and_says_why(locales):
    translator = ArgosTranslator({})
    assert not translator.can_translate(locales["zh-hans"], locales["en"])
    assert "the argostranslate package is not installed" in translator.unavailable_reason(
        locales["zh-hans"], locales["en"]
    )


def test_argos_model_failure_is_a_clear_error(argos, locales, db):
    translator = ArgosTranslator({})
    with pytest.raises(MachineTranslationError, match="Argos Translate failed: CUDA out of memory"):
        translator.translate(locales["zh-hans"], locales["en"], strings("程序崩溃"))


# --- the recording fake and the system check -----------------------------------------------------------


def test_the_recording_fake_can_be_selected_under_test_settings(settings, locales, db):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": RECORDING}
    assert check_machine_translation() == []
    recording.calls.clear()
    recording.RecordingTranslator({}).translate(locales["zh-hans"], locales["en"], strings("护照"))
    assert recording.calls == [{"source": "zh-hans", "target": "en", "texts": ["护照"]}]


def test_the_recording_fake_is_refused_outside_test_settings(settings):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": RECORDING}
    settings.MACHINE_TRANSLATION_ALLOW_FAKE = False
    assert [error.id for error in check_machine_translation()] == ["publishing.E002"]


def test_only_self_hosted_backends_may_be_configured(settings):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "wagtail_localize.machine_translators.deepl.DeepLTranslator",
        "OPTIONS": {"AUTH_KEY": "x"},
    }
    assert [error.id for error in check_machine_translation()] == ["publishing.E001"]


def test_libretranslate_needs_a_url_and_not_the_public_service(settings):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": LIBRETRANSLATE, "OPTIONS": {"URL": ""}}
    assert [error.id for error in check_machine_translation()] == ["publishing.E003"]
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": LIBRETRANSLATE,
        "OPTIONS": {"URL": "https://libretranslate.com"},
    }
    assert [error.id for error in check_machine_translation()] == ["publishing.E004"]
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": LIBRETRANSLATE,
        "OPTIONS": {"URL": "http://10.0.0.5:5000"},
    }
    assert check_machine_translation() == []


def settings_from_environment(**variables) -> subprocess.CompletedProcess:
    """Import the base settings in a fresh interpreter with these environment variables."""
    environment = {
        key: value for key, value in os.environ.items() if key != "MACHINE_TRANSLATION"
    } | variables
    code = (
        "import json; from cityportal.settings import base as s; "
        "print(json.dumps(getattr(s, 'WAGTAILLOCALIZE_MACHINE_TRANSLATOR', None)))"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        cwd=str(django_settings.BASE_DIR),
        check=False,
    )


def test_the_environment_selects_the_backend_and_its_options():
    result = settings_from_environment(
        MACHINE_TRANSLATION="libretranslate",
        LIBRETRANSLATE_URL="http://127.0.0.1:5000",
        LIBRETRANSLATE_API_KEY="k",
        MACHINE_TRANSLATION_TIMEOUT="12.5",
    )
    assert json.loads(result.stdout) == {
        "CLASS": LIBRETRANSLATE,
        "OPTIONS": {"URL": "http://127.0.0.1:5000", "API_KEY": "k", "TIMEOUT": 12.5},
    }
    assert json.loads(settings_from_environment().stdout) is None  # the default: none


def test_an_unknown_backend_name_stops_the_start_with_a_clear_message():
    result = settings_from_environment(MACHINE_TRANSLATION="deepl")
    assert result.returncode != 0
    assert "MACHINE_TRANSLATION='deepl': use libretranslate, argos or leave it empty." in result.stderr


# --- the translation editor ----------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "pw"))
    return client


def test_the_machine_translate_button_fills_the_untranslated_segments(
    admin_client,
    settings,
    libretranslate,
    guide,  # noqa: F811 - fixtures
):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": LIBRETRANSLATE,
        "OPTIONS": {"URL": libretranslate.url},
    }
    translation = submit_translation(guide, "ar")
    arabic = guide.get_translation(translation.target_locale)
    editor = reverse("wagtailadmin_pages:edit", args=[arabic.pk])
    assert "Machine translation: LibreTranslate (self-hosted)." in admin_client.get(editor).content.decode()
    response = admin_client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]) + f"?next={editor}"
    )
    assert response.status_code == 302 and response.url == editor
    translated = {
        item.translation_of.data: item
        for item in StringTranslation.objects.filter(locale=translation.target_locale).select_related(
            "translation_of"
        )
    }
    assert translated["办理外国人工作许可证"].data == "[ar] 办理تصريح عمل الأجانب"
    assert translated["办理外国人工作许可证"].translation_type == StringTranslation.TRANSLATION_TYPE_MACHINE
    assert translated["准备护照。"].data == "[ar] 准备护照。"
    sent = libretranslate.requests[0]["q"]
    assert '办理<span translate="no">تصريح عمل الأجانب</span>' in sent


def test_an_engine_failure_is_shown_to_the_translator_and_nothing_is_written(
    admin_client,
    settings,
    libretranslate,
    guide,  # noqa: F811 - fixtures
):
    libretranslate.api_key = "right-key"
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": LIBRETRANSLATE,
        "OPTIONS": {"URL": libretranslate.url, "API_KEY": "wrong"},
    }
    translation = submit_translation(guide, "ar")
    editor = reverse("wagtailadmin_pages:edit", args=[guide.get_translation(translation.target_locale).pk])
    response = admin_client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]) + f"?next={editor}", follow=True
    )
    assert (
        "refused the API key (HTTP 403: Invalid API key). Check LIBRETRANSLATE_API_KEY."
        in response.content.decode()
    )
    assert not StringTranslation.objects.filter(locale=translation.target_locale).exists()


def sync_request(translation_source_id):
    request = RequestFactory().post(
        reverse("wagtail_localize:update_translations", args=[translation_source_id]),
        {"use_machine_translation": "on"},
    )
    request._messages = CookieStorage(request)
    return request


def test_sync_with_machine_translation_names_the_languages_the_engine_lacks(settings, argos, guide):  # noqa: F811
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": ARGOS}
    translation = submit_translation(guide, "ru")  # the Argos stub has no Russian model
    view = shows_machine_translation_problems(UpdateTranslationsView.as_view())
    request = sync_request(translation.source.pk)
    response = view(request, translation_source_id=translation.source.pk)
    assert response.status_code == 302
    (message,) = [str(message) for message in request._messages]
    assert message == (
        "Nothing was synced: machine translation cannot translate every language. "
        "No Argos Translate model from 简体中文 into Русский is installed on this server."
    )
    assert not StringTranslation.objects.filter(locale=translation.target_locale).exists()


def test_sync_shows_an_engine_failure_as_a_message(settings, guide):  # noqa: F811 - a fixture
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": RECORDING}
    source_id = submit_translation(guide, "ar").source.pk

    def failing_sync(request, translation_source_id):
        raise MachineTranslationError("The LibreTranslate server at http://mt.internal did not answer.")

    request = sync_request(source_id)
    response = shows_machine_translation_problems(failing_sync)(request, translation_source_id=source_id)
    assert response.status_code == 302
    assert [str(message) for message in request._messages] == [
        "The LibreTranslate server at http://mt.internal did not answer."
    ]


def test_glossary_terms_come_out_the_same_in_every_string(settings, libretranslate, locales):
    GlossaryTermFactory(term_zh_hans="外国人工作许可证", term_en="Foreigner's Work Permit")
    translator = LibreTranslateTranslator({"URL": libretranslate.url})
    batch = strings("外国人工作许可证", "办理外国人工作许可证的条件", "<i>外国人工作许可证</i>遗失")
    result = translator.translate(locales["zh-hans"], locales["en"], batch)
    assert [result[item].data for item in batch] == [
        "[en] Foreigner's Work Permit",
        "[en] 办理Foreigner's Work Permit的条件",
        "[en] <i>Foreigner's Work Permit</i>遗失",
    ]
