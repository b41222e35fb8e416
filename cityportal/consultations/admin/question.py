"""(Being written.)"""

from django.http import Http404


def _todo(request, pk):
    raise Http404


detail = assign = note = reply = close = translate = publish = download_attachment = _todo
