"""A fake engine for tests: records each batch it is given and returns it marked with the target language.

It cannot be configured outside the test settings: the system check publishing.E002 refuses it unless
MACHINE_TRANSLATION_ALLOW_FAKE is on, which only settings/test.py sets.
"""

from .base import SelfHostedTranslator

# Every batch translated since the last clear(), as {"source", "target", "texts"} (like mail.outbox).
calls: list[dict] = []


class RecordingTranslator(SelfHostedTranslator):
    display_name = "Recording translator (tests)"

    def translate_html(self, source: str, target: str, texts: list[str]) -> list[str | None]:
        calls.append({"source": source, "target": target, "texts": list(texts)})
        return [f"[{target}] {text}" for text in texts]
