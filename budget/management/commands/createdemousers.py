"""Demo accounts, one per role, for trying the product locally (DEBUG only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from budget import roles

# (username, role or None for a plain voter, label shown to the person trying the demo)
DEMO_ACCOUNTS: list[tuple[str, str | None, str]] = [
    ("admin-demo", roles.ADMINISTRATOR, "administrateur (mission participation)"),
    ("animateur-demo", roles.FACILITATOR, "animateur d'ateliers"),
    ("instructeur-demo", roles.INSTRUCTOR, "service instructeur"),
    ("finance-demo", roles.FINANCE, "direction des finances"),
    ("moderateur-demo", roles.MODERATOR, "modérateur"),
    ("assesseur-demo", roles.OFFICER, "assesseur (bureau de vote)"),
    ("conseil-demo", roles.COUNCIL, "conseil (élus, secrétariat) : saisit et publie les avis"),
    ("votant-demo", None, "votant"),
    ("garant-demo", None, "garant de la campagne de démonstration (sans rôle d'équipe)"),
]
# Unambiguous characters: the passwords are read off a terminal and typed by hand.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 16


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role_label: str
    created: bool
    # Only set when the password was just chosen: it is shown once and never stored in clear.
    password: str | None


class DemoUsersRefused(Exception):
    pass


@transaction.atomic
def demo_users_create(*, reset_passwords: bool = False) -> list[DemoAccount]:
    """Create the missing demo accounts; existing ones keep their password unless reset."""
    if not settings.DEBUG:
        raise DemoUsersRefused(
            _(
                "Les comptes de démonstration ne sont créés qu'en mode développement (DEBUG "
                "activé) : leurs mots de passe sont affichés à l'écran. Relancez avec "
                "DEBUG=1 python manage.py createdemousers."
            )
        )
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
    missing = [role for _u, role, _l in DEMO_ACCOUNTS if role and role not in groups]
    if missing:
        raise DemoUsersRefused(
            _("Rôles absents de la base : %(roles)s. Lancez d'abord python manage.py migrate.")
            % {"roles": ", ".join(missing)}
        )
    accounts = []
    for username, role, label in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.org",
                "is_staff": role == roles.ADMINISTRATOR,
                "is_superuser": role == roles.ADMINISTRATOR,
            },
        )
        password = None
        if created or reset_passwords:
            password = get_random_string(PASSWORD_LENGTH, PASSWORD_ALPHABET)
            user.set_password(password)
            user.save(update_fields=["password"])
        if role:
            user.groups.add(groups[role])
        accounts.append(DemoAccount(username, label, created, password))
    return accounts


class Command(BaseCommand):
    help = (
        "Crée un compte de démonstration par rôle (et un votant) et affiche leurs mots de "
        "passe une seule fois. Refuse de fonctionner si DEBUG est désactivé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="génère et affiche de nouveaux mots de passe pour les comptes existants",
        )

    def handle(self, *args, **options) -> None:
        try:
            accounts = demo_users_create(reset_passwords=options["reset_passwords"])
        except DemoUsersRefused as exc:
            raise CommandError(str(exc)) from exc
        shown = [account for account in accounts if account.password]
        if shown:
            self.stdout.write(
                _(
                    "Comptes de démonstration (notez les mots de passe : ils ne seront plus "
                    "affichés) :"
                )
            )
            for account in shown:
                state = _("créé") if account.created else _("nouveau mot de passe")
                self.stdout.write(
                    f"  {account.username:<18} {account.password}  {account.role_label} — {state}"
                )
        kept = [account for account in accounts if not account.password]
        if kept:
            self.stdout.write(
                _(
                    "Déjà présents, laissés tels quels (mot de passe inchangé ; "
                    "--reset-passwords pour en générer de nouveaux) : %(names)s"
                )
                % {"names": ", ".join(account.username for account in kept)}
            )
