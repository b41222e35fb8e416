"""The procedure finder: a short questionnaire whose questions and rules editors keep in the admin."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cityportal.core.models import PortalPage

from ..blocks import FinderRuleBlock, QuestionBlock
from ..finder_rules import Rule, questions_needed, recommend
from ..guide_links import chosen_ids, guides_in_language

SUBMITTED = "answered"  # a hidden field: the form was sent, even with no answer chosen
LONGEST_SHOWN = 40


def list_items(raw_items) -> list:
    """A ListBlock's raw items, whether stored with ids ({"type": "item", "value": …}) or bare."""
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" and "value" in item else item
        for item in raw_items or ()
    ]


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

    def rule_list(self) -> list[Rule]:
        """The rules as plain data, read from the raw StreamField: the chosen guides stay ids."""
        rules = []
        for block in self.rules.raw_data:
            if block.get("type") != "rule":
                continue
            value = block["value"]
            conditions = tuple(
                (condition.get("question", ""), condition.get("answer", ""))
                for condition in list_items(value.get("conditions"))
            )
            rules.append(
                Rule(conditions, value.get("reason", ""), tuple(chosen_ids(value.get("procedures"))))
            )
        return rules

    def read_answers(self, params) -> tuple[dict[str, str], list[str]]:
        """The visitor's answers by question key, and a message for each answer the question lacks."""
        answers, errors = {}, []
        for block in self.questions:
            question = block.value
            given = params.get(question["key"], "").strip()
            if not given:
                continue
            if given in {answer["key"] for answer in question["answers"]}:
                answers[question["key"]] = given
            else:
                errors.append(
                    gettext("“%(answer)s” is not one of the answers to “%(question)s”: please choose again.")
                    % {"answer": given[:LONGEST_SHOWN], "question": question["text"]}
                )
        return answers, errors

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        answers, errors = self.read_answers(request.GET)
        submitted = SUBMITTED in request.GET or bool(answers) or bool(errors)
        questions = [
            {
                "key": block.value["key"],
                "text": block.value["text"],
                "help_text": block.value["help_text"],
                "answers": [
                    {
                        "key": answer["key"],
                        "label": answer["label"],
                        "checked": answers.get(block.value["key"]) == answer["key"],
                    }
                    for answer in block.value["answers"]
                ],
            }
            for block in self.questions
        ]
        results, unanswered = [], []
        if submitted:
            rules = self.rule_list()
            recommendations = recommend(rules, answers)
            guides = guides_in_language([item.guide_id for item in recommendations], self.locale_id)
            listed = set()
            for item in recommendations:
                guide = guides.get(item.guide_id)
                if guide is not None and guide.pk not in listed:
                    listed.add(guide.pk)
                    results.append({"guide": guide, "reason": item.reason})
            needed = questions_needed(rules, answers)
            unanswered = [question["text"] for question in questions if question["key"] in needed]
        context["finder"] = {
            "questions": questions,
            "submitted": submitted,
            "submitted_field": SUBMITTED,
            "errors": errors,
            "unanswered": unanswered,
            "results": results,
        }
        return context
