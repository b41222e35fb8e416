"""Sending a synced translation to its language's reviewers, and keeping translations behind them.

wagtail-localize's translation editor offers "Publish" to those who may publish and nothing else, so a
translator could never hand a translation over for review. "Submit translation for review" (in the
page's "More" menu and at publishing/translations/<page id>/submit-for-review/ in the admin) writes the
translated segments into a draft revision of the page and starts the language's workflow, as Wagtail's
own "Submit for review" does for an ordinary page. The reviewers approve it from their dashboard.

wagtail-localize's "Sync translated pages" can also publish every translation at once ("Publish
immediately"); the admin URL of that form is served here first, so it publishes only the translations
the user may publish themselves (a language's reviewers).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.models import Page, WorkflowState
from wagtail_localize.views.update_translations import UpdateTranslationsView

from .machine_translation.admin_views import shows_machine_translation_problems
from .translation_status import SOURCE_LANGUAGE, synced_translation


class ReviewError(Exception):
    """The translation cannot be submitted; the message says why, in the user's language."""


@transaction.atomic
def submit_translation_for_review(page: Page, user) -> WorkflowState:
    """Save the translated segments as a draft of `page` and start (or resume) its review workflow.

    Raises PermissionDenied when the user may not edit the page, ReviewError when it cannot be
    submitted (nothing is written then)."""
    page = page.specific
    if not page.permissions_for_user(user).can_edit():
        raise PermissionDenied
    translation = synced_translation(page)
    if translation is None:
        raise ReviewError(
            _("This page is not a synced translation: use “Submit for review” in its editor instead.")
        )
    workflow = page.get_workflow()
    if workflow is None:
        raise ReviewError(
            _("No review workflow covers this page. An administrator sets them up with sync_editorial_roles.")
        )
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ReviewError(_("This translation is already waiting for review."))
    total, translated = translation.get_progress()
    if translated < total:
        missing = total - translated
        raise ReviewError(
            ngettext(
                "%(count)d text segment is not translated yet: translate it before submitting.",
                "%(count)d text segments are not translated yet: translate them before submitting.",
                missing,
            )
            % {"count": missing}
        )
    try:
        translation.save_target(user=user, publish=False)
    except ValidationError as error:
        raise ReviewError(
            _("The translation does not pass the page's checks: %(errors)s")
            % {"errors": " ".join(error.messages)}
        ) from error
    page = Page.objects.get(pk=page.pk).specific
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)  # the reviewers asked for changes: the same review goes on
        return state
    return workflow.start(page, user)


class SubmitTranslationForReviewView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then submit a synced translation to its language's review workflow."""

    template_name = "publishing/submit_translation_for_review.html"
    page_title = gettext_lazy("Submit translation for review")
    header_icon = "resubmit"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = get_object_or_404(Page, pk=kwargs["page_id"]).specific

    def dispatch(self, request, *args, **kwargs):
        if not self.page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        translation = synced_translation(self.page)
        total, translated = translation.get_progress() if translation else (0, 0)
        context.update(
            page=self.page,
            translation=translation,
            total_segments=total,
            translated_segments=translated,
            workflow=self.page.get_workflow(),
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            submit_translation_for_review(self.page, request.user)
        except ReviewError as error:
            return self.render_to_response(self.get_context_data(error=str(error)), status=400)
        messages.success(
            request,
            _("“%(title)s” has been submitted for review.") % {"title": self.page.get_admin_display_title()},
        )
        return redirect("wagtailadmin_pages:edit", self.page.pk)


class ReviewedUpdateTranslationsView(UpdateTranslationsView):
    """wagtail-localize's "Sync translated pages", whose "Publish immediately" publishes only the
    translations the user may publish; the others are synced and wait for their reviewers."""

    def form_valid(self, form):
        if not form.cleaned_data.get("publish_translations"):
            return super().form_valid(form)
        translations = list(
            self.object.translations.filter(enabled=True).select_related("source", "target_locale")
        )
        allowed, held = [], []
        for translation in translations:
            target = translation.get_target_instance()
            may_publish = (
                isinstance(target, Page) and target.permissions_for_user(self.request.user).can_publish()
            )
            (allowed if may_publish else held).append(translation)
        if not held:
            return super().form_valid(form)
        form.cleaned_data["publish_translations"] = False
        with transaction.atomic():
            response = super().form_valid(form)
            for translation in allowed:
                try:
                    translation.save_target(user=self.request.user, publish=True)
                except ValidationError:
                    held.append(translation)
        messages.warning(
            self.request,
            _(
                "Not published in %(languages)s: only each language's reviewers publish its translation. "
                "Its translators now see the changed text to translate."
            )
            % {"languages": ", ".join(str(item.target_locale.get_display_name()) for item in held)},
        )
        return response


def may_submit_for_review(page: Page, user) -> bool:
    """Cheap checks for showing the button; the view checks the rest and says what is wrong."""
    return (
        page.depth > 1
        and page.locale.language_code != SOURCE_LANGUAGE
        and page.permissions_for_user(user).can_edit()
        and synced_translation(page) is not None
    )


def review_buttons(page, user, view_name=None, next_url=None):
    if may_submit_for_review(page, user):
        yield Button(
            _("Submit translation for review"),
            reverse("publishing_translations:submit_for_review", args=[page.pk]),
            icon_name="resubmit",
            priority=65,
        )


hooks.register("register_page_header_buttons", review_buttons)
hooks.register("register_page_listing_more_buttons", review_buttons)


# Before wagtail-localize's own URLs, so that its "Sync translated pages" form posts to the view above.
@hooks.register("register_admin_urls", order=-1)
def register_review_urls():
    return [
        path(
            "localize/update/<int:translation_source_id>/",
            # "Use machine translation" on sync: an engine's failure is a message on the form, not a 500.
            shows_machine_translation_problems(ReviewedUpdateTranslationsView.as_view()),
            name="publishing_update_translations",
        ),
        path(
            "publishing/translations/",
            include(
                (
                    [
                        path(
                            "<int:page_id>/submit-for-review/",
                            SubmitTranslationForReviewView.as_view(),
                            name="submit_for_review",
                        )
                    ],
                    "publishing_translations",
                )
            ),
        ),
    ]
