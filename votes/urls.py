from .views import accounts, campaigns, instruction, proposals

app_name = "votes"
# Each concept keeps its own routes next to its views.
urlpatterns = accounts.urlpatterns + campaigns.urlpatterns + proposals.urlpatterns
urlpatterns += instruction.urlpatterns
