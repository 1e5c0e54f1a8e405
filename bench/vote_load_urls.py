"""The benchmark's URLs: the application's, `/_banc/nu/`, a bare Django view running one ORM
query (the issue's baseline of the closed loop: same server, same middleware, same run), and
`/_banc/ecriture/`, the least a vote can be: a signed-in POST (session, account, CSRF) writing
one row in a transaction (the floor any ballot addition stands on)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

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


@require_POST
def bare_write(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponse("anonyme", status=403, content_type="text/plain")
    # A real row write and commit (a new row version, its WAL record, the fsync), changing
    # nothing anyone can see.
    with transaction.atomic():
        get_user_model().objects.filter(pk=request.user.pk).update(last_login=F("last_login"))
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("_banc/nu/", bare),
    path("_banc/ecriture/", bare_write),
    path("", include("config.urls")),
]
