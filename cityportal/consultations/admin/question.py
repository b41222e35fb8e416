"""One question in the admin (/admin/questions/<pk>/): read it, assign it, write internal notes,
answer it (reply templates, a Chinese draft machine-translated into the visitor's language), close
it, publish its answer to the FAQ, and download what the visitor attached.

Every view needs `consultations.view_question` (and the permission of its action), and the
question must be one the user may see (permissions.questions_for): any other answers 404, as if it
did not exist. Changes go through services.py, by POST with Django's CSRF token, and come back to
the question's page with a message. A POST that only helps staff write (use a template, translate
the Chinese draft, update the FAQ languages) changes nothing and shows the page again with what
they typed.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from cityportal.core.i18n import bcp47, is_rtl, language_codes
from cityportal.core.working_days import load_working_calendar

from .. import services, translation_help
from ..models import ConsultationSettings, Question, QuestionAttachment, QuestionStatus
from ..permissions import questions_for
from ..service_level import Timeliness, timeliness
from ..translation_help import CHINESE, ENGINE_ERRORS, TranslationUnavailable
from .forms import (
    AssignForm,
    CloseForm,
    NoteForm,
    PublishForm,
    ReplyForm,
    language_label,
    person_label,
    with_template,
)

VIEW = "consultations.view_question"
HISTORY_LIMIT = 50


def detail_url(question: Question) -> str:
    return reverse("consultations_admin:detail", args=[question.pk])


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # "note" or "reply"
    at: datetime
    author: str
    text: str
    email_status: str = ""  # replies: the status of the email to the visitor
    draft_zh: str = ""


def timeline(question: Question) -> list[TimelineItem]:
    """Internal notes and replies, oldest first."""
    items = [
        TimelineItem("note", note.created_at, _author(note.author), note.text)
        for note in question.notes.select_related("author")
    ]
    items += [
        TimelineItem(
            "reply",
            reply.sent_at,
            _author(reply.author),
            reply.text,
            reply.email.get_status_display() if reply.email else "",
            reply.draft_zh,
        )
        for reply in question.replies.select_related("author", "email")
    ]
    return sorted(items, key=lambda item: item.at)


def _author(user) -> str:
    return person_label(user) if user is not None else gettext("a former staff member")


def due_badge(question: Question) -> Timeliness | None:
    """Overdue or due soon, for an open question (None when on time or no longer open)."""
    if not question.is_open:
        return None
    today = services.beijing_date(timezone.now())
    calendar = load_working_calendar({today.year, question.due_on.year})
    state = timeliness(question.due_on, today, ConsultationSettings.load().due_soon_working_days, calendar)
    return None if state == Timeliness.ON_TIME else state


class QuestionView(WagtailAdminTemplateMixin, View):
    """The question from the URL, if the user may see it and do this view's action."""

    permission = VIEW  # the action's permission, besides VIEW
    header_icon = "help"
    template_name = "consultations/admin/question.html"

    def dispatch(self, request, *args, pk, **kwargs):
        if not request.user.has_perm(VIEW) or not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.question = get_object_or_404(
            questions_for(request.user).select_related("department", "assignee", "procedure"), pk=pk
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Question %(reference)s") % {"reference": self.question.reference}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("consultations_admin:inbox"), "label": gettext("Questions")},
            {"url": "", "label": self.question.reference},
        ]

    def may(self, permission: str) -> bool:
        return self.request.user.has_perm(permission)

    def succeeded(self, message: str):
        messages.success(self.request, message)
        return redirect(detail_url(self.question))

    def show(self, **forms):
        """The question's page, with `forms` (bound, or prefilled) in place of the empty ones."""
        return self.render_to_response(self.get_context_data(**self.page_context(**forms)))

    def page_context(self, **forms) -> dict:
        question, user = self.question, self.request.user
        open_to_answer = question.anonymised_at is None
        can_change = self.may("consultations.change_question")
        context = {
            "question": question,
            "language_name": language_label(question.language),
            "language_tag": bcp47(question.language),
            "language_dir": "rtl" if is_rtl(question.language) else "ltr",
            "badge": due_badge(question),
            "attachments": list(question.attachments.all()),
            "timeline": timeline(question),
            "history": list(
                ModelLogEntry.objects.for_instance(question)
                .select_related("user")
                .order_by("-timestamp")[:HISTORY_LIMIT]
            ),
            "faq_entries": list(
                question.faq_entries.select_related("locale").order_by("locale__language_code")
            ),
            "can_edit_faq": self.may("consultations.change_faqentry"),
            "can_publish": open_to_answer and self.may("consultations.add_faqentry"),
            "assign_form": forms.get("assign_form")
            or (AssignForm(question=question, user=user) if can_change else None),
            "note_form": forms.get("note_form")
            or (NoteForm() if open_to_answer and self.may("consultations.add_internalnote") else None),
            "close_form": forms.get("close_form")
            or (CloseForm() if can_change and question.status != QuestionStatus.CLOSED else None),
            "reply_form": forms.get("reply_form")
            or (
                ReplyForm(question=question)
                if open_to_answer and self.may("consultations.add_reply")
                else None
            ),
            "chinese_help": None,
            "draft_help": None,
        }
        if question.language != CHINESE and open_to_answer:
            context["chinese_help"] = translation_help.availability(question.language, CHINESE)
            context["draft_help"] = translation_help.availability(CHINESE, question.language)
        if context["reply_form"] is not None:
            context["reply_templates"] = {
                str(pk): template.body for pk, template in context["reply_form"].templates.items()
            }
        return context


class DetailView(QuestionView):
    def get(self, request, *args, **kwargs):
        # "?template=<id>" starts the reply from a template of the question's language (a link
        # can do what the composer's "Use template" button does by POST).
        template_id = request.GET.get("template", "")
        if (
            template_id.isdigit()
            and self.may("consultations.add_reply")
            and self.question.anonymised_at is None
        ):
            template = ReplyForm(question=self.question).templates.get(int(template_id))
            if template is not None:
                return self.show(
                    reply_form=ReplyForm(
                        question=self.question, initial={"template": template.pk, "text": template.body}
                    )
                )
        return self.show()


class AssignView(QuestionView):
    http_method_names = ["post"]
    permission = "consultations.change_question"

    def post(self, request, *args, **kwargs):
        form = AssignForm(request.POST, question=self.question, user=request.user)
        if not form.is_valid():
            return self.show(assign_form=form)
        question = services.assign_question(
            self.question,
            by=request.user,
            department=form.cleaned_data["department"],
            assignee=form.cleaned_data["assignee"],
        )
        parts = [str(question.department)] if question.department else []
        if question.assignee:
            parts.append(person_label(question.assignee))
        return self.succeeded(
            gettext("Question %(reference)s is now with %(whom)s.")
            % {"reference": question.reference, "whom": ", ".join(parts)}
        )


class NoteView(QuestionView):
    http_method_names = ["post"]
    permission = "consultations.add_internalnote"

    def post(self, request, *args, **kwargs):
        form = NoteForm(request.POST)
        if self.question.anonymised_at is not None:
            raise PermissionDenied
        if not form.is_valid():
            return self.show(note_form=form)
        try:
            services.add_note(self.question, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
            return self.show(note_form=form)
        return self.succeeded(gettext("Internal note added."))


class ReplyView(QuestionView):
    """Send the reply; or, with "Use template", put the chosen template into it and show it again."""

    http_method_names = ["post"]
    permission = "consultations.add_reply"

    def post(self, request, *args, **kwargs):
        question = self.question
        form = ReplyForm(request.POST, question=question)
        if not form.is_valid():
            return self.show(reply_form=form)
        if request.POST.get("action") == "use_template":
            template = form.chosen_template()
            if template is None:
                form.add_error("template", gettext("Choose a template first."))
                return self.show(reply_form=form)
            return self.show(
                reply_form=ReplyForm(
                    question=question,
                    initial={
                        "template": template.pk,
                        "draft_zh": form.cleaned_data["draft_zh"],
                        "text": with_template(form.cleaned_data["text"], template.body),
                    },
                )
            )
        if not form.cleaned_data["text"]:
            form.add_error("text", gettext("Write the reply first."))
            return self.show(reply_form=form)
        try:
            services.answer_question(
                question,
                by=request.user,
                text=form.cleaned_data["text"],
                draft_zh=form.cleaned_data["draft_zh"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.show(reply_form=form)
        return self.succeeded(
            gettext("The reply was emailed to the visitor in %(language)s and is shown on their status page.")
            % {"language": language_label(question.language)}
        )


class CloseView(QuestionView):
    """Close a question (spam, duplicate, resolved); the reason is kept as an internal note."""

    http_method_names = ["post"]
    permission = "consultations.change_question"

    def post(self, request, *args, **kwargs):
        form = CloseForm(request.POST)
        if self.question.status == QuestionStatus.CLOSED:
            messages.error(request, gettext("This question is already closed."))
            return redirect(detail_url(self.question))
        if not form.is_valid():
            return self.show(close_form=form)
        if self.question.anonymised_at is None:
            services.add_note(self.question, by=request.user, text=form.note())
        services.close_question(self.question, by=request.user)
        return self.succeeded(
            gettext("Question %(reference)s is closed.") % {"reference": self.question.reference}
        )


class TranslateView(QuestionView):
    """Machine-translation help: "Show in Chinese" (what=question) stores the question in Chinese;
    "Translate" (what=draft) fills the reply with the Chinese draft in the visitor's language."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if self.question.anonymised_at is not None:
            raise PermissionDenied
        if request.POST.get("what") == "draft":
            return self.translate_draft()
        try:
            translation = translation_help.show_in_chinese(self.question)
        except TranslationUnavailable as error:
            messages.error(request, str(error))
            return redirect(detail_url(self.question))
        except ENGINE_ERRORS as error:
            messages.error(
                request, gettext("The question could not be translated: %(error)s") % {"error": error}
            )
            return redirect(detail_url(self.question))
        message = gettext("The question is shown in Chinese below (machine translation).")
        if translation.incomplete:
            message += " " + gettext(
                "Some lines could not be translated and are shown as the visitor wrote them."
            )
        return self.succeeded(message)

    def translate_draft(self):
        if not self.may("consultations.add_reply"):
            raise PermissionDenied
        question = self.question
        form = ReplyForm(self.request.POST, question=question)
        if not form.is_valid():
            return self.show(reply_form=form)
        draft = form.cleaned_data["draft_zh"]
        if not draft:
            form.add_error("draft_zh", gettext("Write the draft in Chinese first."))
            return self.show(reply_form=form)
        try:
            translation = translation_help.translate_draft(draft, language=question.language)
        except TranslationUnavailable as error:
            form.add_error("draft_zh", str(error))
            return self.show(reply_form=form)
        except ENGINE_ERRORS as error:
            form.add_error(
                "draft_zh", gettext("The draft could not be translated: %(error)s") % {"error": error}
            )
            return self.show(reply_form=form)
        filled = ReplyForm(
            question=question,
            initial={"template": form.cleaned_data["template"], "draft_zh": draft, "text": translation.text},
        )
        notice = gettext(
            "The reply below is a machine translation of your draft into %(language)s. "
            "Check it before sending."
        ) % {"language": language_label(question.language)}
        if translation.incomplete:
            notice += " " + gettext("Some lines could not be translated and are left in Chinese.")
        messages.info(self.request, notice)
        return self.show(reply_form=filled)


class PublishView(QuestionView):
    """Publish the question and its answer to the FAQ, in chosen languages, from an edited public text.

    The question's language is prefilled from the question and the last reply, the others by
    machine translation when it is available. "Check" lists personal data still in the texts;
    "Publish" (services.publish_faq) refuses while there is any, keeping what staff typed.
    """

    permission = "consultations.add_faqentry"
    template_name = "consultations/admin/question_publish.html"

    def get_page_title(self):
        return gettext("Publish question %(reference)s to the FAQ") % {"reference": self.question.reference}

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[-1] = {"url": detail_url(self.question), "label": self.question.reference}
        return [*items, {"url": "", "label": gettext("Publish to the FAQ")}]

    def in_order(self, codes) -> list[str]:
        """The languages among `codes`, the question's own first, then as in LANGUAGES."""
        wanted = set(codes)
        return sorted(
            (code for code in language_codes() if code in wanted),
            key=lambda code: code != self.question.language,
        )

    def default_languages(self) -> list[str]:
        return self.in_order({self.question.language, "en"})

    def get(self, request, *args, **kwargs):
        if self.question.anonymised_at is not None:
            raise PermissionDenied
        languages = self.default_languages()
        prefilled, notes = self.prefill(languages, typed={})
        form = PublishForm(
            shown=languages, initial={"section": self.question.section, "languages": languages, **prefilled}
        )
        return self.show_form(form, notes=notes)

    def post(self, request, *args, **kwargs):
        if self.question.anonymised_at is not None:
            raise PermissionDenied
        shown = self.in_order(code for code in language_codes() if f"question_{code}" in request.POST)
        action = request.POST.get("action")
        if action == "languages":
            chosen = self.in_order(request.POST.getlist("languages"))
            typed = {
                name: request.POST.get(name, "")
                for code in shown
                for name in (f"question_{code}", f"answer_{code}")
            }
            prefilled, notes = self.prefill(chosen, typed=typed)
            section = request.POST.get("section") or self.question.section
            form = PublishForm(shown=chosen, initial={"section": section, "languages": chosen, **prefilled})
            return self.show_form(form, notes=notes)
        form = PublishForm(request.POST, shown=shown)
        if not form.is_valid():
            return self.show_form(form)
        texts = form.texts()
        if action == "check":
            return self.show_form(form, problems=services.personal_data_problems(texts), checked=True)
        try:
            entries = services.publish_faq(
                by=request.user, section=form.cleaned_data["section"], texts=texts, source=self.question
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.show_form(form)
        names = ", ".join(language_label(entry.locale.language_code) for entry in entries)
        return self.succeeded(gettext("Published to the FAQ in %(languages)s.") % {"languages": names})

    def prefill(self, languages: list[str], *, typed: dict[str, str]) -> tuple[dict, dict]:
        """Initial texts for `languages`: what staff typed; else, in the question's language, the
        question and its last reply; else their machine translation (from what staff typed in the
        question's language, when they did). Returns (initial values, a note per language)."""
        question = self.question
        last_reply = question.replies.order_by("sent_at", "pk").last()
        source = {
            "question": typed.get(f"question_{question.language}", "").strip() or question.text,
            "answer": typed.get(f"answer_{question.language}", "").strip()
            or (last_reply.text if last_reply else ""),
        }
        initial, notes = {}, {}
        for code in languages:
            kept = {kind: typed.get(f"{kind}_{code}", "").strip() for kind in ("question", "answer")}
            if any(kept.values()):
                initial.update({f"{kind}_{code}": text for kind, text in kept.items()})
                continue
            if code == question.language:
                initial.update({f"{kind}_{code}": text for kind, text in source.items()})
                continue
            if not any(source.values()):
                continue
            try:
                for kind, text in source.items():
                    if text:
                        translation = translation_help.translate_text(
                            text, source=question.language, target=code
                        )
                        initial[f"{kind}_{code}"] = translation.text
                        if translation.incomplete:
                            notes[code] = gettext(
                                "Some lines could not be machine-translated: translate them."
                            )
                notes.setdefault(
                    code, gettext("Machine translation: check and correct it before publishing.")
                )
            except TranslationUnavailable as error:
                initial.pop(f"question_{code}", None)
                notes[code] = gettext("Not prefilled: %(reason)s") % {"reason": error}
            except ENGINE_ERRORS as error:
                initial.pop(f"question_{code}", None)
                notes[code] = gettext("Not prefilled, the machine translation failed: %(error)s") % {
                    "error": error
                }
        return initial, notes

    def show_form(self, form, *, notes=None, problems=None, checked=False):
        question = self.question
        context = self.get_context_data(
            question=question,
            form=form,
            language_blocks=[
                (*fields, (notes or {}).get(fields[0], "")) for fields in form.language_fields()
            ],
            problems=problems or [],
            checked=checked,
            language_name=language_label(question.language),
            language_tag=bcp47(question.language),
            last_reply=question.replies.order_by("sent_at", "pk").last(),
            published=list(question.faq_entries.select_related("locale")),
            cancel_url=detail_url(question),
        )
        return self.render_to_response(context)


def download_attachment(request, pk):
    """A file the visitor sent, as a download only: never shown inline, never cached, sandboxed."""
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    attachment = get_object_or_404(
        QuestionAttachment.objects.filter(question__in=questions_for(request.user).values("pk")), pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is no longer stored.") from error
    # Who opened which passport scan, and when: downloads are in the question's audit history.
    log(
        attachment.question,
        "consultations.download_attachment",
        user=request.user,
        data={"file": attachment.pk},
    )
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(
        attachment.original_name, safe=""
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response


detail = DetailView.as_view()
assign = AssignView.as_view()
note = NoteView.as_view()
reply = ReplyView.as_view()
close = CloseView.as_view()
translate = TranslateView.as_view()
publish = PublishView.as_view()
