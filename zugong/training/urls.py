from .views import classes, courses, home, ledger, requirements, signin

app_name = "training"
urlpatterns = [*home.urlpatterns, *ledger.urlpatterns, *requirements.urlpatterns, *classes.urlpatterns,
               *signin.urlpatterns, *courses.urlpatterns]
