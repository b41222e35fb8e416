"""Email alert pages under /<lang>/alerts/ (namespace "alerts"): see views.py.

Link to the sign-up page with a subject preselected: {% url 'alerts:subscribe' %}?section=work or
?topic=visas.
"""

from django.urls import path, register_converter

from . import views


class TokenConverter:
    """A link's token: URL-safe base64 (and digits and a dash for unsubscribe links), bounded, so
    anything else is a plain 404 before any lookup."""

    regex = "[A-Za-z0-9_-]{20,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "alert_token")

app_name = "alerts"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirm/<alert_token:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<alert_token:token>/", views.unsubscribe, name="unsubscribe"),
]
