"""The forms of one question's admin page: assign, note, reply, close, and publish to the FAQ.

They parse and validate what staff typed; the views then call the service functions
(consultations/services.py), which make the change.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from cityportal.core.i18n import bcp47, is_rtl
from cityportal.core.models import Department
from cityportal.core.sections import Section

from ..models import ReplyTemplate
from ..models.faq import FAQ_ANSWER_MAX_LENGTH, FAQ_QUESTION_MAX_LENGTH
from ..models.questions import NOTE_MAX_LENGTH, REPLY_MAX_LENGTH
from ..permissions import STAFF_GROUP, SUPERVISORS_GROUP, departments_for, sees_all_departments
from ..services import FAQText
from ..translation_help import CHINESE


def written_in(language: str, **attrs) -> dict:
    """Widget attributes for text typed in `language`: its lang tag and direction."""
    return {"lang": bcp47(language), "dir": "rtl" if is_rtl(language) else "ltr", **attrs}


def language_label(code: str) -> str:
    """A language's name in the admin's language ("Korean", "韩语"): staff read it, not the visitor."""
    return str(get_language_info(code)["name_translated"])


def person_label(user) -> str:
    return user.get_full_name().strip() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


def consultation_people(user, question):
    """Who `user` may give `question` to: active members of the consultation groups; for staff, those
    of their own departments and the supervisors (and whoever has the question now)."""
    people = get_user_model().objects.filter(
        is_active=True, groups__name__in=[STAFF_GROUP, SUPERVISORS_GROUP]
    )
    if not sees_all_departments(user):
        people = people.filter(
            Q(consultation_departments__department__in=departments_for(user))
            | Q(groups__name=SUPERVISORS_GROUP)
            | Q(pk=question.assignee_id)
        )
    return people.distinct().order_by("first_name", "last_name", "username")


class AssignForm(forms.Form):
    prefix = "assign"  # one page holds several forms: their fields' ids must differ
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("None yet")
    )
    assignee = PersonChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody in particular"),
        help_text=_("Someone who answers for the department, or a supervisor."),
    )

    def __init__(self, *args, question, user, **kwargs):
        kwargs.setdefault("initial", {"department": question.department_id, "assignee": question.assignee_id})
        super().__init__(*args, **kwargs)
        self.question = question
        departments = departments_for(user)
        if question.department_id and not sees_all_departments(user):
            # Staff may keep a question's department even when it is not theirs (it was given to them).
            departments = Department.objects.filter(Q(pk__in=departments) | Q(pk=question.department_id))
        self.fields["department"].queryset = departments.order_by("code")
        # A question that has a department keeps one (it can move to another, not to none).
        self.fields["department"].required = question.department_id is not None
        self.fields["assignee"].queryset = consultation_people(user, question)

    def clean(self):
        cleaned = super().clean()
        department, assignee = cleaned.get("department"), cleaned.get("assignee")
        if self.errors:
            return cleaned
        if department is None and assignee is None:
            raise forms.ValidationError(gettext("Choose a department, a person, or both."), code="empty")
        if assignee is not None and not sees_all_departments(assignee):
            if department is None:
                self.add_error(
                    "department",
                    gettext("Choose the department %(person)s answers for as well.")
                    % {"person": person_label(assignee)},
                )
            elif not assignee.consultation_departments.filter(department=department).exists():
                self.add_error(
                    "assignee",
                    gettext(
                        "%(person)s does not answer for %(department)s. "
                        "Choose someone who does, or a supervisor."
                    )
                    % {"person": person_label(assignee), "department": department},
                )
        return cleaned


class NoteForm(forms.Form):
    prefix = "note"
    text = forms.CharField(
        label=_("Internal note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_(
            "Not shown on the status page or in emails; a visitor who asks for their data gets a copy."
        ),
        error_messages={"required": _("Write the note first.")},
    )


class ReplyForm(forms.Form):
    """The reply composer: a template to start from, an optional Chinese draft, and the reply."""

    template = forms.TypedChoiceField(label=_("Reply template"), required=False, coerce=int, empty_value=None)
    draft_zh = forms.CharField(
        label=_("Draft in Chinese"),
        required=False,
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs=written_in(CHINESE, rows=6)),
        help_text=_("Kept with the reply for the record; the visitor receives only the reply."),
    )
    text = forms.CharField(label=_("Reply"), required=False, max_length=REPLY_MAX_LENGTH)

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.templates = {template.pk: template for template in reply_templates_for(question)}
        self.fields["template"].choices = template_choices(question, self.templates.values())
        self.fields["text"].label = gettext("Reply in %(language)s") % {
            "language": language_label(question.language)
        }
        self.fields["text"].help_text = gettext(
            "Emailed to the visitor and shown on the status page of their question."
        )
        self.fields["text"].widget = forms.Textarea(attrs=written_in(question.language, rows=10))

    def chosen_template(self) -> ReplyTemplate | None:
        pk = self.cleaned_data.get("template")
        return self.templates.get(pk) if pk is not None else None

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    def clean_draft_zh(self):
        return self.cleaned_data["draft_zh"].strip()


def reply_templates_for(question) -> list[ReplyTemplate]:
    """The templates of the question's language: its section's first, then general ones, then others."""
    templates = ReplyTemplate.objects.filter(language=question.language)
    rank = {question.section: 0, "": 1}
    return sorted(templates, key=lambda template: (rank.get(template.section, 2), template.title.casefold()))


def template_choices(question, templates) -> list:
    groups: dict[str, list] = {}
    for template in templates:
        if template.section == question.section:
            group = gettext("For %(section)s") % {"section": question.get_section_display()}
        elif not template.section:
            group = gettext("For any section")
        else:
            group = gettext("For other sections")
        groups.setdefault(group, []).append((template.pk, template.title))
    return [("", gettext("Choose a template")), *groups.items()]


def with_template(text: str, body: str) -> str:
    """The reply with a template added: the template alone in an empty reply, else after a blank line."""
    text = text.rstrip()
    return f"{text}\n\n{body}" if text else body


class CloseForm(forms.Form):
    prefix = "close"
    REASONS = {
        "resolved": _("Resolved: nothing more to answer"),
        "duplicate": _("A duplicate of another question"),
        "spam": _("Spam or abuse"),
    }

    reason = forms.ChoiceField(
        label=_("Why close it?"), choices=list(REASONS.items()), widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        help_text=_("For example the reference of the question this one duplicates."),
    )

    def note(self) -> str:
        """The reason as an internal note, so the timeline says why the question was closed."""
        text = gettext("Closed: %(reason)s.") % {"reason": self.REASONS[self.cleaned_data["reason"]]}
        comment = self.cleaned_data["comment"].strip()
        return f"{text}\n{comment}" if comment else text


class PublishForm(forms.Form):
    """Publish to the FAQ: a section, languages, and per chosen language a public question and answer.

    The text fields exist for the languages in `shown` (those the page showed them for: a language
    ticked since needs "Update languages" first); each is typed in its own language (lang and dir).
    """

    section = forms.ChoiceField(label=_("Section"), choices=Section.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language to publish in.")},
    )

    def __init__(self, *args, shown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = [
            (code, language_label(code)) for code, _name in settings.LANGUAGES
        ]
        served = {code for code, _name in settings.LANGUAGES}
        self.shown = list(dict.fromkeys(code for code in shown if code in served))  # in the order given
        for code in self.shown:
            name = language_label(code)
            self.fields[f"question_{code}"] = forms.CharField(
                label=gettext("Question in %(language)s") % {"language": name},
                max_length=FAQ_QUESTION_MAX_LENGTH,
                required=False,  # required when the language is ticked (clean)
                widget=forms.TextInput(attrs=written_in(code)),
            )
            self.fields[f"answer_{code}"] = forms.CharField(
                label=gettext("Answer in %(language)s") % {"language": name},
                max_length=FAQ_ANSWER_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs=written_in(code, rows=8)),
            )

    def language_fields(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        """(code, language name, question field, answer field) for each language shown."""
        return [
            (code, language_label(code), self[f"question_{code}"], self[f"answer_{code}"])
            for code in self.shown
        ]

    def clean_languages(self):
        languages = self.cleaned_data["languages"]
        missing = [code for code in languages if code not in self.shown]
        if missing:
            raise forms.ValidationError(
                gettext("Press “Update languages” to get the text fields of %(languages)s.")
                % {"languages": ", ".join(language_label(code) for code in missing)}
            )
        return languages

    def clean(self):
        cleaned = super().clean()
        for code in cleaned.get("languages", []):
            name = language_label(code)
            if not cleaned.get(f"question_{code}", "").strip() and f"question_{code}" not in self.errors:
                self.add_error(
                    f"question_{code}", gettext("Write the question in %(language)s.") % {"language": name}
                )
            if not cleaned.get(f"answer_{code}", "").strip() and f"answer_{code}" not in self.errors:
                self.add_error(
                    f"answer_{code}", gettext("Write the answer in %(language)s.") % {"language": name}
                )
        return cleaned

    def texts(self) -> dict[str, FAQText]:
        """The public text of each ticked language (language code → FAQText), in LANGUAGES order."""
        return {
            code: FAQText(
                self.cleaned_data[f"question_{code}"].strip(), self.cleaned_data[f"answer_{code}"].strip()
            )
            for code in self.shown
            if code in self.cleaned_data["languages"]
        }
