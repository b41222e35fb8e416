"""Public URLs of the core app, inside the language prefix (/<lang>/…), before Wagtail's pages."""

from django.urls import path

from . import data_request_views

urlpatterns = [
    path("privacy/my-data/", data_request_views.my_data, name="privacy-my-data"),
]
