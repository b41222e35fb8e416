"""(Being written.)"""

from django.http import Http404


def inbox(request):
    raise Http404


def export_csv(request):
    raise Http404
