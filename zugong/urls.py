from django.urls import include, path

from zugong.accounts.urls import auth_patterns
from zugong.people import views as people_views
from zugong.workbench import views as workbench_views

urlpatterns = [
    path("", workbench_views.home, name="home"),
    path("search/", workbench_views.search, name="search"),
    path("", include("zugong.workbench.urls")),
    path("accounts/", include(auth_patterns)),
    path("accounts/", include("zugong.accounts.urls")),
    path("orgs/", include("zugong.orgs.urls")),
    path("people/", include("zugong.people.urls")),
    path("members/", include("zugong.members.urls")),
    path("recruitment/", include("zugong.recruitment.urls")),
    path("cadres/", include("zugong.cadres.urls")),
    path("adform/", include("zugong.adform.urls")),
    path("branchlife/", include("zugong.branchlife.urls")),
    path("elections/", include("zugong.elections.urls")),
    path("dashboards/", include("zugong.dashboards.urls")),
    path("standardization/", include("zugong.standardization.urls")),
    path("weakorgs/", include("zugong.weakorgs.urls")),
    path("appointments/", include("zugong.appointments.urls")),
    path("dispatch/", include("zugong.dispatch.urls")),
    path("assessment/", include("zugong.assessment.urls")),
    path("training/", include("zugong.training.urls")),
    path("service/", include("zugong.service.urls")),
    path("talent/", include("zugong.talent.urls")),
    path("stats/", include("zugong.stats.urls")),
    path("teams/", include("zugong.teams.urls")),
    path("core/", include("zugong.core.urls")),
    path("notifications/", include("zugong.notifications.urls")),
    path("api/", include("zugong.api_urls")),
    path("media/<path:path>", people_views.media, name="media"),
]
