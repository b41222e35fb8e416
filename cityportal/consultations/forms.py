"""The public forms of the questions area: “Ask a question” and the status page's look-up.

Both are anonymous forms protected by core.protection (same origin, honeypot, proof-of-work when
JavaScript runs, rate limits per IP and per email address or reference). Every check happens in the
form, so a view calls services.submit_question only with input that is known good: bad input writes
nothing, neither a question, nor a file, nor an email.
"""

import re
import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cityportal.core.forms import SensitiveDataConsentField
from cityportal.core.protection import ProtectedFormMixin, RateLimit
from cityportal.core.references import normalise_reference
from cityportal.core.sections import Section
from cityportal.core.templatetags.core_tags import format_number
from cityportal.procedures.models import ProcedurePage

from . import attachments
from .models import Question
from .models.questions import QUESTION_MAX_LENGTH
from .services import REFERENCE_PREFIX

QUESTION_MIN_LENGTH = 10
NAME_MAX_LENGTH = 100
GUIDE_PREFIX = "guide-"
GUIDE_ID = re.compile(r"^[1-9][0-9]{0,9}$")
# Bidirectional embeddings, overrides and isolates: they can make text read differently from what it
# holds (“evil.exe” shown as “exe.live”); dropped like other control characters.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --- Cleaning text ------------------------------------------------------------------------------------


def clean_text(value: str, *, multiline: bool) -> str:
    """Visitor text without control characters: newlines and tabs stay in a multi-line text (as
    “\\n”, whatever the browser sent), every other control or bidi override character goes."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in value:
        if char in "\n\t":
            kept.append(char if multiline else " ")
        elif unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
            continue
        else:
            kept.append(char)
    value = "".join(kept)
    if not multiline:
        return " ".join(value.split())
    return value.strip()


def has_words(value: str) -> bool:
    """True when the text holds at least one letter or digit (in any script)."""
    return any(unicodedata.category(char)[0] in "LN" for char in value)


# --- The topic: a section, or the guide the visitor came from -----------------------------------------


def find_guide(value, language: str) -> ProcedurePage | None:
    """The live, public guide with this id in the visitor's language; None for anything else (an id
    of another language's guide, an unpublished or private one, a number too big, text)."""
    value = str(value or "").strip().removeprefix(GUIDE_PREFIX)
    if not GUIDE_ID.match(value) or int(value) > 2**31 - 1:
        return None
    guide = (
        ProcedurePage.objects.live()
        .public()
        .filter(pk=int(value), locale__language_code=language)
        .prefetch_related("sections")
        .first()
    )
    if guide is None or guide_section(guide) is None:
        return None  # a guide filed under no section cannot be routed to a department's section
    return guide


def guide_section(guide: ProcedurePage) -> str | None:
    """The first section the guide is filed under (its questions go to that section)."""
    codes = [tag.code for tag in guide.sections.all()]
    return codes[0] if codes else None


def topic_choices(guide: ProcedurePage | None) -> list:
    sections = list(Section.choices)
    if guide is None:
        return [("", _("Choose a topic")), *sections]
    return [
        (_("The guide you came from"), [(f"{GUIDE_PREFIX}{guide.pk}", guide.title)]),
        (_("Sections"), sections),
    ]


# --- Attachments ----------------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to CONSULTATION_ATTACHMENT_MAX_FILES files, each checked by its content (attachments.py);
    cleans to a list of attachments.CleanAttachment."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = attachments.ACCEPT

    def clean(self, data, initial=None):
        if not data:
            uploads = []
        elif isinstance(data, list | tuple):
            uploads = list(data)
        else:
            uploads = [data]
        return attachments.clean_attachments(uploads)

    def has_changed(self, initial, data):
        return bool(data)


# --- Ask a question -------------------------------------------------------------------------------------


class QuestionForm(ProtectedFormMixin, forms.Form):
    """Topic, question, name, email, consent; optional files with their own, separate consent."""

    # A family or an office may share an address: a few questions per hour per IP, fewer per email.
    rate_limit = RateLimit("ask-question", per_ip="5/h", per_identifier="3/h")
    identifier_field = "email"

    topic = forms.ChoiceField(
        label=_("Topic"),
        help_text=_("The section your question is about, so that it reaches the right department."),
    )
    question = forms.CharField(
        label=_("Your question"),
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60, "spellcheck": "true"}),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text=_("How we should address you in our answer."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send the answer to this address. We do not use it for anything else."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr", "spellcheck": "false"}),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I agree that my question, my name and my email address are used to answer me, "
            "as the privacy notice describes."
        ),
        error_messages={"required": _("To send your question, agree to the use of your data to answer it.")},
    )
    attachments = AttachmentsField(label=_("Documents or photos (optional)"))
    attachments_consent = SensitiveDataConsentField(
        data=_("the documents I attach, such as a passport or a residence permit"),
        purpose=_("answering my question"),
        required=False,
    )

    def __init__(self, *args, language: str, guide: ProcedurePage | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language
        if self.is_bound:  # the guide comes back in the chosen topic; check it again
            guide = find_guide(self.data.get(self.add_prefix("topic")), language)
        self.guide = guide
        self.fields["topic"].choices = topic_choices(guide)
        if guide is not None and not self.is_bound:
            self.initial["topic"] = f"{GUIDE_PREFIX}{guide.pk}"
        self.fields["question"].help_text = _(
            "Please write in the language of this page, and do not write passport or ID numbers here: "
            "attach a document below if we need it. %(min)s to %(max)s characters."
        ) % {"min": format_number(QUESTION_MIN_LENGTH), "max": format_number(QUESTION_MAX_LENGTH)}
        self.fields["question"].widget.attrs["data-max-length"] = QUESTION_MAX_LENGTH
        max_files, max_bytes = attachments.max_files(), attachments.max_bytes()
        self.fields["attachments"].help_text = ngettext(
            "Up to %(count)s file: photos or scans as JPEG, PNG or WebP, or a PDF, each up to "
            "%(megabytes)s MB.",
            "Up to %(count)s files: photos or scans as JPEG, PNG or WebP, or a PDF, each up to "
            "%(megabytes)s MB.",
            max_files,
        ) % {"count": format_number(max_files), "megabytes": attachments.megabytes(max_bytes)}
        self.fields["attachments"].widget.attrs.update(
            {"data-max-files": max_files, "data-max-bytes": max_bytes}
        )
        days = settings.RETENTION["questions"].days
        self.fields["privacy_consent"].help_text = ngettext(
            "We keep your question and our answers for %(days)s day after you send it, then delete your "
            "name, your email address and the texts.",
            "We keep your question and our answers for %(days)s days after you send it, then delete your "
            "name, your email address and the texts.",
            days,
        ) % {"days": format_number(days)}
        days = settings.RETENTION["question_attachments"].days
        self.fields["attachments_consent"].help_text = ngettext(
            "Documents such as passports are sensitive personal information. Only the staff who answer "
            "your question see them, and we delete them %(days)s day after you send them.",
            "Documents such as passports are sensitive personal information. Only the staff who answer "
            "your question see them, and we delete them %(days)s days after you send them.",
            days,
        ) % {"days": format_number(days)}

    def clean_question(self) -> str:
        text = clean_text(self.cleaned_data["question"], multiline=True)
        if not has_words(text):
            raise forms.ValidationError(
                _("Write your question in words: it cannot be only punctuation or spaces."), code="no_words"
            )
        if len(text) < QUESTION_MIN_LENGTH:
            raise forms.ValidationError(
                _("Your question is too short: write at least %(min)s characters."),
                code="too_short",
                params={"min": format_number(QUESTION_MIN_LENGTH)},
            )
        if len(text) > QUESTION_MAX_LENGTH:
            raise forms.ValidationError(
                _("Your question is too long: %(count)s characters. Shorten it to %(max)s characters."),
                code="too_long",
                params={"count": format_number(len(text)), "max": format_number(QUESTION_MAX_LENGTH)},
            )
        return text

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"], multiline=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean(self):
        cleaned_data = super().clean()
        topic = cleaned_data.get("topic")
        if topic:
            if self.guide is not None and topic == f"{GUIDE_PREFIX}{self.guide.pk}":
                cleaned_data["section"], cleaned_data["procedure"] = guide_section(self.guide), self.guide
            else:
                cleaned_data["section"], cleaned_data["procedure"] = topic, None
        if cleaned_data.get("attachments") and not cleaned_data.get("attachments_consent"):
            self.add_error(
                "attachments_consent",
                forms.ValidationError(
                    _(
                        "To send the files you chose, give your separate consent to their use; "
                        "otherwise remove them."
                    ),
                    code="required",
                ),
            )
        return cleaned_data

    @property
    def files_were_chosen(self) -> bool:
        """True when the visitor sent files: a form shown again cannot keep them (browsers forbid it)."""
        return bool(self.files and self.files.getlist(self.add_prefix("attachments")))


# --- The status page's look-up ------------------------------------------------------------------------


def normalise_question_reference(text: str) -> str:
    """What a visitor typed (“q k7qm3 xhd9p”, “K7QM3-XHD9P”), as stored (“QK7QM3-XHD9P”); "" if
    it cannot be a question's reference. The “Q” is optional, and read-alike letters are mapped."""
    compact = "".join(str(text or "").split()).upper()
    body = normalise_reference(compact)
    if not body and compact.startswith(REFERENCE_PREFIX):
        body = normalise_reference(compact[len(REFERENCE_PREFIX) :])
    return f"{REFERENCE_PREFIX}{body}" if body else ""


class StatusForm(ProtectedFormMixin, forms.Form):
    """Reference and email address: both must match for the question to be shown."""

    rate_limit = RateLimit("question-status", per_ip="30/h", per_identifier="10/h")
    identifier_field = "reference"  # someone holding a reference cannot try many addresses

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        help_text=_("It starts with Q and is in the email we sent when you asked, e.g. QK7QM3-XHD9P."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters", "dir": "ltr"}
        ),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you gave with your question."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr", "spellcheck": "false"}),
    )

    def clean_reference(self) -> str:
        reference = normalise_question_reference(self.cleaned_data["reference"])
        if not reference:
            raise forms.ValidationError(
                _("Enter the reference as it appears in our email: Q followed by 10 letters and digits."),
                code="invalid",
            )
        return reference

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def find_question(self) -> Question | None:
        """The question with this reference and email address (any case), or an anonymised one with
        this reference (it has no address left to compare; see views/status.py)."""
        reference, email = self.cleaned_data["reference"], self.cleaned_data["email"]
        question = Question.objects.filter(reference=reference).first()
        if question is None:
            return None
        if question.anonymised_at is not None or question.email.casefold() == email.casefold():
            return question
        return None
