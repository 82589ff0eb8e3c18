"""Settings for benchmark processes (the bench itself, db_worker and gunicorn children): the project's own, plus
the no-op workflow, and API throttle rates high enough that the load generator is measured rather than refused.

Throttling stays on (every request still does its cache bookkeeping); only the limits are out of reach.
"""

from config.settings import *  # noqa: F403
from config.settings import AICMO_WORKFLOWS, REST_FRAMEWORK

AICMO_WORKFLOWS = {**AICMO_WORKFLOWS, "bench_noop": "bench.noop.NOOP_SAGA"}

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {scope: "1000000/second" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
}
