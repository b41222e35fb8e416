"""Admin registrations of the core app. Each concern keeps its admin code in its own module."""
