"""A small, realistic set of guides for the page tests: the work permit and the residence permit for
work, one office and department, a journey that names both, and a finder. Built per test on top of the
`portal` fixture's tree, translated into the languages a test asks for (Chinese is the source)."""

from dataclasses import dataclass, field

from cityportal.core.models import SectionTag
from cityportal.procedures.models import AudienceTag, FeeKind, ProcedurePage
from cityportal.procedures.tests.factories import (
    DepartmentFactory,
    FinderPageFactory,
    JourneyIndexPageFactory,
    JourneyPageFactory,
    OfficeFactory,
    ProcedureIndexPageFactory,
    ProcedurePageFactory,
    material,
    route,
    step,
    translate,
)

TITLES = {
    "index": {"en": "Guides", "fr": "Démarches", "ar": "الأدلة", "ja": "手続きガイド"},
    "permit": {
        "en": "Work permit for foreigners",
        "fr": "Permis de travail pour étrangers",
        "ar": "تصريح العمل للأجانب",
        "ja": "外国人就労許可",
    },
    "residence": {
        "en": "Residence permit for work",
        "fr": "Titre de séjour pour le travail",
        "ar": "تصريح الإقامة للعمل",
        "ja": "就労のための居留許可",
    },
    "journeys": {"en": "Journeys", "fr": "Parcours", "ar": "المسارات", "ja": "ステップ"},
    "journey": {
        "en": "Start working in Beijing",
        "fr": "Commencer à travailler à Pékin",
        "ar": "ابدأ العمل في بكين",
        "ja": "北京で働き始める",
    },
    "finder": {
        "en": "Which guides do I need?",
        "fr": "De quelles démarches ai-je besoin ?",
        "ar": "ما الأدلة التي أحتاجها؟",
        "ja": "必要な手続き",
    },
}


@dataclass
class Guides:
    office: object = None
    department: object = None
    index: dict = field(default_factory=dict)
    permit: dict = field(default_factory=dict)
    residence: dict = field(default_factory=dict)
    journeys: dict = field(default_factory=dict)
    journey: dict = field(default_factory=dict)
    finder: dict = field(default_factory=dict)


def translated(pages: dict, source, name: str, languages, **fields):
    pages["zh-hans"] = source
    for language in languages:
        title = TITLES[name].get(language, f"{name} ({language})")
        pages[language] = translate(source, language, title=title, **fields.get(language, {}))
    return pages


def build_guides(portal, languages=("en",)) -> Guides:
    guides = Guides()
    guides.department = DepartmentFactory(
        code="beijing-hr",
        name_zh_hans="北京市人力资源和社会保障局",
        name_en="Beijing Human Resources and Social Security Bureau",
        name_fr="Bureau des ressources humaines de Pékin",
        phone="010-5555-0100",
        website="https://hr.example.invalid/",
        address_en="No. 5 Sample Street, Xicheng District",
    )
    guides.office = OfficeFactory(
        code="foreign-talent-hall",
        name_zh_hans="外国人才服务大厅",
        name_en="Foreign Talent Service Hall",
        name_fr="Guichet des talents étrangers",
        address_zh_hans="北京市朝阳区示例路8号",
        address_en="No. 8 Sample Road, Chaoyang District",
        address_fr="8 rue Exemple, district de Chaoyang",
        department=guides.department,
    )
    home = portal.homes["zh-hans"]
    translated(guides.index, ProcedureIndexPageFactory(parent=home), "index", languages)
    residence = ProcedurePageFactory(
        parent=guides.index["zh-hans"],
        item_code="residence-permit-work",
        title="工作类居留许可",
        summary="持工作许可的外国人办理居留许可。",
        sections=["work", "live"],
        audiences=["employees"],
        department=guides.department,
        offices=[guides.office],
        fee_kind=FeeKind.LISTED,
        fees=[("fee", {"label": "居留许可（一年以内）", "amount": "400.00", "note": ""})],
    )
    permit = ProcedurePageFactory(
        parent=guides.index["zh-hans"],
        item_code="work-permit",
        title="外国人来华工作许可",
        summary="在京工作的外国人须办理工作许可。",
        sections=["work"],
        audiences=["employees", "investors"],
        department=guides.department,
        offices=[guides.office],
        online_application_url="https://apply.example.invalid/work-permit",
        status_check_url="https://apply.example.invalid/status",
        materials=[
            material(1, name="护照", form="original-and-copy"),
            material(
                2,
                name="学历证书",
                translation_required=True,
                seal_required=True,
                exemption="已在系统中备案的无需提供",
            ),
        ],
        steps=[step(1, title="网上申请"), step(2, title="窗口核验")],
        routes=[
            route(name="一般程序", statutory_days=20, committed_days=10, visits=1),
            route(name="告知承诺制", statutory_days=20, committed_days=0, visits=0),
        ],
        fee_kind=FeeKind.NONE,
        result="外国人工作许可证",
        result_validity="最长五年",
        faqs=[("faq", {"question": "需要体检吗？", "answer": "<p>需要。</p>"})],
        related=[("procedure", residence)],
    )
    translated(guides.residence, residence, "residence", languages)
    translated(guides.permit, permit, "permit", languages)
    translated(guides.journeys, JourneyIndexPageFactory(parent=home), "journeys", languages)
    journey = JourneyPageFactory(
        parent=guides.journeys["zh-hans"],
        slug="start-working",
        title="来京工作",
        sections=list(SectionTag.objects.filter(code="work")),
        steps=[("办理工作许可", [permit]), ("办理居留许可", [residence])],
    )
    translated(guides.journey, journey, "journey", languages)
    finder = FinderPageFactory(
        parent=guides.index["zh-hans"],
        questions={"purpose": ["work", "study"], "family": ["yes", "no"]},
        rules=[
            ({"purpose": "work"}, [permit, residence]),
            ({"purpose": "work", "family": "yes"}, [residence]),
        ],
    )
    translated(guides.finder, finder, "finder", languages)
    return guides


def add_plain_guides(index, count: int, start: int = 0):
    """Guides saved without revisions: enough for the live listing, and fast enough for 300."""
    departments = [DepartmentFactory() for _ in range(3)]
    sections = list(SectionTag.objects.all())
    audiences = list(AudienceTag.objects.all())
    for n in range(start, start + count):
        page = ProcedurePage(
            title=f"Guide {n:03d}",
            item_code=f"bulk-{n}",
            slug=f"bulk-{n}",
            summary="A guide.",
            routes=[route()],
            department=departments[n % 3],
        )
        page.sections = [sections[n % len(sections)]]
        page.audiences = [audiences[n % len(audiences)], audiences[(n + 1) % len(audiences)]]
        index.add_child(instance=page)
