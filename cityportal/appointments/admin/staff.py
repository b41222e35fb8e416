"""Office assignments: which offices each member of the appointment staff works at.

Administrators only (`appointments.*_officeassignment`, given to Appointment managers). A user
also needs to be in the “Appointment staff” group (Settings › Users) for the permissions; the
assignment only says where.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import OfficeAssignment


class OfficeAssignmentForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")


class OfficeAssignmentViewSet(ModelViewSet):
    model = OfficeAssignment
    icon = "group"
    menu_label = _("Office staff")
    name = "appointment_office_staff"
    url_prefix = "appointments/office-staff"
    copy_view_enabled = False
    list_display = ["user", "office"]
    list_filter = ["office"]
    edit_handler = ObjectList(
        [FieldPanel("user", widget=forms.Select), FieldPanel("office", widget=forms.Select)],
        base_form_class=OfficeAssignmentForm,
    )
