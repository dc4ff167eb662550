"""The project's URLs plus a bare JSON view, the baseline of bench/directory.py: the same
handler and middleware as any page, and no work of its own."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import path

from arrimage.urls import handler400, handler403, handler404, handler500
from arrimage.urls import urlpatterns as site


@login_not_required
def bare_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench-bare/", bare_view), *site]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
