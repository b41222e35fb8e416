"""The email alert sign-up form (anonymous, protected by core.protection)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cityportal.core.protection import ProtectedFormMixin, RateLimit
from cityportal.core.sections import Section

from .models import AlertSubscription, Topic


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name or obj.slug  # in the visitor's language (translated columns)


class AlertSubscriptionForm(ProtectedFormMixin, forms.Form):
    """One section or one policy topic, and how often. The language is the page's."""

    # Per address, few: each request sends an email, and the form must not become a way to flood
    # someone's mailbox.
    rate_limit = RateLimit("alert-subscribe", per_ip="10/h", per_identifier="3/h")
    identifier_field = "email"

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send a link to this address; your alerts start once you follow it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    section = forms.ChoiceField(
        label=_("A section"),
        required=False,
        choices=[("", _("(no section)")), *Section.choices],
    )
    topic = TopicChoiceField(
        label=_("Or a policy topic"),
        required=False,
        queryset=Topic.objects.none(),
        to_field_name="slug",
        empty_label=_("(no topic)"),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=AlertSubscription.Frequency.choices,
        initial=AlertSubscription.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sorted by name in the active language (the translated column), at request time.
        topics = sorted(Topic.objects.all(), key=lambda topic: (topic.name or topic.slug).casefold())
        self.fields["topic"].queryset = Topic.objects.all()
        self.fields["topic"].choices = [("", self.fields["topic"].empty_label)] + [
            (topic.slug, topic.name or topic.slug) for topic in topics
        ]

    def clean(self):
        cleaned_data = super().clean()
        section, topic = cleaned_data.get("section"), cleaned_data.get("topic")
        if "section" in self.errors or "topic" in self.errors:
            return cleaned_data
        if not section and topic is None:
            self.add_error("section", _("Choose a section or a policy topic to receive alerts about."))
        elif section and topic is not None:
            self.add_error("topic", _("Choose either a section or a policy topic, not both."))
        return cleaned_data
