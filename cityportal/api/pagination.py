"""The one pagination convention of the API: page numbers.

    GET /api/v1/…/?page=2&page_size=20
    {"count": 45, "next": "…?page=3&page_size=20", "previous": "…?page=1&page_size=20", "results": […]}

`page` starts at 1; `page_size` defaults to 20 and may not exceed 100 (a larger value is a 400, not
silently clamped). A page past the last one is a 404 `page_not_found`; page 1 of an empty list is an
empty `results`. `next` and `previous` are absolute URLs keeping every other parameter, null at the ends.
"""

import math
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from .errors import ApiError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page, at most {MAX_PAGE_SIZE}.",
    )


class PageNumberPagination(PaginationBase):
    Input = PageParams

    class Output(Schema):
        count: int = Field(description="Number of items in all pages.")
        next: str | None = Field(description="URL of the next page, null on the last.")
        previous: str | None = Field(description="URL of the previous page, null on the first.")
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: PageParams, request, **params) -> dict:
        count = self._items_count(queryset)
        pages = max(1, math.ceil(count / pagination.page_size))
        if pagination.page > pages:
            message = _("That page contains no results")
            raise ApiError(404, "page_not_found", message, fields={"page": [message]})
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "count": count,
            "next": page_url(request, pagination.page + 1) if pagination.page < pages else None,
            "previous": page_url(request, pagination.page - 1) if pagination.page > 1 else None,
            "results": queryset[offset : offset + pagination.page_size],
        }


def page_url(request, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
