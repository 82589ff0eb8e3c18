"""Group presets for the roles an agency has. Each group holds the permissions its role needs, by name;
assign people to groups in the admin (Users -> a user -> Groups).

The lists are frozen here, as migrations must be: a later change of a role is a new migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Reading everything the product makes.
VIEW = [
    "onboarding.view_briefrecord",
    "onboarding.view_intakerecord",
    "strategy.view_strategyrecord",
    "production.view_draftrecord",
    "production.view_qcresultrecord",
    "production.view_qcissuerecord",
    "delivery.view_packagerecord",
    "delivery.view_artifactrecord",
    "orchestration.view_runrecord",
]

ROLES = {
    # Reads everything, changes nothing (a client-side stakeholder, finance, a new hire).
    "Viewer": VIEW,
    # Decides on strategies: approve or reject with notes.
    "Reviewer": [*VIEW, "strategy.approve_strategy"],
    # Shapes the work: starts runs for briefs, resumes them (a new version after a rejection).
    "Strategist": [*VIEW, "orchestration.start_run", "orchestration.resume_run"],
    # Owns the client: submits briefs, runs the work end to end, hands webhook secrets to the client.
    "Account manager": [
        *VIEW,
        "onboarding.submit_brief",
        "orchestration.start_run",
        "orchestration.resume_run",
        "orchestration.cancel_run",
        "orchestration.retry_run",
        "delivery.view_webhookendpointrecord",
        "delivery.manage_webhook_secrets",
    ],
}


def create_role_groups(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate); make them now to point at them.
    for app_label in {name.split(".")[0] for names in ROLES.values() for name in names}:
        config = apps.get_app_config(app_label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("onboarding", "0002_submit_brief_permission"),
        ("strategy", "0003_pillars_and_calendar"),
        ("production", "0002_pillars_and_calendar"),
        ("delivery", "0002_webhook_endpoints"),
        ("orchestration", "0003_run_permissions_and_per_user_idempotency_keys"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
