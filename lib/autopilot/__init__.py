"""Autopilot: per-rule schedules and the unattended run (sync, listening history, enrichment, pushes)."""

from lib.autopilot.install import command, installation
from lib.autopilot.lock import AutopilotBusy, instance_lock
from lib.autopilot.runner import EXIT_BUSY, EXIT_FAILED, EXIT_OK, EXIT_PAUSED, RunReport, run_once
from lib.autopilot.schedule import KINDS, LISTENING_TASK, MODES, WEEKDAYS, Schedule, rule_task
from lib.autopilot.tasks import (
    ENRICH_SETTING,
    TaskState,
    last_check,
    paused_until,
    set_schedule,
    task_states,
)

__all__ = [
    "ENRICH_SETTING", "EXIT_BUSY", "EXIT_FAILED", "EXIT_OK", "EXIT_PAUSED", "KINDS", "LISTENING_TASK", "MODES",
    "WEEKDAYS", "AutopilotBusy", "RunReport", "Schedule", "TaskState", "command", "installation", "instance_lock",
    "last_check", "paused_until", "rule_task", "run_once", "set_schedule", "task_states",
]
