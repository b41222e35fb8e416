"""Which departments each consultation staff member answers for (supervisors manage this)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import DepartmentAssignment


class DepartmentAssignmentForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")


class DepartmentAssignmentViewSet(ModelViewSet):
    model = DepartmentAssignment
    icon = "group"
    menu_label = _("Department staff")
    name = "consultation_department_staff"
    url_prefix = "questions/department-staff"
    copy_view_enabled = False
    list_display = ["user", "department"]
    list_filter = ["department"]
    edit_handler = ObjectList(
        [FieldPanel("user", widget=forms.Select), FieldPanel("department", widget=forms.Select)],
        base_form_class=DepartmentAssignmentForm,
    )
