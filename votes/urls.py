from .views import accounts, ballots, campaigns, codes, instruction, proposals, results

app_name = "votes"
# Each concept keeps its own routes next to its views.
urlpatterns = accounts.urlpatterns + campaigns.urlpatterns + proposals.urlpatterns
urlpatterns += instruction.urlpatterns + ballots.urlpatterns + codes.urlpatterns
urlpatterns += results.urlpatterns
