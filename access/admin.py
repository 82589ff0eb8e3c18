"""Users get an action that issues API tokens (shown once, on the page it answers); tokens are listed
by their public key only, and deleting one revokes it. Nobody creates a token without expiry here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from knox.models import AuthToken

from access.tokens import token_issue

ISSUE_TOKEN_PERMISSION = "knox.add_authtoken"

User = get_user_model()

admin.site.unregister(User)
admin.site.unregister(AuthToken)


@admin.register(User)
class AccessUserAdmin(UserAdmin):
    actions = ("issue_api_token",)

    def has_issue_token_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ISSUE_TOKEN_PERMISSION)

    @admin.action(description="Issue an API token for the selected users", permissions=["issue_token"])
    def issue_api_token(self, request: HttpRequest, queryset):
        # Rendered straight into this response: the tokens never pass through messages, cookies or logs.
        issued = [token_issue(user=user) for user in queryset.filter(is_active=True).order_by(User.USERNAME_FIELD)]
        skipped = queryset.filter(is_active=False).count()
        context = {
            **self.admin_site.each_context(request),
            "title": "API tokens issued",
            "issued": issued,
            "skipped": skipped,
            "opts": self.model._meta,
        }
        # admin_view marks every admin page never_cache (no-store): browsers keep no copy.
        return TemplateResponse(request, "admin/access/tokens_issued.html", context)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("token_key", "user", "created", "expiry")
    list_filter = ("created", "expiry")
    search_fields = ("token_key", f"user__{User.USERNAME_FIELD}")
    fields = ("token_key", "user", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued from the users list, where the token can be shown once

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
