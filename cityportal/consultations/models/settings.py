"""What the answering service promises, editable in the admin (Settings → Questions and answers)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="help")
class ConsultationSettings(BaseGenericSetting):
    answer_within_working_days = models.PositiveSmallIntegerField(
        _("answer within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Counted from the working day after a question arrives, on the holiday calendar."),
    )
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("“due soon” from (working days before the deadline)"),
        default=1,
        validators=[MaxValueValidator(30)],
    )

    class Meta:
        verbose_name = _("questions and answers")
