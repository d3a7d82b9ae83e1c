from .views import applications, home, pool, programmes, review

app_name = "talent"
urlpatterns = [*home.urlpatterns, *programmes.urlpatterns, *applications.urlpatterns, *review.urlpatterns,
               *pool.urlpatterns]
