"""Access and erasure requests: the registry of providers that find a visitor's personal data.

A visitor proves a request with two things they hold: a *reference* (the booking or question number
the portal gave them, or one that appears in an email the portal sent them) and their *email
address*. Every capability that keeps personal data registers a provider in its app's `privacy.py`:

    from cityportal.core.data_requests import Record, register_personal_data_provider

    register_personal_data_provider(
        "bookings",
        label=_("Appointments"),
        find=find_bookings,      # (reference, email) -> list[Record]; both must match
        export=export_bookings,  # (records) -> list[dict], JSON-serialisable, for the downloaded copy
        erase=erase_bookings,    # (records) -> str, a translated sentence saying what was done
    )

`find` receives a reference stripped of spaces and upper-cased and an email address stripped and
lower-cased. It returns nothing unless both match one person's data, so the page gives the same
answer for a wrong email as for an unknown reference. The page (core/data_request_views.py) and the
services (core/services/privacy.py) call the providers; nothing else does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Record:
    """One item of a visitor's data, as the page shows it. Labels and values are already translated
    and formatted; `key` lets the provider's erase find the row again."""

    provider: str
    key: str
    title: str
    fields: tuple[tuple[str, str], ...] = ()
    created_at: datetime | None = None
    extra: dict = field(default_factory=dict, compare=False)


FindFunction = Callable[[str, str], list[Record]]
ExportFunction = Callable[[list[Record]], list[dict]]
EraseFunction = Callable[[list[Record]], str]


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    find: FindFunction
    export: ExportFunction
    erase: EraseFunction


_providers: dict[str, Provider] = {}


def register_personal_data_provider(
    name: str, *, find: FindFunction, export: ExportFunction, erase: EraseFunction, label: str = ""
) -> Provider:
    if name in _providers and _providers[name].find is not find:
        raise ValueError(f"Two personal data providers are named {name!r}.")
    provider = Provider(name=name, label=label or name, find=find, export=export, erase=erase)
    _providers[name] = provider
    return provider


def registered_providers() -> list[Provider]:
    autodiscover_modules("privacy")
    return sorted(_providers.values(), key=lambda provider: provider.name)
