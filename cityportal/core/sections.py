"""The six sections of the portal. Every capability files its content under one or more of them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    INVEST = "invest", _("Invest")
    WORK = "work", _("Work")
    STUDY = "study", _("Study")
    LIVE = "live", _("Live")
    TRAVEL = "travel", _("Travel")
    CONSUME = "consume", _("Consume")
