"""Bookings: who comes, when, for what; the document number encrypted, found by a blind index."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    ACTIVE = "active", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Checked in")
    NO_SHOW = "no-show", _("Did not come")
    # An appointment whose time has passed without staff marking it: no longer "active", so the
    # person may book the service again (services.book_slot sets it when they do).
    PAST = "past", _("Date passed")


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    PERMANENT_RESIDENCE = "permanent-residence", _("Foreign permanent resident ID card")
    HK_MACAO_PERMIT = "hk-macao-permit", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan-permit", _("Mainland travel permit for Taiwan residents")
    TRAVEL_DOCUMENT = "travel-document", _("Other travel document")


class Booking(models.Model):
    reference = models.CharField(_("reference"), max_length=16, unique=True)
    slot = models.ForeignKey(
        "appointments.AppointmentSlot",
        verbose_name=_("slot"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    # Copied from the slot so that the database can enforce one active booking per person and service.
    service = models.ForeignKey(
        "appointments.AppointmentService", on_delete=models.PROTECT, related_name="bookings"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.ACTIVE
    )
    full_name = models.CharField(_("full name as in the document"), max_length=200)
    nationality = models.CharField(_("nationality"), max_length=2)
    document_type = models.CharField(
        _("document type"), max_length=24, choices=DocumentType.choices, default=DocumentType.PASSPORT
    )
    # Sensitive personal information: stored encrypted (core.crypto, keys from the environment),
    # with a keyed hash beside it so a person's other bookings can be found without decrypting.
    document_number_encrypted = models.TextField(editable=False)
    document_index = models.CharField(max_length=64, editable=False, db_index=True)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=32)
    language = models.CharField(_("language"), max_length=10)
    consent_text = models.TextField(editable=False)
    consented_at = models.DateTimeField(editable=False)
    # One-time token of the form that created the booking: a double click or a resubmission after
    # "back" finds the booking it already made instead of making a second one.
    submission_token = models.CharField(max_length=64, unique=True, null=True, editable=False)
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["slot__starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "document_type", "document_index"],
                condition=Q(status="active"),
                name="one_active_booking_per_person_and_service",
            ),
        ]

    def __str__(self):
        return self.reference
