"""Offices and departments in the Wagtail admin, with one tab per language for their texts.

Registered from core/wagtail_hooks.py. The record itself (code, phone, map position, opening hours)
is language-neutral and edited once; translators fill in their language's tab.
"""

from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList, TabbedInterface
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cityportal.core import i18n
from cityportal.core.models import Department, Office


def language_tabs(fields: tuple[str, ...]) -> list[ObjectList]:
    """One tab per language, headed with the language's own name, holding that language's columns."""
    return [
        ObjectList(
            [FieldPanel(build_localized_fieldname(name, language)) for name in fields],
            heading=i18n.language_name(language),
        )
        for language in i18n.language_codes()
    ]


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name", "code", "phone"]
    search_fields = ["code", "name_zh_hans", "name_en"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("code"),
                    FieldPanel("phone"),
                    FieldPanel("website"),
                    FieldPanel("reminder_email"),
                ],
                heading=_("Record"),
            ),
            *language_tabs(("name", "address")),
        ]
    )


class OfficeViewSet(SnippetViewSet):
    model = Office
    icon = "site"
    menu_label = _("Offices")
    list_display = ["name", "code", "department", "phone"]
    list_filter = ["department"]
    search_fields = ["code", "name_zh_hans", "name_en"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("code"),
                    FieldPanel("department"),
                    FieldPanel("phone"),
                    FieldRowPanel(
                        [FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Map position")
                    ),
                    InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Opening period")),
                ],
                heading=_("Record"),
            ),
            *language_tabs(("name", "address", "directions", "hours_note")),
        ]
    )


class OfficesViewSetGroup(SnippetViewSetGroup):
    items = (OfficeViewSet, DepartmentViewSet)
    menu_icon = "site"
    menu_label = _("Offices")
    menu_name = "offices"
