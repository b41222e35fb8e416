"""State changes of policy documents.

A policy that lapses is withdrawn, never deleted: its page stays, in every language, with a banner
saying since when and what replaced it, because people still meet links to it and need to know it
no longer applies.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import PolicyDocument


@transaction.atomic
def withdraw_policy(
    policy: PolicyDocument, *, on: date, note: str, replaced_by: PolicyDocument | None = None, user=None
) -> PolicyDocument:
    """Withdraw `policy` as of `on` (a past or future day), in every language at once.

    Each language version gets the date and the replacement in a new revision, published if the
    version is live (a never-published translation gets a draft). The note goes to `policy`'s own
    language; the other languages receive it through translation, as any text. A draft waiting
    on top of a live version keeps its changes: it is saved again with the withdrawal on top, so the
    withdrawal never publishes someone's unreviewed work. Raises ValidationError, writing nothing,
    when the date precedes the issue date or the policy would replace itself; PermissionDenied,
    writing nothing, when `user` may not publish one of the versions (Wagtail's own check).
    """
    note = note.strip()
    if replaced_by is not None and replaced_by.translation_key == policy.translation_key:
        raise ValidationError({"replaced_by": _("A policy cannot be replaced by itself.")})
    if policy.date_issued and on < policy.date_issued:
        raise ValidationError({"withdrawn_on": _("A policy cannot be withdrawn before it is issued.")})

    versions = PolicyDocument.objects.filter(translation_key=policy.translation_key).select_for_update()
    for version in versions:
        is_own = version.pk == policy.pk
        draft = version.get_latest_revision_as_object() if version.has_unpublished_changes else None
        if version.live:
            _mark_withdrawn(version, on=on, note=note if is_own else None, replaced_by=replaced_by)
            version.save_revision(user=user, log_action=True).publish(user=user)
        if draft is not None:
            _mark_withdrawn(draft, on=on, note=note if is_own else None, replaced_by=replaced_by)
            draft.save_revision(user=user, log_action=True)
    policy.refresh_from_db()
    return policy


def _mark_withdrawn(page: PolicyDocument, *, on: date, note: str | None, replaced_by) -> None:
    page.withdrawn_on = on
    page.replaced_by = replaced_by
    if note is not None:
        page.withdrawal_note = note
