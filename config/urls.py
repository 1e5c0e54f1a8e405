from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from votes.accounts.views import account_login, login_rate_limited

urlpatterns = [
    # Before the admin's own routes: its login counts failures per address as the site's does.
    path("admin/login/", login_rate_limited(admin.site.login)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("connexion/", account_login, name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # The public API (votes/api/, docs/api.md), before the site's routes.
    path("api/v1/", include("votes.api.urls")),
    path("", include("votes.urls")),
    path("", include("simulator.urls")),
    path("", include("budget.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
