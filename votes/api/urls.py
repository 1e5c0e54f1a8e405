"""Routes of the public API, mounted at /api/v1/ by config/urls.py (namespace "api")."""

from __future__ import annotations

from django.urls import path, re_path

from votes.api import docs, views_budget, views_campaigns

app_name = "api"

urlpatterns = [
    path("openapi.json", docs.OpenAPIDocument.as_view(), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("authorities/", views_budget.AuthorityList.as_view(), name="authorities"),
    path("authorities/<slug:slug>/", views_budget.AuthorityDetail.as_view(), name="authority"),
    path("budgets/", views_budget.BudgetList.as_view(), name="budgets"),
    path("budgets/<slug:slug>/", views_budget.BudgetDetail.as_view(), name="budget"),
    path("budgets/<slug:slug>/lines/", views_budget.BudgetLineList.as_view(), name="budget_lines"),
    path("campaigns/", views_campaigns.CampaignList.as_view(), name="campaigns"),
    path("campaigns/<slug:slug>/", views_campaigns.CampaignDetail.as_view(), name="campaign"),
    path(
        "campaigns/<slug:slug>/results/",
        views_campaigns.CampaignResults.as_view(),
        name="campaign_results",
    ),
    path(
        "campaigns/<slug:slug>/proposals/<int:number>/",
        views_campaigns.ProposalDetail.as_view(),
        name="proposal",
    ),
    path("proposals/", views_campaigns.ProposalList.as_view(), name="proposals"),
    path("follow-ups/", views_campaigns.FollowUpList.as_view(), name="follow_ups"),
    # Any other address under /api/v1/ (even with a line break in it): the JSON 404.
    re_path(r"^(?P<rest>(?s:.*))$", docs.api_not_found),
]
