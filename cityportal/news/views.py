"""Email alert pages, inside the language prefix: /<lang>/alerts/…

- `subscribe`: the sign-up form; `?section=work` or `?topic=visas` preselects a subject. The
  subscription's language is the page's. Protected by core.protection (no cookie, no CSRF token).
- `confirm/<token>/`: GET shows a button, POST confirms. Mail scanners follow links in emails, so a
  GET never changes anything.
- `unsubscribe/<token>/`: GET shows a button, POST deletes. Mail programs POST here themselves
  (RFC 8058 one-click unsubscribe), from their own servers.

Pages with a token in their address are never stored by a cache and send no Referer.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from cityportal.core.i18n import language_name
from cityportal.core.navigation import Crumb, view_language_versions
from cityportal.core.protection import protected_form_view
from cityportal.core.sections import Section

from . import alerts
from .forms import AlertSubscriptionForm
from .models import Topic


def breadcrumbs(request) -> list[Crumb]:
    site = Site.find_for_request(request)
    if site is None:
        return []
    home = site.root_page.localized
    return [Crumb(home.title, home.get_url(request))]


def preselected(request) -> dict:
    """The subject named in the query string, when it exists (anything else is ignored)."""
    section = request.GET.get("section", "")
    if section in Section.values:
        return {"section": section}
    topic = request.GET.get("topic", "")
    if topic and len(topic) <= 60 and Topic.objects.filter(slug=topic).exists():
        return {"topic": topic}
    return {}


@protected_form_view
def subscribe(request):
    language = get_language()
    initial = preselected(request) if request.method != "POST" else {}
    context = {
        "versions": view_language_versions(request, "alerts:subscribe", query=initial),
        "crumbs": breadcrumbs(request),
        "lifetime_days": alerts.pending_lifetime().days,
    }
    if request.method != "POST":
        context["form"] = AlertSubscriptionForm(request=request, initial=initial)
        return render(request, "news/alerts/subscribe.html", context)

    form = AlertSubscriptionForm(request.POST, request=request)
    if not form.is_valid():
        context["form"] = form
        return render(request, "news/alerts/subscribe.html", context, status=form.status_code)
    data = form.cleaned_data
    alerts.request_subscription(
        data["email"],
        language,
        section=data["section"],
        topic=data["topic"],
        frequency=data["frequency"],
    )
    # The same page whether or not the address was already subscribed: the email tells them which.
    context["email"] = data["email"]
    return render(request, "news/alerts/check_email.html", context)


def private(response: HttpResponse) -> HttpResponse:
    """The address holds a secret: no cache keeps the page, no link on it passes the address on."""
    patch_cache_control(response, private=True, no_store=True)
    response["Referrer-Policy"] = "no-referrer"
    return response


def invalid_link(request) -> HttpResponse:
    context = {"crumbs": breadcrumbs(request)}
    return private(render(request, "news/alerts/invalid_link.html", context, status=404))


def subscription_context(subscription) -> dict:
    return {
        "subscription": subscription,
        "subject_name": alerts.subject_name(subscription),
        "language_name": language_name(subscription.language),
    }


@protected_form_view
def confirm(request, token: str):
    if request.method == "POST":
        subscription = alerts.confirm_subscription(token)
        template = "news/alerts/confirmed.html"
    else:
        subscription = alerts.by_token(token)
        template = "news/alerts/confirm.html"
    if subscription is None:
        return invalid_link(request)
    context = {**subscription_context(subscription), "crumbs": breadcrumbs(request), "token": token}
    if request.method == "POST":
        context["unsubscribe_token"] = alerts.unsubscribe_token(subscription)
    return private(render(request, template, context))


# Exempt from CSRF and from core.protection's same-origin check, on purpose: mail providers send the
# one-click unsubscribe POST (RFC 8058) from their own servers, with no cookie and no Origin of ours,
# and must not be refused. The unguessable token in the address is the authority, and the only thing
# a POST here can do is delete the subscription that token names.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    subscription = alerts.by_unsubscribe_token(token)
    if subscription is None:
        return invalid_link(request)
    context = {**subscription_context(subscription), "crumbs": breadcrumbs(request), "token": token}
    if request.method == "POST":
        alerts.unsubscribe(token)
        query = urlencode(alerts.subject_query(subscription))
        context["resubscribe_url"] = f"{reverse('alerts:subscribe')}?{query}"
        return private(render(request, "news/alerts/unsubscribed.html", context))
    return private(render(request, "news/alerts/unsubscribe.html", context))
