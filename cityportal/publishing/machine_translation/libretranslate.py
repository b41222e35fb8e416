"""A LibreTranslate server run by the portal's operators (MACHINE_TRANSLATION=libretranslate).

API: POST {url}/translate with JSON {q: [strings], source, target, format: "html", api_key} answers
{"translatedText": [strings]}; errors are {"error": "…"} with status 400, 403, 429 or 500.
GET {url}/languages lists the server's languages as [{code, name, targets}].

Chinese is "zh" on older LibreTranslate servers and "zh-Hans" on recent ones, so the code for each
language is chosen from what the server's /languages lists (one request per translation, before the text).
"""

import requests
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import MachineTranslationError, SelfHostedTranslator

# Codes a LibreTranslate server may use for each of our languages, most specific first.
CANDIDATE_CODES = {"zh-hans": ("zh-Hans", "zh")}
BATCH_SIZE = 50  # strings per request: servers may cap a batch (--batch-limit)


class LibreTranslateTranslator(SelfHostedTranslator):
    """OPTIONS: URL, API_KEY (optional), TIMEOUT (seconds per request), LANGUAGE_CODES (optional
    {"zh-hans": "zh"} overrides), BATCH_SIZE (optional)."""

    display_name = gettext_lazy("LibreTranslate (self-hosted)")

    @property
    def url(self) -> str:
        return (self.options.get("URL") or "").rstrip("/")

    @property
    def timeout(self) -> float:
        return float(self.options.get("TIMEOUT") or 20)

    def setup_problem(self) -> str:
        if not self.url:
            return _(
                "Machine translation is set to LibreTranslate but LIBRETRANSLATE_URL is empty; "
                "see docs/glossary-and-machine-translation.md."
            )
        return ""

    def translate_html(self, source: str, target: str, texts: list[str]) -> list[str | None]:
        languages = self._request("get", "/languages")
        source_code, target_code = self._server_code(source, languages), self._server_code(target, languages)
        targets = next((item.get("targets") for item in languages if item.get("code") == source_code), None)
        if targets is not None and target_code not in targets:
            raise MachineTranslationError(
                _("The LibreTranslate server at %(url)s cannot translate from %(source)s into %(target)s.")
                % {"url": self.url, "source": source_code, "target": target_code}
            )
        size = int(self.options.get("BATCH_SIZE") or BATCH_SIZE)
        results: list[str | None] = []
        for start in range(0, len(texts), size):
            batch = texts[start : start + size]
            payload = {"q": batch, "source": source_code, "target": target_code, "format": "html"}
            if self.options.get("API_KEY"):
                payload["api_key"] = self.options["API_KEY"]
            body = self._request("post", "/translate", json=payload)
            translated = body.get("translatedText") if isinstance(body, dict) else None
            if isinstance(translated, str) and len(batch) == 1:
                translated = [translated]
            if not isinstance(translated, list) or len(translated) != len(batch):
                raise MachineTranslationError(self._not_a_translation())
            results += [text if isinstance(text, str) else None for text in translated]
        return results

    def _server_code(self, language: str, languages: list) -> str:
        overrides = self.options.get("LANGUAGE_CODES") or {}
        if language in overrides:
            return overrides[language]
        offered = {item.get("code") for item in languages if isinstance(item, dict)}
        for code in CANDIDATE_CODES.get(language, (language,)):
            if code in offered:
                return code
        raise MachineTranslationError(
            _("The LibreTranslate server at %(url)s has no model for the language “%(language)s”.")
            % {"url": self.url, "language": language}
        )

    def _request(self, method: str, path: str, **kwargs):
        try:
            response = requests.request(method, self.url + path, timeout=self.timeout, **kwargs)
        except requests.Timeout as error:
            raise MachineTranslationError(
                _("The LibreTranslate server at %(url)s did not answer within %(seconds)s seconds.")
                % {"url": self.url, "seconds": f"{self.timeout:g}"}
            ) from error
        except requests.RequestException as error:
            raise MachineTranslationError(
                _("The LibreTranslate server at %(url)s could not be reached: is it running?")
                % {"url": self.url}
            ) from error
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200:
            detail = body.get("error") if isinstance(body, dict) else ""
            if response.status_code == 403:
                message = _(
                    "The LibreTranslate server at %(url)s refused the API key (HTTP 403: %(error)s). "
                    "Check LIBRETRANSLATE_API_KEY."
                )
            elif response.status_code == 429:
                message = _(
                    "The LibreTranslate server at %(url)s is busy (HTTP 429: %(error)s). Try again later."
                )
            else:
                message = _(
                    "The LibreTranslate server at %(url)s refused the request (HTTP %(status)d: %(error)s)."
                )
            raise MachineTranslationError(
                message
                % {"url": self.url, "status": response.status_code, "error": detail or response.reason}
            )
        if body is None or (path == "/languages" and not isinstance(body, list)):
            raise MachineTranslationError(self._not_a_translation())
        return body

    def _not_a_translation(self) -> str:
        return _(
            "The LibreTranslate server at %(url)s answered with something that is not a translation."
        ) % {"url": self.url}
