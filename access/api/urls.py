"""Access routes under /api/v1/."""

from django.urls import path

from access.api import views

urlpatterns = [
    path("auth/token/", views.TokenCreateApi.as_view(), name="auth-token"),
]
