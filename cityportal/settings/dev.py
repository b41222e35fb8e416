"""The embedded one-machine default used by `make run`: SQLite, local-memory cache, email to files."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
