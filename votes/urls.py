from .views import (
    accounts,
    answers,
    ballots,
    campaigns,
    codes,
    council,
    instruction,
    opendata,
    proposals,
    report,
    results,
    statistics,
)

app_name = "votes"
# Each concept keeps its own routes next to its views.
urlpatterns = accounts.urlpatterns + campaigns.urlpatterns + proposals.urlpatterns
urlpatterns += instruction.urlpatterns + ballots.urlpatterns + codes.urlpatterns
urlpatterns += results.urlpatterns + council.urlpatterns + report.urlpatterns
urlpatterns += answers.urlpatterns + statistics.urlpatterns + opendata.urlpatterns
