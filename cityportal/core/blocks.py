"""StreamField blocks shared by every page type that editors write long text in."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class FigureBlock(blocks.StructBlock):
    # ImageBlock carries its own alt text, which wagtail-localize translates with the page, so an
    # Arabic page never shows the Chinese description.
    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/figure_block.html"
        label = _("Image")


class TableBlock(blocks.StructBlock):
    """A simple data table whose cells are translated segment by segment.

    Wagtail's own table blocks are not split into segments by wagtail-localize, so their text could
    not be translated; rows of plain text cells can.
    """

    caption = blocks.CharBlock(max_length=250, help_text=_("Says what the table shows."))
    header = blocks.ListBlock(blocks.CharBlock(max_length=120), label=_("Column headings"))
    rows = blocks.ListBlock(blocks.ListBlock(blocks.CharBlock(max_length=500)), label=_("Rows"))

    class Meta:
        icon = "table"
        template = "blocks/table_block.html"
        label = _("Table")


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(required=False, help_text=_("Defaults to the document's title."))

    class Meta:
        icon = "doc-full"
        template = "blocks/document_link_block.html"
        label = _("Document")


class NoticeBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "blocks/notice_block.html"
        label = _("Important notice")


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=200, template="blocks/heading_block.html", label=_("Heading"))
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))
    notice = NoticeBlock()
    figure = FigureBlock()
    table = TableBlock()
    document = DocumentLinkBlock()


class ShortcutBlock(blocks.StructBlock):
    """A link to a much-requested service on the home page."""

    page = blocks.PageChooserBlock()
    label = blocks.CharBlock(required=False, max_length=80, help_text=_("Defaults to the page's title."))
    description = blocks.CharBlock(required=False, max_length=160)

    class Meta:
        icon = "link"
        label = _("Shortcut")


class ChangeNoteBlock(blocks.StructBlock):
    """A public note on a significant change to a page (shown under "Change history")."""

    date = blocks.DateBlock(label=_("date"))
    note = blocks.TextBlock(max_length=500, label=_("what changed"))

    class Meta:
        icon = "history"
        label = _("Change note")
