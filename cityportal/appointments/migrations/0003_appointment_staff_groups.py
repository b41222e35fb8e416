"""The two admin roles of the appointments area (docs/editors.md, “Appointments: office staff”).

- Appointment staff: the appointments area only, for the offices each member is assigned to
  (OfficeAssignment): day lists, check-in and no-show, closures.
- Appointment managers: every office; also services, office assignments, offices' opening hours
  and the holiday calendar.

Permissions are listed here rather than imported, so that this migration keeps meaning what it
meant when it ran. Re-running it (or adding a permission by hand) never removes one.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF = "Appointment staff"
MANAGERS = "Appointment managers"

STAFF_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("appointments", "view_booking"),
    ("appointments", "change_booking"),
    ("appointments", "view_officeclosure"),
    ("appointments", "add_officeclosure"),
    ("appointments", "change_officeclosure"),
    ("appointments", "delete_officeclosure"),
]
MANAGER_PERMISSIONS = STAFF_PERMISSIONS + [
    ("appointments", "work_at_all_offices"),
    ("appointments", "view_appointmentservice"),
    ("appointments", "add_appointmentservice"),
    ("appointments", "change_appointmentservice"),
    ("appointments", "delete_appointmentservice"),
    ("appointments", "view_officeassignment"),
    ("appointments", "add_officeassignment"),
    ("appointments", "change_officeassignment"),
    ("appointments", "delete_officeassignment"),
    # Opening hours are edited on the office (Offices menu).
    ("core", "view_office"),
    ("core", "change_office"),
    # Confirming a year's holiday calendar, and correcting its days.
    ("core", "view_calendaryear"),
    ("core", "add_calendaryear"),
    ("core", "change_calendaryear"),
    ("core", "view_calendarday"),
    ("core", "add_calendarday"),
    ("core", "change_calendarday"),
    ("core", "delete_calendarday"),
]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate); make them now.
    for label in ("core", "appointments"):
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ((STAFF, STAFF_PERMISSIONS), (MANAGERS, MANAGER_PERMISSIONS)):
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[STAFF, MANAGERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0002_add_office_assignments"),
        ("core", "0003_add_section_tags"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
