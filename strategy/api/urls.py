"""Strategy routes under /api/v1/."""

from django.urls import path

from strategy.api import views

urlpatterns = [
    path("strategies/", views.StrategyListApi.as_view(), name="strategy-list"),
    path("strategies/<uuid:strategy_id>/", views.StrategyDetailApi.as_view(), name="strategy-detail"),
    path("strategies/<uuid:strategy_id>/approve/", views.StrategyApproveApi.as_view(), name="strategy-approve"),
    path("strategies/<uuid:strategy_id>/reject/", views.StrategyRejectApi.as_view(), name="strategy-reject"),
]
