from django.urls import path

from . import views

app_name = "budget"
urlpatterns = [
    path("", views.home, name="home"),
    path("budgets/<slug:slug>/", views.overview, name="overview"),
    path("budgets/<slug:slug>/lignes/<str:code>/", views.line_detail, name="line"),
]
