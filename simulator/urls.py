from django.urls import path

from simulator import backoffice, views

app_name = "simulator"
urlpatterns = [
    path("budgets/<slug:slug>/simulateur/", views.simulator, name="simulator"),
    path("budgets/<slug:slug>/simulateur/enregistrer/", views.scenario_save, name="save"),
    path(
        "budgets/<slug:slug>/simulateur/export.<str:fmt>",
        views.session_export,
        name="session_export",
    ),
    path("scenarios/", views.my_scenarios, name="mine"),
    path("scenarios/comparer/", views.scenario_compare, name="compare"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/renommer/", views.scenario_rename, name="rename"),
    path("partage/<uuid:token>/", views.scenario_shared, name="shared"),
    path("partage/<uuid:token>/dupliquer/", views.scenario_duplicate, name="duplicate"),
    path("partage/<uuid:token>/export.<str:fmt>", views.scenario_export, name="export"),
    path("gestion/budgets/<slug:slug>/mesures/", backoffice.catalogue, name="catalogue"),
    path(
        "gestion/budgets/<slug:slug>/mesures.xlsx",
        backoffice.catalogue_download,
        name="catalogue_download",
    ),
    path(
        "gestion/budgets/<slug:slug>/mesures/confirmer/",
        backoffice.catalogue_confirm,
        name="catalogue_confirm",
    ),
]
