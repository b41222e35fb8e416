"""How the procedures templates cache their fragments (ADR 006), and why previews never are."""

FRAGMENT_SECONDS = 600


def fragment_context(request) -> dict:
    """`{% cache fragment_timeout name … fragment_scope %}`: a preview shows unpublished content, so it
    is keyed apart from live pages and stored for no time at all."""
    if getattr(request, "is_preview", False):
        return {"fragment_timeout": 0, "fragment_scope": "preview"}
    return {"fragment_timeout": FRAGMENT_SECONDS, "fragment_scope": "live"}
