"""Files sent with a question: checked by their content, images re-encoded without EXIF.

(The validation functions are added by the public-side work; services only need CleanAttachment.)
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CleanAttachment:
    """An attachment that passed the checks: a safe file name, its real type and its cleaned bytes."""

    name: str
    content_type: str
    data: bytes
