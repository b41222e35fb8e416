from django.urls import re_path

from . import views

app_name = "publishing"
urlpatterns = [
    # The IndexNow key file; the key is 8-128 letters, digits or dashes (the protocol's rule).
    re_path(r"^(?P<key>[A-Za-z0-9-]{8,128})\.txt$", views.indexnow_key_file, name="indexnow-key"),
]
