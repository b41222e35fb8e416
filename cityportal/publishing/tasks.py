"""Background tasks of the publishing app, run by the database worker (see core.taskqueue)."""

from django.tasks import task


@task()
def notify_search_engines(
    urls: list[str], *, removed: bool = False, notifiers: list[str], attempt: int = 1
) -> str:
    """Tell each named search engine notifier about one publish's addresses (search_engines.py)."""
    from .search_engines import deliver

    outcomes = deliver(urls, removed=removed, notifiers=notifiers, attempt=attempt)
    return "; ".join(
        f"{name}: {'delivered' if outcome.delivered else 'not delivered'} ({outcome.detail})"
        for name, outcome in outcomes.items()
    )
