"""What a guide page shows beyond its own row, each part fetched once and only when the page renders it.

The template caches the guide's body under the site version (ADR 006), so a part is computed only
when that fragment is rebuilt. Each part is one query whatever its size (offices with their hours
in two, audiences and sections together in one), so a guide with 30 materials, 20 steps and 6
offices costs what a guide with 3 does.
"""

from functools import cached_property

from django.db.models import Value
from django.utils.translation import get_language

from cityportal.core.models import Department, Office, SectionTag
from cityportal.core.sections import Section

from . import structured_data
from .guide_links import chosen_ids, guides_in_language
from .journeys_map import journeys_of_guide
from .models.audiences import Audience, AudienceTag


class GuideParts:
    def __init__(self, guide, request):
        self.guide = guide
        self.request = request
        self.preview = getattr(request, "is_preview", False)
        self.language = get_language()

    @property
    def show_chinese_address(self) -> bool:
        return self.language != "zh-hans"

    @cached_property
    def department(self) -> Department | None:
        if self.guide.department_id is None:
            return None
        return Department.objects.filter(pk=self.guide.department_id).first()

    @cached_property
    def offices(self) -> list[Office]:
        if self.preview:  # a preview's offices are the editor's unsaved choice, held in memory
            offices = Office.objects.filter(pk__in=[office.pk for office in self.guide.offices.all()])
        else:
            offices = Office.objects.filter(procedurepage=self.guide)
        return list(offices.prefetch_related("opening_hours"))

    @cached_property
    def tag_codes(self) -> dict[str, set[str]]:
        if self.preview:
            return {
                "audience": {tag.code for tag in self.guide.audiences.all()},
                "section": {tag.code for tag in self.guide.sections.all()},
            }
        # Both lists in one query: they are tiny, and a guide page counts its queries.
        audiences = (
            AudienceTag.objects.filter(procedurepage=self.guide)
            .annotate(kind=Value("audience"))
            .values_list("kind", "code")
            .order_by()
        )
        sections = (
            SectionTag.objects.filter(procedurepage=self.guide)
            .annotate(kind=Value("section"))
            .values_list("kind", "code")
            .order_by()
        )
        codes: dict[str, set[str]] = {"audience": set(), "section": set()}
        for kind, code in audiences.union(sections, all=True).order_by():
            codes[kind].add(code)
        return codes

    @property
    def audiences(self) -> list[str]:
        return [str(label) for code, label in Audience.choices if code in self.tag_codes["audience"]]

    @property
    def sections(self) -> list[tuple[str, str]]:
        return [(code, str(label)) for code, label in Section.choices if code in self.tag_codes["section"]]

    @cached_property
    def related(self) -> list:
        """Related guides in this page's language, in the editor's order; untranslated ones are left out."""
        ids = chosen_ids(self.guide.related.raw_data)
        pages = guides_in_language(ids, self.guide.locale_id)
        listed, seen = [], set()
        for page_id in ids:
            page = pages.get(page_id)
            if page is not None and page.pk not in seen and page.pk != self.guide.pk:
                seen.add(page.pk)
                listed.append(page)
        return listed

    @cached_property
    def journeys(self) -> list:
        return journeys_of_guide(self.guide, self.request)

    @cached_property
    def fees(self) -> list[dict]:
        return [block.value for block in self.guide.fees]

    @cached_property
    def json_ld(self):
        data = structured_data.government_service(
            self.guide,
            url=self.guide.get_full_url(self.request),
            department=self.department,
            offices=self.offices,
            audiences=self.audiences,
            sections=self.sections,
            language=self.language,
        )
        return structured_data.json_for_script(data)
