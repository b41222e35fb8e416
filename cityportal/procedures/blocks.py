"""The structured parts of a procedure guide, as StreamField blocks.

Materials, steps, routes, fees and FAQs live in the guide's own row (StreamField JSON), so a guide
page costs the same number of queries with 3 materials or 30, and wagtail-localize translates their
texts segment by segment while copying the numbers, flags and choices from the Chinese source.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

KEY = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
KEY_ERROR = _("Use lower-case Latin letters, digits and hyphens only.")


class MaterialForm(blocks.ChoiceBlock):
    """Whether the office wants the original, a copy or both."""

    choices = [
        ("original", _("Original")),
        ("copy", _("Copy")),
        ("original-and-copy", _("Original and copy")),
    ]

    def __init__(self, **kwargs):
        super().__init__(choices=self.choices, default="original", **kwargs)


class MaterialBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=300, label=_("Name"))
    copies = blocks.IntegerBlock(min_value=1, max_value=99, default=1, label=_("Number of copies"))
    form = MaterialForm(label=_("Original or copy"))
    seal_required = blocks.BooleanBlock(required=False, label=_("Needs the organisation's seal"))
    translation_required = blocks.BooleanBlock(required=False, label=_("Needs a Chinese translation"))
    notes = blocks.TextBlock(required=False, max_length=1000, label=_("Notes"))
    exemption = blocks.CharBlock(
        required=False,
        max_length=300,
        label=_("Exemption"),
        help_text=_("E.g. “Not needed if already on file with the office.”"),
    )
    blank_form = DocumentChooserBlock(required=False, label=_("Blank form"))
    sample = DocumentChooserBlock(required=False, label=_("Filled-in sample"))

    class Meta:
        icon = "doc-full"
        label = _("Material")


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("Title"))
    description = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ul", "ol"], required=False, label=_("Description")
    )

    class Meta:
        icon = "list-ol"
        label = _("Step")


class RouteBlock(blocks.StructBlock):
    """One way through the procedure: the standard route, or e.g. a written pledge decided on the spot."""

    name = blocks.CharBlock(max_length=200, label=_("Name"), help_text=_("E.g. “Standard application”."))
    description = blocks.TextBlock(required=False, max_length=1000, label=_("Description"))
    statutory_days = blocks.IntegerBlock(
        required=False,
        min_value=0,
        label=_("Statutory time limit (working days)"),
        help_text=_("Leave empty when unknown: the page then says to see the official guide."),
    )
    committed_days = blocks.IntegerBlock(
        required=False,
        min_value=0,
        label=_("Committed time limit (working days)"),
        help_text=_("The shorter limit the city commits to; 0 means decided on the spot."),
    )
    visits = blocks.IntegerBlock(required=False, min_value=0, max_value=20, label=_("In-person visits"))

    class Meta:
        icon = "redirect"
        label = _("Route")

    def clean(self, value):
        value = super().clean(value)
        statutory, committed = value.get("statutory_days"), value.get("committed_days")
        if statutory is not None and committed is not None and committed > statutory:
            raise StructBlockValidationError(
                block_errors={
                    "committed_days": ValidationError(
                        _("The committed time limit cannot be longer than the statutory one.")
                    )
                }
            )
        return value


class FeeBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=200, label=_("What it is for"))
    amount = blocks.DecimalBlock(min_value=0, max_digits=10, decimal_places=2, label=_("Amount (CNY)"))
    note = blocks.CharBlock(required=False, max_length=300, label=_("Note"))

    class Meta:
        icon = "tag"
        label = _("Fee")


class FAQBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=300, label=_("Question"))
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"], label=_("Answer"))

    class Meta:
        icon = "help"
        label = _("Question and answer")


class RelatedProcedureBlock(blocks.PageChooserBlock):
    def __init__(self, **kwargs):
        super().__init__(page_type="procedures.ProcedurePage", **kwargs)


class JourneyStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("Title"))
    description = blocks.TextBlock(required=False, max_length=1000, label=_("Description"))
    procedures = blocks.ListBlock(RelatedProcedureBlock(), min_num=1, label=_("Procedures"))

    class Meta:
        icon = "list-ol"
        label = _("Step")


class AnswerBlock(blocks.StructBlock):
    # Keys are Latin codes shared by every language (wagtail-localize copies regex blocks from the
    # source instead of offering them for translation), so the rules below work in all nine.
    key = blocks.RegexBlock(regex=KEY, error_messages={"invalid": KEY_ERROR}, max_length=40, label=_("Key"))
    label = blocks.CharBlock(max_length=200, label=_("Answer"))


class QuestionBlock(blocks.StructBlock):
    key = blocks.RegexBlock(regex=KEY, error_messages={"invalid": KEY_ERROR}, max_length=40, label=_("Key"))
    text = blocks.CharBlock(max_length=300, label=_("Question"))
    help_text = blocks.TextBlock(required=False, max_length=500, label=_("Help text"))
    answers = blocks.ListBlock(AnswerBlock(), min_num=2, label=_("Answers"))

    class Meta:
        icon = "help"
        label = _("Question")


class ConditionBlock(blocks.StructBlock):
    question = blocks.RegexBlock(
        regex=KEY, error_messages={"invalid": KEY_ERROR}, max_length=40, label=_("Question key")
    )
    answer = blocks.RegexBlock(
        regex=KEY, error_messages={"invalid": KEY_ERROR}, max_length=40, label=_("Answer key")
    )


class FinderRuleBlock(blocks.StructBlock):
    """When every condition holds, the procedures are added to the visitor's list, in this order."""

    conditions = blocks.ListBlock(ConditionBlock(), label=_("When all of these answers are given"))
    reason = blocks.CharBlock(
        required=False, max_length=300, label=_("Why"), help_text=_("Shown to the visitor with the guides.")
    )
    procedures = blocks.ListBlock(RelatedProcedureBlock(), min_num=1, label=_("Recommend these guides"))

    class Meta:
        icon = "tick"
        label = _("Rule")
