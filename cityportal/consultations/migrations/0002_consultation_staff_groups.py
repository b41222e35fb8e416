"""The two admin roles of the questions area (docs/consultations.md, “Roles”).

- Consultation staff: the questions of the departments each member is assigned to
  (DepartmentAssignment): the inbox, notes, replies, publishing an answer to the FAQ; they use
  the reply templates but do not change them. They see nothing of pages, bookings or settings.
- Consultation supervisors: every department's questions; also reply templates, department
  assignments, the CSV export, the FAQ entries and the service-level setting.

Permissions are listed here rather than imported, so this migration keeps meaning what it meant.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF = "Consultation staff"
SUPERVISORS = "Consultation supervisors"

STAFF_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("consultations", "view_question"),
    ("consultations", "change_question"),
    ("consultations", "add_internalnote"),
    ("consultations", "add_reply"),
    ("consultations", "view_replytemplate"),
    ("consultations", "add_faqentry"),
]
SUPERVISOR_PERMISSIONS = STAFF_PERMISSIONS + [
    ("consultations", "see_all_departments"),
    ("consultations", "export_questions"),
    ("consultations", "add_replytemplate"),
    ("consultations", "change_replytemplate"),
    ("consultations", "delete_replytemplate"),
    ("consultations", "view_departmentassignment"),
    ("consultations", "add_departmentassignment"),
    ("consultations", "change_departmentassignment"),
    ("consultations", "delete_departmentassignment"),
    ("consultations", "view_faqentry"),
    ("consultations", "change_faqentry"),
    ("consultations", "delete_faqentry"),
    ("consultations", "change_consultationsettings"),
]


def create_groups(apps, schema_editor):
    create_permissions(global_apps.get_app_config("consultations"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ((STAFF, STAFF_PERMISSIONS), (SUPERVISORS, SUPERVISOR_PERMISSIONS)):
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[STAFF, SUPERVISORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
