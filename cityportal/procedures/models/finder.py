"""The procedure finder: a short questionnaire whose questions and rules editors keep in the admin."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cityportal.core.models import PortalPage

from ..blocks import FinderRuleBlock, QuestionBlock


class FinderPage(PortalPage):
    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)
    questions = StreamField([("question", QuestionBlock())], min_num=1, verbose_name=_("questions"))
    rules = StreamField(
        [("rule", FinderRuleBlock())],
        min_num=1,
        verbose_name=_("rules"),
        help_text=_(
            "Checked in order; the guides of every rule whose answers all match are listed, once each."
        ),
    )

    parent_page_types = ["procedures.ProcedureIndexPage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldPanel("questions"),
        FieldPanel("rules"),
    ]

    class Meta:
        verbose_name = _("procedure finder")

    def answer_keys(self) -> dict[str, set[str]]:
        return {
            block.value["key"]: {answer["key"] for answer in block.value["answers"]}
            for block in self.questions
        }

    def clean(self):
        super().clean()
        known = self.answer_keys()
        for number, block in enumerate(self.rules, start=1):
            for condition in block.value["conditions"]:
                question, answer = condition["question"], condition["answer"]
                if question not in known or answer not in known[question]:
                    raise ValidationError(
                        {
                            "rules": _(
                                "Rule %(number)s asks for the answer “%(answer)s” to the question "
                                "“%(question)s”, which the questions above do not have."
                            )
                            % {"number": number, "answer": answer, "question": question}
                        }
                    )
