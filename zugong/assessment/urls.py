from .views import ballots, home, individual, sanctions, schemes

app_name = "assessment"
urlpatterns = [*home.urlpatterns, *schemes.urlpatterns, *individual.urlpatterns, *sanctions.urlpatterns,
               *ballots.urlpatterns]
