"""The guide model: addresses built on item codes, language-neutral links shared by translations."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cityportal.core.models import OfficeHours
from cityportal.procedures.models import FeeKind, ProcedurePage
from cityportal.procedures.tests.factories import (
    OfficeFactory,
    ProcedureIndexPageFactory,
    ProcedurePageFactory,
    translate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(portal):
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"])
    translate(index, "en", title="Guides")
    translate(index, "ar", title="الأدلة")
    return index


def test_guide_address_is_built_on_its_item_code_in_every_language(index):
    guide = ProcedurePageFactory(parent=index, item_code="work-permit", title="工作许可")
    english = translate(guide, "en", title="Work permit")
    assert guide.url_path.endswith("/guides/work-permit/")
    assert english.url == "/en/guides/work-permit/"


def test_translations_share_the_offices_sections_and_audiences_of_the_source(index):
    office = OfficeFactory()
    guide = ProcedurePageFactory(
        parent=index, sections=["work", "live"], audiences=["employees"], offices=[office]
    )
    arabic = translate(guide, "ar", title="تصريح العمل")
    assert list(arabic.offices.all()) == [office]
    assert set(arabic.sections.values_list("code", flat=True)) == {"work", "live"}
    assert list(arabic.audiences.values_list("code", flat=True)) == ["employees"]
    assert arabic.item_code == guide.item_code


def test_database_refuses_two_guides_with_one_item_code_in_a_language(index):
    ProcedurePageFactory(parent=index, item_code="visa-extension")
    other = ProcedurePageFactory(parent=index, item_code="stay-permit")
    with pytest.raises(IntegrityError), transaction.atomic():
        # An update bypasses every Python check: only the database constraint stops it.
        ProcedurePage.objects.filter(pk=other.pk).update(item_code="visa-extension")


def test_listed_fee_kind_needs_a_fee_and_no_fee_allows_none(index):
    with pytest.raises(ValidationError) as error:
        ProcedurePageFactory(parent=index, fee_kind=FeeKind.LISTED)
    assert "fees" in error.value.message_dict
    assert len(ProcedurePageFactory(parent=index, fee_kind=FeeKind.NONE).fees) == 0


def test_chinese_titles_sort_by_pinyin(index):
    work = ProcedurePageFactory(parent=index, title="工作许可")  # gōngzuò
    residence = ProcedurePageFactory(parent=index, title="居留许可")  # jūliú
    bank = ProcedurePageFactory(parent=index, title="办理银行卡")  # bànlǐ
    ordered = ProcedurePage.objects.filter(pk__in=[work.pk, residence.pk, bank.pk]).order_by("sort_title")
    assert list(ordered) == [bank, work, residence]


def test_review_due_date_follows_the_last_review_and_interval(index):
    guide = ProcedurePageFactory(
        parent=index, last_reviewed=datetime.date(2026, 1, 1), review_interval_days=90
    )
    assert guide.review_due == datetime.date(2026, 4, 1)
    assert guide.is_due_for_review


def test_office_links_to_chinese_maps_with_gcj02_coordinates():
    office = OfficeFactory(latitude="39.948900", longitude="116.413400")
    assert "position=116.413400%2C39.948900" in office.amap_url()
    assert "coord_type=gcj02" in office.baidu_url()
    assert "location=39.948900%2C116.413400" in office.baidu_url()


def test_office_week_has_a_lunch_break_and_closed_weekend():
    office = OfficeFactory()
    week = dict(office.weekly_hours())
    assert [(p.opens.strftime("%H:%M"), p.closes.strftime("%H:%M")) for p in week[0]] == [
        ("09:00", "12:00"),
        ("13:30", "17:00"),
    ]
    assert week[5] == [] and week[6] == []


def test_database_refuses_an_opening_period_that_closes_before_it_opens():
    office = OfficeFactory(hours=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeHours.objects.create(office=office, weekday=0, opens="17:00", closes="09:00")


def test_office_needs_its_chinese_address():
    office = OfficeFactory.build(address_zh_hans="")
    with pytest.raises(ValidationError) as error:
        office.full_clean()
    assert "address_zh_hans" in error.value.message_dict
