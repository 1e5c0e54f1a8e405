from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from budget.glossary.terms import term_key
from budget.models import GlossaryTerm

pytestmark = pytest.mark.django_db

seed = importlib.import_module("budget.migrations.0006_glossary_terms")


def test_the_migration_seeds_the_terms_the_issue_names():
    for key in [
        "fonctionnement",
        "investissement",
        "epargne-brute",
        "capacite-de-desendettement",
        "chapitre",
        "fonction",
        "impact-induit",
    ]:
        entry = GlossaryTerm.objects.get(key=key)
        assert len(entry.definition) > 40 and entry.example, key


def test_every_seeded_term_has_a_unique_key_made_from_its_words():
    keys = [key for key, *_rest in seed.TERMS]

    assert len(keys) == len(set(keys)) >= 40
    for key, term, definition, _example in seed.TERMS:
        assert key == term_key(term), term
        assert definition.strip() == definition
    assert GlossaryTerm.objects.filter(key__in=keys).count() == len(keys)


def test_seeding_again_keeps_what_the_team_wrote():
    GlossaryTerm.objects.filter(key="chapitre").update(definition="Écrit par l'équipe.")
    count = GlossaryTerm.objects.count()

    seed.seed_terms(apps, None)

    assert GlossaryTerm.objects.count() == count
    assert GlossaryTerm.objects.get(key="chapitre").definition == "Écrit par l'équipe."
