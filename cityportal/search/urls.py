"""Public search pages, inside the language prefix: /<lang>/search/…"""

app_name = "search"
urlpatterns: list = []
