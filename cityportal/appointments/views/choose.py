"""Steps 1 and 2: which service, then which office. Plain GET pages, cacheable like any public page."""

from django.conf import settings
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from cityportal.core.models import OfficeHours
from cityportal.core.sections import Section
from cityportal.procedures.sorting import sort_key

from ..models import AppointmentService, ServiceOffice
from .common import Problem, active_service, crumbs, language_versions, problem_page

MAX_QUERY = 100


def service_list(request):
    language = get_language()
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    services = AppointmentService.objects.filter(active=True).prefetch_related("sections")
    if query:
        columns = {
            build_localized_fieldname("name", code) for code in (language, "en", settings.LANGUAGE_CODE)
        }
        matches = Q(code__icontains=query)
        for column in columns:
            matches |= Q(**{f"{column}__icontains": query})
        services = services.filter(matches)
    services = sorted(services, key=lambda service: sort_key(service.name, language))
    groups = []
    for code, label in Section.choices:
        members = [service for service in services if any(tag.code == code for tag in service.sections.all())]
        if members:
            groups.append({"code": code, "label": label, "services": members})
    others = [service for service in services if not service.sections.all()]
    if others:
        groups.append({"code": "other", "label": _("Other services"), "services": others})
    context = {
        "groups": groups,
        "query": query,
        "count": len(services),
        "versions": language_versions(
            request, "appointments:services", query={"q": query} if query else None
        ),
        "crumbs": crumbs()[:1],
    }
    return render(request, "appointments/service_list.html", context)


def office_choice(request, service_id):
    try:
        service = active_service(service_id)
    except Problem as problem:
        return problem_page(request, problem)
    links = (
        ServiceOffice.objects.filter(service=service)
        .select_related("office")
        .prefetch_related(Prefetch("office__opening_hours", queryset=OfficeHours.objects.order_by("opens")))
        .order_by("office__code")
    )
    context = {
        "service": service,
        "links": links,
        "show_chinese_address": get_language() != settings.LANGUAGE_CODE,
        "versions": language_versions(request, "appointments:offices", args=[service.pk]),
        "crumbs": crumbs(),
    }
    return render(request, "appointments/office_choice.html", context)
