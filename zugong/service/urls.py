from .views import community, home, league, satisfaction, tasks

app_name = "service"
urlpatterns = [*home.urlpatterns, *tasks.urlpatterns, *satisfaction.urlpatterns, *community.urlpatterns,
               *league.urlpatterns]
