"""Reading a catalogue record field by field, collecting every problem with where it is.

Each problem names the file, the record and the field, e.g.
`work.yaml: procedure "work-permit", translations.en.materials[2].name: missing`, so whoever keeps
the catalogue can find it without reading code. List positions count from 0.
"""

import datetime
import decimal
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from .markup import markup_problem

CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_HINT = "use lower-case Latin letters, digits and hyphens only"
MAX_PROBLEMS_SHOWN = 30


class CatalogueError(Exception):
    """A catalogue cannot be imported; `problems` lists every reason, each naming file, record and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more problems." if more else "")
        super().__init__(text)


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, path: str, message: str) -> None:
        self.items.append(f"{where}, {path}: {message}" if path else f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            raise CatalogueError(self.items)


MISSING = object()


class Record:
    """A mapping read from a file; every getter reports a problem (and returns a harmless value)
    instead of raising, so that one run lists all the problems of a file."""

    def __init__(self, data: object, where: str, problems: Problems, path: str = ""):
        self.where, self.problems, self.path = where, problems, path
        if not isinstance(data, dict):
            self.report("", "must be a mapping of field names to values")
            data = {}
        self.data: dict = data

    def at(self, name: str | int) -> str:
        if isinstance(name, int):
            return f"{self.path}[{name}]"
        return f"{self.path}.{name}" if self.path else name

    def report(self, name: str | int, message: str) -> None:
        self.problems.add(self.where, self.at(name) if name != "" else self.path, message)

    def has(self, name: str) -> bool:
        return self.data.get(name) not in (None, "", [], {})

    def only(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for name in self.data:
            if name not in allowed:
                self.report(str(name), f"unknown field (expected one of: {', '.join(sorted(allowed))})")

    def raw(self, name: str, default=MISSING):
        value = self.data.get(name)
        if value is None:
            return default
        return value

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.raw(name)
        if value is MISSING or value == "":
            if required:
                self.report(name, "missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.report(name, "must be text")
            return ""
        value = str(value).strip()
        if required and not value:
            self.report(name, "missing")
        if max_length is not None and len(value) > max_length:
            self.report(name, f"{len(value)} characters where at most {max_length} fit")
        return value

    def rich_text(self, name: str, *, required: bool = False) -> str:
        value = self.text(name, required=required)
        if value:
            problem = markup_problem(value)
            if problem:
                self.report(name, problem)
        return value

    def code(self, name: str, *, required: bool = False) -> str:
        value = self.text(name, required=required, max_length=60)
        if value and not CODE.match(value):
            self.report(name, f"“{value}” is not a code: {CODE_HINT}")
            return ""
        return value

    def codes(self, name: str, *, choices: Iterable[str] | None = None) -> list[str]:
        value = self.raw(name, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.report(name, "must be a list of codes")
            return []
        allowed = set(choices) if choices is not None else None
        found = []
        for index, item in enumerate(value):
            if isinstance(item, bool):
                self.report(
                    f"{name}[{index}]",
                    f'{item} is not a code: write it in quotes ("yes"); unquoted, YAML reads yes, no, on '
                    "and off as true or false",
                )
            elif not isinstance(item, str) or not CODE.match(item):
                self.report(f"{name}[{index}]", f"“{item}” is not a code: {CODE_HINT}")
            elif allowed is not None and item not in allowed:
                self.report(
                    f"{name}[{index}]",
                    f"unknown code “{item}” (expected one of: {', '.join(sorted(allowed))})",
                )
            elif item in found:
                self.report(f"{name}[{index}]", f"“{item}” is listed twice")
            else:
                found.append(item)
        return found

    def choice(self, name: str, choices: Iterable[str], *, default: str | None = None) -> str:
        choices = list(choices)
        value = self.raw(name, default)
        if value is MISSING or value is None:
            self.report(name, f"missing (one of: {', '.join(choices)})")
            return choices[0]
        if value not in choices:
            self.report(name, f"“{value}” is not one of: {', '.join(choices)}")
            return choices[0]
        return value

    def integer(
        self,
        name: str,
        *,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = False,
    ) -> int | None:
        value = self.raw(name)
        if value is MISSING:
            if required:
                self.report(name, "missing")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(name, f"“{value}” is not a whole number")
            return default
        if minimum is not None and value < minimum:
            self.report(name, f"{value} is less than {minimum}")
        if maximum is not None and value > maximum:
            self.report(name, f"{value} is more than {maximum}")
        return value

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.raw(name)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.report(name, f"“{value}” is not true or false")
            return default
        return value

    def decimal(self, name: str, *, places: int, minimum=None, maximum=None, required=False):
        value = self.raw(name)
        if value is MISSING:
            if required:
                self.report(name, "missing")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.report(name, f"“{value}” is not a number")
            return None
        try:
            number = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            self.report(name, f"“{value}” is not a number")
            return None
        if not number.is_finite():
            self.report(name, f"“{value}” is not a number")
            return None
        if -number.as_tuple().exponent > places:
            self.report(name, f"“{value}” has more than {places} decimal places")
        if minimum is not None and number < minimum:
            self.report(name, f"{value} is less than {minimum}")
        if maximum is not None and number > maximum:
            self.report(name, f"{value} is more than {maximum}")
        return number.quantize(decimal.Decimal(1).scaleb(-places))

    def date(self, name: str, *, required: bool = False) -> datetime.date | None:
        value = self.raw(name)
        if value is MISSING:
            if required:
                self.report(name, "missing (a date, YYYY-MM-DD)")
            return None
        if isinstance(value, datetime.datetime):
            self.report(name, f"“{value}” is a date and time: give the date only, YYYY-MM-DD")
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.report(name, f"“{value}” is not a date (YYYY-MM-DD)")
            return None

    def time(self, name: str) -> datetime.time | None:
        value = self.raw(name)
        if value is MISSING:
            self.report(name, 'missing (a time, e.g. "09:00")')
            return None
        if isinstance(value, int):
            # YAML 1.1 reads an unquoted 17:00 as the number 1020 (base 60).
            self.report(name, f'write the time in quotes, e.g. "{value // 60:02}:{value % 60:02}"')
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value):
            try:
                return datetime.time.fromisoformat(value.zfill(5))
            except ValueError:
                pass
        self.report(name, f'“{value}” is not a time (HH:MM, e.g. "09:00")')
        return None

    def url(self, name: str, *, max_length: int = 200) -> str:
        value = self.text(name, max_length=max_length)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.report(name, f"“{value}” is not a web address (http:// or https://)")
                return ""
        return value

    def email(self, name: str) -> str:
        value = self.text(name, max_length=254)
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                self.report(name, f"“{value}” is not an email address")
                return ""
        return value

    def mapping(self, name: str, *, required: bool = False) -> "Record | None":
        value = self.raw(name)
        if value is MISSING:
            if required:
                self.report(name, "missing")
            return None
        return Record(value, self.where, self.problems, self.at(name))

    def records(self, name: str, *, required: bool = False) -> list["Record"]:
        value = self.raw(name, [])
        if not isinstance(value, list):
            self.report(name, "must be a list")
            return []
        if required and not value:
            self.report(name, "missing: give at least one")
        return [
            Record(item, self.where, self.problems, self.at(f"{name}[{index}]"))
            for index, item in enumerate(value)
        ]


def translated_texts(
    record: Record,
    name: str,
    *,
    languages: Iterable[str],
    required: Iterable[str] = (),
    max_length: int | None = None,
) -> dict[str, str]:
    """A field given per language: {zh-hans: …, en: …}. Languages without text are left out."""
    value = record.raw(name, {})
    if not isinstance(value, dict):
        record.report(name, "must give the text per language, e.g. {zh-hans: …, en: …}")
        return {}
    languages = list(languages)
    texts = Record(value, record.where, record.problems, record.at(name))
    for language in value:
        if language not in languages:
            texts.report(str(language), f"unknown language (the portal's are: {', '.join(languages)})")
    found = {}
    for language in languages:
        text = texts.text(language, required=language in required, max_length=max_length)
        if text:
            found[language] = text
    return found
