"""(Being written.)"""

from django.http import Http404


def response_times(request):
    raise Http404
