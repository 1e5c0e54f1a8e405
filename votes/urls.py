from votes.accounts import views as accounts
from votes.agenda import views as agenda
from votes.agenda import views_team as agenda_team
from votes.campaigns import views as campaigns
from votes.census import views as census
from votes.council import views as council
from votes.council import views_answers as answers
from votes.council import views_report as report
from votes.debate import views as debate
from votes.evaluation import views as evaluation
from votes.evaluation import views_indicators as evaluation_indicators
from votes.guarantor import views as guarantor
from votes.instruction import views as instruction
from votes.metropolis import views as metropolis
from votes.notifications import views as notifications
from votes.opendata import views as opendata
from votes.panels import views as panels
from votes.proposals import urls as proposals
from votes.results import views as results
from votes.statistics import views as statistics
from votes.training import views as training
from votes.voting import views_ballots as ballots
from votes.voting import views_codes as codes
from votes.workshops import views as workshops
from votes.workshops import views_compare as workshop_compare
from votes.workshops import views_transfer as workshop_transfer

app_name = "votes"
# Each concept keeps its own routes next to its views.
urlpatterns = accounts.urlpatterns + campaigns.urlpatterns + proposals.urlpatterns
urlpatterns += instruction.urlpatterns + ballots.urlpatterns + codes.urlpatterns
urlpatterns += results.urlpatterns + council.urlpatterns + report.urlpatterns
urlpatterns += answers.urlpatterns + statistics.urlpatterns + opendata.urlpatterns
urlpatterns += panels.urlpatterns + training.urlpatterns + guarantor.urlpatterns
# The transfer's fixed routes first: « importer » is no workshop number, but keep it clear.
urlpatterns += workshop_transfer.urlpatterns
urlpatterns += workshops.urlpatterns + workshop_compare.urlpatterns
urlpatterns += agenda.urlpatterns + agenda_team.urlpatterns
urlpatterns += debate.urlpatterns + notifications.urlpatterns
urlpatterns += evaluation.urlpatterns + evaluation_indicators.urlpatterns
urlpatterns += metropolis.urlpatterns
urlpatterns += census.urlpatterns
