"""The shapes of the API's responses, as they appear in the OpenAPI schema."""

from typing import Literal

from ninja import Field, Schema


class ErrorDetail(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. invalid_language, not_found.")
    message: str = Field(description="Explanation in the response's language (see Content-Language).")
    fields: dict[str, list[str]] = Field(
        description='Per-parameter problems, e.g. {"page_size": ["…"]}; empty when none.'
    )


class ErrorResponse(Schema):
    error: ErrorDetail


class LocaleOut(Schema):
    code: str = Field(description="The portal's language code, used in URLs and the lang parameter.")
    tag: str = Field(description="BCP 47 tag, for <html lang> and hreflang.")
    native_name: str = Field(description="The language's name in itself.")
    name: str = Field(description="The language's name in the response's language.")
    direction: Literal["ltr", "rtl"]


class SectionOut(Schema):
    section: str = Field(description="Stable identifier: invest, work, study, live, travel or consume.")
    name: str = Field(description="The section's name in the response's language.")
    title: str | None = Field(description="Title of the section page in that language; null if none.")
    url: str | None = Field(
        description="Absolute URL of the live section page in that language; null if none."
    )


# Every endpoint documents the error format for its likely failures.
ERRORS = {400: ErrorResponse, 404: ErrorResponse}
