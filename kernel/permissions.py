"""The permissions every operation needs, by name ("app_label.codename"), shared by the API views,
the admin and the role presets (access/roles.py), so that all three check the same ones.

Reading a record needs its model's view permission; changing state needs a dedicated permission,
declared on the model whose rows the operation changes.
"""

from __future__ import annotations

VIEW_BRIEF = "onboarding.view_briefrecord"
VIEW_INTAKE = "onboarding.view_intakerecord"
SUBMIT_BRIEF = "onboarding.submit_brief"

VIEW_STRATEGY = "strategy.view_strategyrecord"
APPROVE_STRATEGY = "strategy.approve_strategy"

VIEW_DRAFT = "production.view_draftrecord"
VIEW_QC_RESULT = "production.view_qcresultrecord"

VIEW_PACKAGE = "delivery.view_packagerecord"

VIEW_RUN = "orchestration.view_runrecord"
START_RUN = "orchestration.start_run"
RESUME_RUN = "orchestration.resume_run"
CANCEL_RUN = "orchestration.cancel_run"
RETRY_RUN = "orchestration.retry_run"
