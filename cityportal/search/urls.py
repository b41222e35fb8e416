"""Public search pages, inside the language prefix: /<lang>/search/…"""

from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("suggest/", views.suggestions, name="suggest"),
]
