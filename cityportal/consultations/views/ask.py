"""(Being written.)"""

from django.http import Http404


def ask_question(request):
    raise Http404
