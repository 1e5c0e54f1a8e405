"""A campaign's census list built in code: people as (name, birth date, postcode)."""

from __future__ import annotations

from datetime import date

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from votes.campaigns.models import Campaign
from votes.census.services import census_list_replace, census_required_set, person_key

JEANNE = ("MARTIN Jeanne Louise", date(1961, 3, 12), "45000")
PAUL = ("DURAND Paul", date(1990, 7, 1), "45100")


def make_census(campaign: Campaign, people=(JEANNE, PAUL), *, required: bool = True):
    keys = [
        person_key(campaign=campaign, name=name, birth_date=born, postcode=postcode)
        for name, born, postcode in people
    ]
    census = census_list_replace(campaign=campaign, keys=keys, by=make_user(roles=(ADMINISTRATOR,)))
    if required:
        census = census_required_set(campaign=campaign, required=True)
    return census
