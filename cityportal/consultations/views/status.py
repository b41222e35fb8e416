"""(Being written.)"""

from django.http import Http404


def question_status(request):
    raise Http404
