"""The embedded one-machine default used by `make run`: SQLite, local-memory cache, email to files."""

from .base import *  # noqa: F403
from .base import env

# Off by default so `make run` shows what visitors see (the portal's own localised 404 and 500
# pages); DEBUG=true gives Django's debug pages while developing.
DEBUG = env.bool("DEBUG", default=False)
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
WHITENOISE_AUTOREFRESH = True  # edited CSS and JS are served without a restart
