"""Pages of the API's lists: ?page=2 and ?page_size= from 1 to 200.

A page number or size that is not a whole number in its range (empty included) is refused
(400) rather than silently replaced by the first page or the default size; a page past the
last one is a 404."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _whole(value: str) -> bool:
    return value.isascii() and value.isdigit()


class Pages(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # Not "?page=last": a page is a number, as the document says.
    last_page_strings = ()

    def get_page_number(self, request, paginator) -> int:
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        if not _whole(value) or int(value) < 1:
            message = _("Numéro de page : un entier à partir de 1.")
            raise ValidationError({self.page_query_param: [message]})
        return int(value)

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not _whole(value) or not 1 <= int(value) <= MAX_PAGE_SIZE:
            message = _("Nombre d'éléments par page : un entier de 1 à %(max)s.") % {
                "max": MAX_PAGE_SIZE
            }
            raise ValidationError({self.page_size_query_param: [message]})
        return int(value)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
