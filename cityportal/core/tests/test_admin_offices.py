"""Offices and departments in the admin: one record, a tab per language, hours with a lunch break."""

import pytest
from django.urls import reverse
from django.utils import translation

from cityportal.core.models import Office
from cityportal.procedures.tests.factories import DepartmentFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "pw"))
    return client


def office_form(department, **overrides) -> dict:
    data = {
        "code": "eea-andingmen",
        "department": department.pk,
        "phone": "12367",
        "latitude": "39.948900",
        "longitude": "116.413400",
        "name_zh_hans": "出入境接待大厅",
        "name_en": "Exit-Entry reception hall",
        "name_ar": "قاعة استقبال الدخول والخروج",
        "address_zh_hans": "北京市东城区安定门东大街2号",
        "address_en": "No. 2 Andingmen East Street, Dongcheng",
        "opening_hours-TOTAL_FORMS": "2",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-MIN_NUM_FORMS": "0",
        "opening_hours-MAX_NUM_FORMS": "1000",
        "opening_hours-0-weekday": "0",
        "opening_hours-0-opens": "09:00",
        "opening_hours-0-closes": "12:00",
        "opening_hours-1-weekday": "0",
        "opening_hours-1-opens": "13:30",
        "opening_hours-1-closes": "17:00",
    }
    return data | overrides


def test_an_office_is_one_record_whose_texts_read_in_each_language(admin_client):
    department = DepartmentFactory()
    response = admin_client.post(reverse("wagtailsnippets_core_office:add"), office_form(department))
    assert response.status_code == 302, response.content.decode()[:2000]
    office = Office.objects.get(code="eea-andingmen")
    assert len(office.weekly_hours()[0][1]) == 2  # Monday has a lunch break
    with translation.override("ar"):
        assert office.name == "قاعة استقبال الدخول والخروج"
    with translation.override("fr"):  # not translated yet: English, then Chinese
        assert office.name == "Exit-Entry reception hall"
        assert office.address_chinese == "北京市东城区安定门东大街2号"


def test_the_edit_form_has_a_tab_per_language(admin_client):
    office = OfficeFactory()
    html = admin_client.get(reverse("wagtailsnippets_core_office:edit", args=[office.pk])).content.decode()
    for language_name in ("简体中文", "English", "العربية", "日本語"):
        assert language_name in html
    assert 'name="address_zh_hans"' in html and 'name="directions_ru"' in html


def test_an_office_without_chinese_address_is_refused_and_nothing_is_written(admin_client):
    department = DepartmentFactory()
    response = admin_client.post(
        reverse("wagtailsnippets_core_office:add"), office_form(department, address_zh_hans="")
    )
    assert response.status_code == 200
    assert "taxi" in response.content.decode()
    assert not Office.objects.filter(code="eea-andingmen").exists()


def test_an_opening_period_that_ends_before_it_starts_is_refused(admin_client):
    department = DepartmentFactory()
    form = office_form(department, **{"opening_hours-1-opens": "18:00"})
    response = admin_client.post(reverse("wagtailsnippets_core_office:add"), form)
    assert response.status_code == 200
    assert not Office.objects.filter(code="eea-andingmen").exists()
