from django.http import Http404


class NotFound(Http404):
    """Missing and forbidden look the same, so that existence does not leak."""
