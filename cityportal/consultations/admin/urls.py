"""The questions area of the admin, under /admin/questions/ (registered in wagtail_hooks.py)."""

from django.urls import path

from . import inbox, question, reports

app_name = "consultations_admin"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("export.csv", inbox.export_csv, name="export"),
    path("response-times/", reports.response_times, name="response_times"),
    path("<int:pk>/", question.detail, name="detail"),
    path("<int:pk>/assign/", question.assign, name="assign"),
    path("<int:pk>/note/", question.note, name="note"),
    path("<int:pk>/reply/", question.reply, name="reply"),
    path("<int:pk>/close/", question.close, name="close"),
    path("<int:pk>/translate/", question.translate, name="translate"),
    path("<int:pk>/publish/", question.publish, name="publish"),
    path("attachments/<int:pk>/", question.download_attachment, name="attachment"),
]
