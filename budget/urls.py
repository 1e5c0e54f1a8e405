from django.urls import path

from budget.accessibility import views as accessibility_views
from budget.explorer import views
from budget.glossary import views as glossary_views
from budget.imports import views as backoffice
from budget.imports import views_territory as territory
from budget.jobs import views as job_views

app_name = "budget"
# Public explorer pages.
urlpatterns = [
    path("", views.home, name="home"),
    path("budgets/<slug:slug>/", views.overview, name="overview"),
    path("budgets/<slug:slug>/lignes/", views.lines, name="lines"),
    path("budgets/<slug:slug>/lignes/<str:code>/", views.line_detail, name="line"),
]
# Back-office pages live in budget/backoffice.py.
urlpatterns += backoffice.urlpatterns
# The territory of an authority on the maps (issue 15): its GeoJSON, uploaded and served.
urlpatterns += territory.urlpatterns
# The glossary: public page and team editing (issue 7).
urlpatterns += glossary_views.urlpatterns
# Background jobs: the page of each job (issue 13).
urlpatterns += job_views.urlpatterns
# The accessibility statement (issue 16 §4), linked from every page's footer.
urlpatterns += accessibility_views.urlpatterns
