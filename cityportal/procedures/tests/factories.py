"""Factories for offices, departments and the procedure pages. Page factories take a parent."""

import datetime

import factory
from wagtail.models import Page

from cityportal.core.models import Department, Office, OfficeHours, SectionTag
from cityportal.home.tests.factories import PageFactory, translate  # noqa: F401 (re-exported for tests)
from cityportal.procedures.models import (
    AudienceTag,
    FeeKind,
    FinderPage,
    JourneyIndexPage,
    JourneyPage,
    ProcedureIndexPage,
    ProcedurePage,
)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"department-{n}")
    name_zh_hans = factory.Sequence(lambda n: f"示例部门{n}")
    name_en = factory.Sequence(lambda n: f"Sample Department {n}")
    phone = "010-5555-0100"  # fictional
    website = "https://department.example.invalid/"
    reminder_email = factory.Sequence(lambda n: f"owner{n}@department.example.invalid")


class OfficeFactory(factory.django.DjangoModelFactory):
    """An office open Monday to Friday, 9:00–12:00 and 13:30–17:00 (two periods: a lunch break)."""

    class Meta:
        model = Office
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"office-{n}")
    name_zh_hans = factory.Sequence(lambda n: f"示例办事大厅{n}")
    name_en = factory.Sequence(lambda n: f"Sample Service Hall {n}")
    address_zh_hans = "北京市东城区示例路1号"
    address_en = "No. 1 Sample Road, Dongcheng District"
    directions_en = "Metro Line 2, Andingmen station, exit B."
    latitude = "39.948900"
    longitude = "116.413400"
    phone = "010-5555-0199"  # fictional
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def hours(office, create, extracted, **kwargs):
        if not create:
            return
        periods = extracted if extracted is not None else [("09:00", "12:00"), ("13:30", "17:00")]
        for weekday in range(5):
            for opens, closes in periods:
                OfficeHours.objects.create(office=office, weekday=weekday, opens=opens, closes=closes)


def material(n: int = 1, **values) -> tuple[str, dict]:
    return (
        "material",
        {
            "name": f"材料{n}",
            "copies": 1,
            "form": "original",
            "seal_required": False,
            "translation_required": False,
            "notes": "",
            "exemption": "",
            "blank_form": None,
            "sample": None,
        }
        | values,
    )


def step(n: int = 1, **values) -> tuple[str, dict]:
    return ("step", {"title": f"第{n}步", "description": "<p>说明。</p>"} | values)


def route(**values) -> tuple[str, dict]:
    return (
        "route",
        {"name": "一般程序", "description": "", "statutory_days": 15, "committed_days": 7, "visits": 1}
        | values,
    )


class ProcedureIndexPageFactory(PageFactory):
    class Meta:
        model = ProcedureIndexPage

    title = "办事指南"
    slug = "guides"
    summary = "外国人在京办事指南。"


class ProcedurePageFactory(PageFactory):
    """A guide with two materials, two steps and one route. Pass `parent` (a ProcedureIndexPage)."""

    class Meta:
        model = ProcedurePage

    item_code = factory.Sequence(lambda n: f"procedure-{n}")
    slug = factory.LazyAttribute(lambda page: page.item_code)
    title = factory.Sequence(lambda n: f"办事事项{n}")
    summary = "一段摘要。"
    department = factory.SubFactory(DepartmentFactory)
    conditions = "<p>在京工作的外国人。</p>"
    materials = factory.LazyFunction(lambda: [material(1), material(2, copies=2, form="copy")])
    steps = factory.LazyFunction(lambda: [step(1), step(2)])
    routes = factory.LazyFunction(lambda: [route()])
    fee_kind = FeeKind.NONE
    enquiry_phone = "010-5555-0123"  # fictional
    complaint_phone = "010-5555-0124"  # fictional
    result = "许可证"
    last_reviewed = factory.LazyFunction(datetime.date.today)

    @classmethod
    def _create(cls, model_class, *args, parent=None, audiences=(), sections=(), offices=(), **kwargs):
        page = model_class(*args, **kwargs)
        page.audiences = list(AudienceTag.objects.filter(code__in=audiences))
        page.sections = list(SectionTag.objects.filter(code__in=sections))
        page.offices = list(offices)
        (parent or Page.get_first_root_node()).add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page


class JourneyIndexPageFactory(PageFactory):
    class Meta:
        model = JourneyIndexPage

    title = "办事路线"
    slug = "journeys"


class JourneyPageFactory(PageFactory):
    """Pass `steps` as a list of (title, [ProcedurePage, …])."""

    class Meta:
        model = JourneyPage

    title = factory.Sequence(lambda n: f"办事路线{n}")
    slug = factory.Sequence(lambda n: f"journey-{n}")

    @classmethod
    def _create(cls, model_class, *args, steps=(), **kwargs):
        kwargs["steps"] = [
            ("step", {"title": title, "description": "", "procedures": list(pages)}) for title, pages in steps
        ]
        return super()._create(model_class, *args, **kwargs)


class FinderPageFactory(PageFactory):
    """Pass `questions` as {key: [answer keys]} and `rules` as [({question: answer}, [ProcedurePage, …])]."""

    class Meta:
        model = FinderPage

    title = "办事指引"
    slug = "finder"

    @classmethod
    def _create(cls, model_class, *args, questions=None, rules=(), **kwargs):
        questions = questions or {"purpose": ["work", "study"]}
        kwargs["questions"] = [
            (
                "question",
                {
                    "key": key,
                    "text": f"问题 {key}",
                    "help_text": "",
                    "answers": [{"key": answer, "label": f"答案 {answer}"} for answer in answers],
                },
            )
            for key, answers in questions.items()
        ]
        kwargs["rules"] = [
            (
                "rule",
                {
                    "conditions": [{"question": q, "answer": a} for q, a in conditions.items()],
                    "reason": "",
                    "procedures": list(pages),
                },
            )
            for conditions, pages in rules
        ] or [("rule", {"conditions": [], "reason": "", "procedures": []})]
        return super()._create(model_class, *args, **kwargs)
