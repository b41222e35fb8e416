"""(Being written.)"""

from django.http import Http404


def vote(request, entry_id):
    raise Http404
