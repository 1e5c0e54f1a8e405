"""A counter per key in the database: the rate limits' counters when no Redis is configured.

Django's DatabaseCache counts by reading the value then writing it back (`incr`): two
simultaneous requests both read 3 and both write 4, so a limit lets a few more through. Here
one statement adds one and returns the new value (budget/counters/services.py), atomically on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    # A rate limit's key names its window ("rl:signup:ip:<hash>:<window number>"): a new
    # window is a new row, and the rows of past windows are deleted by `prune_jobs`.
    key = models.CharField(primary_key=True, max_length=200)
    count = models.IntegerField(default=0)
    expires_at = models.DateTimeField(_("expire le"), db_index=True)

    class Meta:
        verbose_name = _("compteur")
        verbose_name_plural = _("compteurs")

    def __str__(self) -> str:
        return f"{self.key} = {self.count}"
