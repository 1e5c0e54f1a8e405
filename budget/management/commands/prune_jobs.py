"""`manage.py prune_jobs [--min-age-days 30] [--dry-run]`: delete old finished job records.

The job pages and their result files (council file, open data, codes cards) are kept
`--min-age-days` days. The task framework's own rows are pruned by django-tasks-db's
`prune_db_task_results`. Both are scheduled every night (docs/operations.md). The rate-limit
counters of windows already over (budget/counters/, used without Redis) go at the same time.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget.counters.services import counters_prune
from budget.jobs.services import jobs_prune


class Command(BaseCommand):
    help = gettext_lazy("Supprime les tâches de fond terminées depuis plus de N jours.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-age-days", type=int, default=30)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, min_age_days: int, dry_run: bool, verbosity: int, **options) -> None:
        if min_age_days < 0:
            raise CommandError(_("--min-age-days doit être positif ou nul."))
        before = timezone.now() - dt.timedelta(days=min_age_days)
        count = jobs_prune(before=before, dry_run=dry_run)
        # A counter is useless once its window is over, whatever --min-age-days says.
        counters = counters_prune(before=timezone.now(), dry_run=dry_run)
        if verbosity:
            message = (
                _("%(count)d tâche(s) à supprimer (rien n'a été supprimé).")
                if dry_run
                else _("%(count)d tâche(s) supprimée(s).")
            )
            self.stdout.write(message % {"count": count})
        if verbosity and counters:
            counted = (
                _("%(count)d compteur(s) de limite expiré(s) à supprimer.")
                if dry_run
                else _("%(count)d compteur(s) de limite expiré(s) supprimé(s).")
            )
            self.stdout.write(counted % {"count": counters})
