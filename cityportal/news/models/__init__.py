from .alerts import AlertDelivery, AlertSubscription
from .articles import NewsArticle, NewsIndexPage
from .notices import Notice
from .policies import PolicyDocument, PolicyIndexPage, PolicyStatus, policy_status
from .topics import Topic

__all__ = [
    "AlertDelivery",
    "AlertSubscription",
    "NewsArticle",
    "NewsIndexPage",
    "Notice",
    "PolicyDocument",
    "PolicyIndexPage",
    "PolicyStatus",
    "Topic",
    "policy_status",
]
