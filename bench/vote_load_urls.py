"""The benchmark's URLs: the application's, and `/_banc/nu/`, a bare Django view running one
ORM query (the baseline of the closed loop: same server, same middleware, same run)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from votes.campaigns.models import Campaign


class QueryCountMiddleware:
    """`X-Bench-Queries`: how many SQL statements the request ran (savepoints included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response


def bare(request: HttpRequest) -> HttpResponse:
    phase = Campaign.objects.filter(slug=request.GET.get("c", "")).values_list("phase").first()
    return HttpResponse(f"ok {phase}", content_type="text/plain")


urlpatterns = [path("_banc/nu/", bare), path("", include("config.urls"))]
