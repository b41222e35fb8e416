"""References given to visitors (bookings, questions): 50 random bits, easy to read aloud and type.

Crockford's base-32 alphabet leaves out I, L, O and U, so “0/O” and “1/I/L” cannot be confused;
ten characters in two groups (“K7QM3-XHD9P”) carry 50 bits, well above the 40 bits that make a
reference unguessable together with the email it must be given with.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_reference() -> str:
    characters = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{characters[:5]}-{characters[5:]}"


def normalise_reference(text: str) -> str:
    """What a visitor typed, as stored: upper case, read-alike letters mapped, one hyphen in the middle."""
    characters = "".join(char for char in text.upper().translate(CONFUSABLE) if char in ALPHABET)
    if len(characters) != LENGTH:
        return ""
    return f"{characters[:5]}-{characters[5:]}"
