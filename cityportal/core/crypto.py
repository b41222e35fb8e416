"""Encryption at rest for sensitive personal data (passport and other document numbers).

- `encrypt_personal`/`decrypt_personal`: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`)
  under `PERSONAL_DATA_KEYS`, a comma-separated list: the first key encrypts, every key decrypts, so
  a key is rotated by putting a new one first and running `manage.py rotate_personal_data_keys`,
  which re-encrypts every stored value under it; then the old key can be removed.
- `blind_index`: an HMAC-SHA256 of the normalised value under `BLIND_INDEX_KEY`, stored beside the
  ciphertext so the database can find (and constrain) equal numbers without ever decrypting them.
  It cannot be reversed without the key, and it is not the document number's plain hash (which a
  dictionary of all passport numbers would break).

Outside production both keys default to values derived from SECRET_KEY; production.py refuses to
start without them (docs/environment.md).
"""

import base64
import hashlib
import hmac
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _derived_key(purpose: str) -> bytes:
    digest = hashlib.sha256(f"cityportal:{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def personal_data_keys() -> list[bytes]:
    configured = [key.strip() for key in settings.PERSONAL_DATA_KEYS if key.strip()]
    return [key.encode() for key in configured] or [_derived_key("personal-data")]


@cache
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(personal_data_keys()))


def encrypt_personal(value: str) -> str:
    return _current().encrypt(value.encode()).decode()


def decrypt_personal(token: str) -> str:
    """The plain value; raises `PersonalDataKeyError` when no configured key opens it."""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise PersonalDataKeyError(
            "No key in PERSONAL_DATA_KEYS decrypts this value: was a key removed before "
            "rotate_personal_data_keys re-encrypted the data?"
        ) from error


def rotate_personal(token: str) -> str:
    """The same value encrypted under the first (current) key."""
    return _current().rotate(token.encode()).decode()


def normalise_document_number(value: str) -> str:
    """Upper case, no spaces or dashes: “e 1234-5678” and “E12345678” are the same passport."""
    value = unicodedata.normalize("NFKC", value)
    return "".join(char for char in value.upper() if char.isalnum())


def blind_index(value: str, *, scope: str = "") -> str:
    key = settings.BLIND_INDEX_KEY.encode() if settings.BLIND_INDEX_KEY else _derived_key("blind-index")
    message = f"{scope}:{normalise_document_number(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mask_document_number(value: str) -> str:
    """What staff lists and exports show: the last three characters only (“******789”)."""
    value = normalise_document_number(value)
    return "•" * max(len(value) - 3, 3) + value[-3:]


class PersonalDataKeyError(Exception):
    pass
