"""Screens for delivery packages: what was handed over, its files, and a download of the zip; and the
webhook endpoints with their signing secrets.

Packages are built and handed over by delivery's services inside a run, so the admin only shows
them (read-only) and streams the zip through `package_open_zip`. A webhook endpoint's secret is
shown once (to hand to the client) and can be rotated; both need `delivery.manage_webhook_secrets`.
"""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from config import registry
from delivery import services
from delivery.domain import PackageStatus
from delivery.models import ArtifactRecord, PackageRecord, WebhookEndpointRecord
from kernel.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline, admin_link, badge_for, short_id
from kernel.errors import AppError, NotFound

MANAGE_SECRETS_PERMISSION = "delivery.manage_webhook_secrets"

STATUS_TONES = {PackageStatus.BUILT: "info", PackageStatus.DELIVERED: "ok"}


class ArtifactInline(ReadOnlyTabularInline):
    model = ArtifactRecord
    fields = ("order", "name", "media_type", "size_label", "sha256_short")
    readonly_fields = fields
    ordering = ("order", "name")

    @admin.display(description="size")
    def size_label(self, obj: ArtifactRecord) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="sha256")
    def sha256_short(self, obj: ArtifactRecord) -> SafeString:
        return format_html('<span class="aicmo-mono" title="{}">{}…</span>', obj.sha256, obj.sha256[:12])


@admin.register(PackageRecord)
class PackageRecordAdmin(ReadOnlyModelAdmin):
    """A package is removed by its run's compensation, files and rows together, never here."""

    inlines = (ArtifactInline,)
    list_display = (
        "package_title",
        "status_badge",
        "run_link",
        "brief_link",
        "size_label",
        "created_at",
        "delivered_at",
        "webhook_status",
        "download_link",
    )
    list_filter = ("status", "created_at", "delivered_at")
    search_fields = ("=id", "=run_id", "=brief_id", "=strategy_id", "notified_email", "webhook_url", "zip_sha256")
    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "status_badge",
                    "download_link",
                    "size_label",
                    "zip_sha256",
                    "run_link",
                    "brief_link",
                    "strategy_link",
                )
            },
        ),
        ("Handover", {"fields": ("delivered_at", "notified_email", "webhook_url", "webhook_status")}),
        ("Record", {"fields": ("id", "zip_path", "created_at"), "classes": ("collapse",)}),
    )
    readonly_fields = flatten_fieldsets(fieldsets)

    @admin.display(description="package", ordering="created_at")
    def package_title(self, obj: PackageRecord) -> str:
        return short_id(obj.id)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: PackageRecord) -> SafeString:
        return badge_for(obj.status, STATUS_TONES)

    @admin.display(description="size", ordering="zip_size")
    def size_label(self, obj: PackageRecord) -> str:
        return filesizeformat(obj.zip_size)

    @admin.display(description="run")
    def run_link(self, obj: PackageRecord) -> SafeString | str:
        return admin_link("admin:orchestration_runrecord_change", obj.run_id)

    @admin.display(description="brief")
    def brief_link(self, obj: PackageRecord) -> SafeString | str:
        return admin_link("admin:onboarding_briefrecord_change", obj.brief_id)

    @admin.display(description="strategy")
    def strategy_link(self, obj: PackageRecord) -> SafeString | str:
        return admin_link("admin:strategy_strategyrecord_change", obj.strategy_id, str(obj.strategy_id))

    @admin.display(description="zip")
    def download_link(self, obj: PackageRecord) -> SafeString:
        url = reverse("admin:delivery_packagerecord_download", args=[obj.id])
        return format_html('<a href="{}" download>⬇ download</a>', url)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="delivery_packagerecord_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, object_id: str) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            package_id = UUID(object_id)
            stream = services.package_open_zip(package_id=package_id, packages=registry.repository("delivery.packages"))
        except (ValueError, NotFound):
            raise Http404("This package, or its zip, does not exist.") from None
        return FileResponse(
            stream, as_attachment=True, filename=f"aicmo-package-{package_id}.zip", content_type="application/zip"
        )


def _endpoints():
    return registry.repository("delivery.webhook_endpoints")


class EndpointForm(forms.Form):
    url = forms.URLField(max_length=2000, assume_scheme="https", label="Webhook URL")


@admin.register(WebhookEndpointRecord)
class WebhookEndpointAdmin(ReadOnlyModelAdmin):
    """Endpoints appear when a brief's webhook is first used, or when an operator registers one here
    (to give the client its secret before the first delivery)."""

    list_display = ("url", "created_at", "secret_created_at", "secret_shown")
    search_fields = ("url",)
    fields = ("url", "created_at", "secret_created_at", "secret_revealed_at")
    readonly_fields = fields
    actions = ("reveal_secret", "rotate_secret")

    def has_manage_secrets_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_SECRETS_PERMISSION)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_manage_secrets_permission(request)

    @admin.display(description="secret shown", boolean=True)
    def secret_shown(self, obj: WebhookEndpointRecord) -> bool:
        return obj.secret_revealed_at is not None

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = EndpointForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            endpoint = services.webhook_endpoint_for_url(url=form.cleaned_data["url"], endpoints=_endpoints())
            page = self._secrets_page(request, [endpoint.id], services.webhook_secret_reveal)
            return page or HttpResponseRedirect(reverse("admin:delivery_webhookendpointrecord_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Register a webhook endpoint",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/delivery/webhookendpoint/add.html", context)

    @admin.action(description="Show the signing secret (once)", permissions=["manage_secrets"])
    def reveal_secret(self, request: HttpRequest, queryset) -> HttpResponse | None:
        return self._secrets_page(request, list(queryset.values_list("id", flat=True)), services.webhook_secret_reveal)

    @admin.action(description="Rotate the signing secret (shows the new one)", permissions=["manage_secrets"])
    def rotate_secret(self, request: HttpRequest, queryset) -> HttpResponse | None:
        return self._secrets_page(request, list(queryset.values_list("id", flat=True)), services.webhook_secret_rotate)

    def _secrets_page(self, request: HttpRequest, ids, operation) -> HttpResponse | None:
        shown = []
        for endpoint_id in ids:
            endpoint = services.webhook_endpoint_get(endpoint_id=endpoint_id, endpoints=_endpoints())
            try:
                secret = operation(endpoint_id=endpoint_id, endpoints=_endpoints())
            except AppError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                shown.append({"url": endpoint.url, "secret": secret})
        if not shown:
            return None
        # The secrets are written into this response only: never into messages, cookies or logs.
        context = {**self.admin_site.each_context(request), "title": "Webhook signing secrets", "shown": shown}
        context["opts"] = self.model._meta
        # admin_view marks every admin page never_cache (no-store): browsers keep no copy.
        return TemplateResponse(request, "admin/delivery/webhookendpoint/secrets.html", context)
