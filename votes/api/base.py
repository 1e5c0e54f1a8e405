"""What every API view shares: read-only, and the rate limit's refusal in words."""

from __future__ import annotations

import math

from rest_framework import exceptions, generics

from votes.ratelimits import refusal_text


# Mixed into each view: the 429 says, as the site's pages do, when to come back. (A comment,
# not a docstring: drf-spectacular would print a docstring as each operation's description.)
class Public:
    def throttled(self, request, wait):
        wait = max(1, math.ceil(wait or 1))
        raise exceptions.Throttled(wait=wait, detail=refusal_text(math.ceil(wait / 60)))


class PublicList(Public, generics.ListAPIView):
    pass


class PublicDetail(Public, generics.RetrieveAPIView):
    pass
