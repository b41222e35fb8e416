"""The search area of the admin: one “Search” menu with the synonyms, Wagtail's promoted search
results and the searches that found nothing, each shown only to users with its permissions
(docs/search.md)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin.synonyms import SearchSynonymViewSet
from .admin.zero_results import ZeroResultQueryViewSet

SEARCH_MENU = "register_search_menu_item"
PROMOTIONS_MENU_NAME = "promoted-search-results"  # the name wagtail.contrib.search_promotions gives it
PROMOTION_PERMISSIONS = [
    f"wagtailsearchpromotions.{action}_searchpromotion" for action in ("add", "change", "delete")
]


class PromotedResultsMenuItem(MenuItem):
    """Wagtail's own "Promoted search results", moved here from Settings: editors look for everything
    about search in one place. Shown with the permissions Wagtail's item asks for."""

    def is_shown(self, request):
        return any(request.user.has_perm(permission) for permission in PROMOTION_PERMISSIONS)


class SearchViewSetGroup(ViewSetGroup):
    menu_label = _("Search")
    menu_icon = "search"
    menu_order = 180
    submenu_hook = SEARCH_MENU
    items = (
        SearchSynonymViewSet(menu_order=100),
        ZeroResultQueryViewSet(menu_order=300),
    )


@hooks.register("register_admin_viewset")
def register_search():
    return SearchViewSetGroup()


@hooks.register(SEARCH_MENU)
def promoted_results_menu_item():
    return PromotedResultsMenuItem(
        _("Promoted search results"),
        reverse("wagtailsearchpromotions:index"),
        name=PROMOTIONS_MENU_NAME,
        icon_name="pick",
        order=200,
    )


@hooks.register("construct_settings_menu")
def move_promoted_results_to_search_menu(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name != PROMOTIONS_MENU_NAME]


@hooks.register("construct_reports_menu")
def hide_wagtail_search_terms_report(request, menu_items):
    # Wagtail's "Search terms" report counts queries sent through its own Query.add_hit, which the
    # portal's search does not call: it would always be empty. "Searches that found nothing" is ours.
    menu_items[:] = [item for item in menu_items if item.name != "search-terms"]
