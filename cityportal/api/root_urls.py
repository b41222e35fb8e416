"""The API alone, as a URLconf: what http.api_view tells LocaleMiddleware answered an API request."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("cityportal.api.urls"))]
