import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = re.compile(r"[0-9]{1,4}")


class ApiPagination(PageNumberPagination):
    """Page numbers; a page size that is not a whole number in range is refused, not silently replaced."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "页码无效。"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not PAGE_SIZE.fullmatch(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({"page_size": [f"每页条数须为 1–{self.max_page_size} 的整数。"]})
        return int(raw)
