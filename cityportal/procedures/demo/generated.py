"""Synthetic procedure guides for testing the portal at scale (manage.py generate_procedures).

`build_catalogue(count)` returns a catalogue in the import format (docs/procedures-format.md) with
`count` guides in nine languages, item codes generated-0001 …, and the departments and offices they
name (up to 20 and 60). Everything about guide n is drawn from a random generator seeded with n, so
guide n is the same whatever the count and however often it is built: importing the catalogue again
changes nothing, and a larger count only adds guides.
"""

import datetime
import random
from decimal import Decimal

from ..importing import FORMAT
from . import generated_texts as texts
from .generated_texts import LANGUAGES

PREFIX = "generated"
DEPARTMENTS = 20
OFFICES = 60
SECTIONS = ["invest", "work", "study", "live", "travel", "consume"]
# Each section's usual audience, so that filters such as section=work&audience=employees find guides.
AUDIENCE_OF_SECTION = {
    "invest": "investors",
    "work": "employees",
    "study": "students",
    "live": "residents",
    "travel": "tourists",
    "consume": "consumers",
}
AUDIENCES = list(AUDIENCE_OF_SECTION.values())
FIRST_REVIEW = datetime.date(2026, 1, 5)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def item_code(n: int) -> str:
    return f"{PREFIX}-{n:04d}"


def department_code(n: int) -> str:
    return f"{PREFIX}-department-{n:02d}"


def office_code(n: int) -> str:
    return f"{PREFIX}-office-{n:02d}"


def nine(template: tuple[str, ...], **fields) -> dict[str, str]:
    """One phrase in every language, its fields filled in (a field may itself be a nine-language tuple)."""
    result = {}
    for position, language in enumerate(LANGUAGES):
        values = {
            name: value[position] if isinstance(value, tuple) else value for name, value in fields.items()
        }
        result[language] = template[position].format(**values)
    return result


def seeded(kind: str, n: int) -> random.Random:
    # Content, not secrets: a fixed seed per record is what makes the catalogue reproducible.
    return random.Random(f"{PREFIX}-{kind}-{n}")  # noqa: S311


# --- departments and offices ----------------------------------------------------------------------


def office_department(n: int) -> int:
    return (n - 1) % DEPARTMENTS + 1


def address(rng: random.Random) -> dict[str, str]:
    return nine(texts.ADDRESS, district=rng.choice(texts.DISTRICTS), k=rng.randint(1, 300))


def department(n: int) -> dict:
    rng = seeded("department", n)
    return {
        "code": department_code(n),
        "phone": f"+86 10 5550 {n:02d}00",
        "website": f"https://department-{n:02d}.generated.example.invalid/",
        "reminder_email": f"guides@department-{n:02d}.generated.example.invalid",
        "name": nine(texts.DEPARTMENT_NAME, nn=f"{n:02d}"),
        "address": address(rng),
    }


def office_hours(n: int) -> list[dict]:
    weekdays = WEEKDAYS[:5]
    if n % 3 == 0:  # a lunch break
        return [
            {"days": weekdays, "opens": "09:00", "closes": "12:00"},
            {"days": weekdays, "opens": "13:30", "closes": "17:00"},
        ]
    if n % 3 == 1:  # open on Saturday morning too
        return [
            {"days": weekdays, "opens": "08:30", "closes": "17:00"},
            {"days": ["sat"], "opens": "09:00", "closes": "12:00"},
        ]
    return [{"days": WEEKDAYS, "opens": "09:00", "closes": "18:00"}]


def office(n: int) -> dict:
    rng = seeded("office", n)
    return {
        "code": office_code(n),
        "department": department_code(office_department(n)),
        "phone": f"+86 10 5551 {n:04d}",
        # GCJ-02, inside the Fifth Ring Road.
        "latitude": str(Decimal(rng.randint(39_850_000, 40_020_000)) / 1_000_000),
        "longitude": str(Decimal(rng.randint(116_280_000, 116_500_000)) / 1_000_000),
        "hours": office_hours(n),
        "name": nine(texts.OFFICE_NAME, nn=f"{n:02d}"),
        "address": address(rng),
        "directions": nine(
            texts.DIRECTIONS, line=rng.randint(1, 17), exit=rng.choice("ABCD"), minutes=rng.randint(3, 15)
        ),
        "hours_note": nine(texts.HOURS_NOTE),
    }


# --- guides ---------------------------------------------------------------------------------------


def per_language(items: list[dict[str, dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    """[{field: {language: text}}] -> {language: [{field: text}]}, leaving out empty texts."""
    return {
        language: [{name: value[language] for name, value in item.items() if value} for item in items]
        for language in LANGUAGES
    }


def paragraph(phrase: tuple[str, ...], **fields) -> dict[str, str]:
    return {language: f"<p>{text}</p>" for language, text in nine(phrase, **fields).items()}


def guide(n: int) -> dict:
    rng = seeded("guide", n)
    number = f"{n:04d}"
    topic = texts.TOPICS[(n - 1) % len(texts.TOPICS)]
    section = SECTIONS[(n - 1) % len(SECTIONS)]
    sections = [section, *rng.sample([s for s in SECTIONS if s != section], rng.choice([0, 0, 1]))]
    audiences = [AUDIENCE_OF_SECTION[section]]
    audiences += rng.sample([a for a in AUDIENCES if a not in audiences], rng.choice([0, 1, 2]))
    offices = [(n - 1) % OFFICES + 1]
    offices += rng.sample([k for k in range(1, OFFICES + 1) if k not in offices], rng.choice([0, 0, 1, 2]))

    materials = rng.sample(range(len(texts.MATERIALS)), rng.randint(3, 12))
    material_structure, material_texts = [], []
    for index in materials:
        material_structure.append(
            {
                "copies": rng.choice([1, 1, 1, 2, 3]),
                "form": rng.choice(["original", "copy", "original-and-copy"]),
                "seal_required": rng.random() < 0.2,
                "translation_required": rng.random() < 0.3,
            }
        )
        notes = rng.choice([None, None, *texts.MATERIAL_NOTES])
        exemption = rng.choice([None, None, None, *texts.MATERIAL_EXEMPTIONS])
        material_texts.append(
            {
                "name": nine(texts.MATERIALS[index]),
                "notes": nine(notes) if notes else None,
                "exemption": nine(exemption) if exemption else None,
            }
        )
    steps = sorted(rng.sample(range(len(texts.STEPS)), rng.randint(3, 8)))
    step_texts = [
        {"title": nine(texts.STEPS[index][0]), "description": paragraph(texts.STEPS[index][1])}
        for index in steps
    ]

    statutory = rng.choice([None, 5, 10, 15, 20, 30])
    routes = [
        {
            "statutory_days": statutory,
            "committed_days": None if statutory is None else rng.randint(1, statutory),
            "visits": rng.choice([0, 1, 1, 2]),
        }
    ]
    route_texts = [{"name": nine(texts.STANDARD_ROUTE[0]), "description": nine(texts.STANDARD_ROUTE[1])}]
    if statutory is not None and rng.random() < 0.25:
        routes.append({"statutory_days": statutory, "committed_days": 0, "visits": 1})
        route_texts.append({"name": nine(texts.PLEDGE_ROUTE[0]), "description": nine(texts.PLEDGE_ROUTE[1])})

    fee_kind = rng.choice(["none", "none", "none", "listed", "listed", "see-guide"])
    fees, fee_texts = [], []
    if fee_kind == "listed":
        for position in range(rng.choice([1, 1, 2])):
            fees.append({"amount": rng.choice(["20.00", "50.00", "200.00", "400.00", "800.00"])})
            fee_texts.append(
                {
                    "label": nine(texts.FEE_LABELS[position]),
                    "note": nine(texts.OPTIONAL) if position else None,
                }
            )
    faqs = rng.sample(texts.FAQS, rng.randint(0, 4))
    faq_texts = [{"question": nine(question), "answer": paragraph(answer)} for question, answer in faqs]

    conditions = rng.sample(texts.CONDITIONS, rng.randint(2, 4))
    intro = nine(texts.CONDITIONS_INTRO)
    items = [nine(condition) for condition in conditions]
    titles = nine(texts.TITLE, n=number, topic=topic)
    summaries = nine(texts.SUMMARY, n=number, m=len(materials), s=len(steps))
    result = rng.choice([None, *texts.RESULTS])
    validity = rng.choice([None, *texts.VALIDITIES]) if result else None
    legal_basis = paragraph(texts.LEGAL_BASIS, k=rng.randint(2, 60))

    lists = {
        "materials": per_language(material_texts),
        "steps": per_language(step_texts),
        "routes": per_language(route_texts),
        "fees": per_language(fee_texts),
        "faqs": per_language(faq_texts),
    }
    translations = {}
    for language in LANGUAGES:
        conditions_html = f"<p>{intro[language]}</p><ul>" + "".join(
            f"<li>{item[language]}</li>" for item in items
        )
        texts_of_language = {
            "title": titles[language],
            "summary": summaries[language],
            "conditions": conditions_html + "</ul>",
            "legal_basis": legal_basis[language],
            **{name: values[language] for name, values in lists.items()},
        }
        if result:
            texts_of_language["result"] = nine(result)[language]
        if validity:
            texts_of_language["result_validity"] = nine(validity)[language]
        translations[language] = texts_of_language

    online = rng.random() < 0.4
    return {
        "item_code": item_code(n),
        "department": department_code(office_department(offices[0])),
        "audiences": audiences,
        "sections": sections,
        "offices": [office_code(k) for k in offices],
        "online_application_url": (
            f"https://apply.generated.example.invalid/{item_code(n)}/" if online else ""
        ),
        "status_check_url": f"https://status.generated.example.invalid/{item_code(n)}/" if online else "",
        "enquiry_phone": f"+86 10 5552 {n:04d}",
        "complaint_phone": "+86 10 12345",
        "fee_kind": fee_kind,
        "last_reviewed": (FIRST_REVIEW + datetime.timedelta(days=(n * 7) % 300)).isoformat(),
        "review_interval_days": rng.choice([180, 180, 365]),
        # Earlier guides only, so that guide n does not depend on how many are generated.
        "related": [item_code(k) for k in sorted(rng.sample(range(1, n), min(n - 1, rng.randint(0, 3))))],
        "materials": material_structure,
        "routes": routes,
        "fees": fees,
        "translations": translations,
    }


def build_catalogue(count: int) -> dict:
    """The catalogue of guides 1 … count, with the departments and offices they name."""
    guides = [guide(n) for n in range(1, count + 1)]
    office_numbers = sorted({int(code.rsplit("-", 1)[1]) for entry in guides for code in entry["offices"]})
    department_numbers = sorted(
        {office_department(n) for n in office_numbers}
        | {int(entry["department"].rsplit("-", 1)[1]) for entry in guides}
    )
    return {
        "format": FORMAT,
        "departments": [department(n) for n in department_numbers],
        "offices": [office(n) for n in office_numbers],
        "procedures": guides,
    }
