"""python manage.py load_demo: the demo commune, loaded through the real importers.

It lives in the simulator because the demo includes the measure catalogue, a simulator
concept: the simulator may build on the budget app, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from budget.imports.params import simulator_params_import
from budget.imports.services import budget_import
from budget.models import Authority, Budget, Commune
from budget.templatetags.budget_tags import format_amount, money
from budget.territory import authority_territory_set

# The figures that must agree with the files (the 73111 line is base × rate) live beside the
# generator, so that regenerating the files cannot leave this command behind.
from fixtures import demo_map, make_demo, make_demo_measures
from simulator.catalogue import measure_catalogue_import

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
AUTHORITY_SLUG = "val-de-lorme"


@dataclass(frozen=True)
class DemoLoad:
    authority: Authority
    authority_created: bool
    budget: Budget
    lines: int
    lines_created: int
    lines_updated: int
    lines_deleted: int
    rules: int
    measures: int
    commune: Commune
    commune_created: bool


class DemoLoadFailed(Exception):
    def __init__(self, step: str, errors: list) -> None:
        self.step = step
        self.errors = errors
        super().__init__(step)


@transaction.atomic
def demo_load(*, fixtures_dir: Path | None = None) -> DemoLoad:
    """Import the demo budget and its parameters; running it again changes nothing."""
    fixtures_dir = fixtures_dir or FIXTURES_DIR
    csv_path = fixtures_dir / make_demo.CSV_PATH.name
    xlsx_path = fixtures_dir / make_demo.XLSX_PATH.name
    # The commune may already exist under another slug if someone imported the demo file
    # through the back office: the SIREN is what identifies it.
    authority = Authority.objects.filter(siren=make_demo.SIREN).order_by("pk").first()
    authority_created = authority is None
    if authority is None:
        taken = Authority.objects.filter(slug=AUTHORITY_SLUG).first()
        if taken is not None:
            raise DemoLoadFailed(
                _("Création de la collectivité"),
                [
                    _(
                        "l'identifiant %(slug)s est déjà pris par %(name)s (SIREN %(siren)s), "
                        "qui n'est pas la commune de démonstration."
                    )
                    % {"slug": AUTHORITY_SLUG, "name": taken.name, "siren": taken.siren or "—"}
                ],
            )
        authority = Authority.objects.create(
            name=make_demo.NAME,
            slug=AUTHORITY_SLUG,
            siren=make_demo.SIREN,
            kind=Authority.Kind.COMMUNE,
            population=make_demo.POPULATION,
        )
    report = budget_import(
        data=csv_path.read_bytes(),
        filename=csv_path.name,
        authority=authority,
        population=make_demo.POPULATION,
        debt_start=make_demo.DEBT_START,
    )
    if not report.ok:
        raise DemoLoadFailed(
            _("Import du budget (%(file)s)") % {"file": csv_path.name}, report.errors
        )
    budget = report.budget
    params = simulator_params_import(budget=budget, data=xlsx_path.read_bytes())
    if not params.ok:
        raise DemoLoadFailed(
            _("Import des paramètres du simulateur (%(file)s)") % {"file": xlsx_path.name},
            params.errors,
        )
    budget.property_tax_base = make_demo.PROPERTY_TAX_BASE
    budget.property_tax_rate = make_demo.PROPERTY_TAX_RATE
    budget.property_tax_average_bill = make_demo.PROPERTY_TAX_AVERAGE_BILL
    # The precedent of domain.md §5: a town of this size had to find 300 k€.
    budget.savings_target = make_demo.SAVINGS_TARGET
    budget.full_clean()
    budget.save(
        update_fields=[
            "property_tax_base",
            "property_tax_rate",
            "property_tax_average_bill",
            "savings_target",
        ]
    )
    measures_path = fixtures_dir / make_demo_measures.XLSX_PATH.name
    catalogue = measure_catalogue_import(budget=budget, data=measures_path.read_bytes())
    if not catalogue.ok:
        raise DemoLoadFailed(
            _("Import du catalogue de mesures (%(file)s)") % {"file": measures_path.name},
            catalogue.errors,
        )
    # The outline and neighbourhoods every map of the demo draws, offline too (issue 15).
    territory = authority_territory_set(
        authority=authority,
        data=demo_map.TERRITORY_PATH.read_bytes(),
        name_property=demo_map.NAME_PROPERTY,
    )
    if not territory.ok:
        raise DemoLoadFailed(
            _("Territoire (%(file)s)") % {"file": demo_map.TERRITORY_PATH.name},
            territory.errors,
        )
    commune, commune_created = Commune.objects.get_or_create(
        authority=authority,
        insee_code=make_demo.INSEE_CODE,
        defaults={"name": make_demo.NAME, "postal_codes": make_demo.POSTAL_CODE},
    )
    return DemoLoad(
        authority=authority,
        authority_created=authority_created,
        budget=budget,
        lines=budget.lines.count(),
        lines_created=report.created,
        lines_updated=report.updated,
        lines_deleted=report.deleted,
        rules=budget.impact_rules.count(),
        measures=budget.measures.count(),
        commune=commune,
        commune_created=commune_created,
    )


class Command(BaseCommand):
    help = (
        "Charge la commune de démonstration (Val-de-Lorme, budget primitif 2026) par les "
        "importeurs de l'application, puis crée les comptes de démonstration si DEBUG est "
        "activé. Peut être relancée : elle ne crée rien de nouveau."
    )

    def handle(self, *args, **options) -> None:
        try:
            loaded = demo_load()
        except DemoLoadFailed as exc:
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(
                _("%(step)s : %(count)s problème(s), rien n'a été chargé.")
                % {"step": exc.step, "count": len(exc.errors)}
            ) from exc
        budget = loaded.budget
        created = _("créée") if loaded.authority_created else _("déjà présente")
        self.stdout.write(
            _("Collectivité : %(name)s (SIREN %(siren)s, %(population)s habitants), %(state)s.")
            % {
                "name": loaded.authority.name,
                "siren": loaded.authority.siren,
                "population": format_amount(loaded.authority.population),
                "state": created,
            }
        )
        self.stdout.write(
            _(
                "Budget : %(budget)s, %(lines)s lignes (%(created)s créées, %(updated)s déjà "
                "présentes et mises à jour au besoin, %(deleted)s supprimées)."
            )
            % {
                "budget": budget,
                "lines": loaded.lines,
                "created": loaded.lines_created,
                "updated": loaded.lines_updated,
                "deleted": loaded.lines_deleted,
            }
        )
        self.stdout.write(
            _("Paramètres du simulateur : %(rules)s impacts induits.") % {"rules": loaded.rules}
        )
        self.stdout.write(
            _("Catalogue du simulateur : %(count)s mesures.") % {"count": loaded.measures}
        )
        self.stdout.write(
            _(
                "Encours de dette au 1er janvier : %(debt)s ; taxe foncière : base %(base)s, "
                "taux %(rate)s %% ; objectif d'économies proposé : %(target)s."
            )
            % {
                "debt": money(budget.debt_start, 2),
                "base": money(budget.property_tax_base),
                "rate": format_amount(budget.property_tax_rate, 1),
                "target": money(budget.savings_target),
            }
        )
        self.stdout.write(
            _("Territoire : commune de %(name)s (INSEE %(insee)s, %(postal)s), %(state)s.")
            % {
                "name": loaded.commune.name,
                "insee": loaded.commune.insee_code,
                "postal": loaded.commune.postal_codes,
                "state": _("créée") if loaded.commune_created else _("déjà présente"),
            }
        )
        if settings.DEBUG:
            call_command("createdemousers", stdout=self.stdout, stderr=self.stderr)
        else:
            self.stdout.write(
                _(
                    "Comptes de démonstration non créés : DEBUG est désactivé "
                    "(DEBUG=1 python manage.py createdemousers)."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Démonstration prête : %(url)s") % {"url": budget.get_absolute_url()}
            )
        )
