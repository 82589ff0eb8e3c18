"""Screens for delivery packages: what was handed over, its files, and a download of the zip.

Packages are built and handed over by delivery's services inside a run, so the admin only shows
them (read-only) and streams the zip through `package_open_zip`.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from config import registry
from delivery import services
from delivery.domain import PackageStatus
from delivery.models import ArtifactRecord, PackageRecord
from kernel.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline, admin_link, badge_for, short_id
from kernel.errors import NotFound

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
