"""The monthly schedule: a cron expression in a time zone, and the period a scheduled run reviews.

The run of 06:00 on 1 December in Shanghai reviews November, whatever the server's clock zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from pipeline.config.policy import read_policy
from pipeline.errors import ConfigError
from pipeline.periods import Period

DEFAULT_CRON = "0 6 1 * *"  # 06:00 on the 1st of every month
DEFAULT_TIMEZONE = "Asia/Shanghai"
PREVIOUS_MONTH = "previous-month"  # the `period` parameter of scheduled runs


@dataclass(frozen=True)
class Schedule:
    cron: str = DEFAULT_CRON
    timezone: str = DEFAULT_TIMEZONE


def previous_month(moment: dt.datetime, timezone: str = DEFAULT_TIMEZONE) -> str:
    """The month before `moment` as seen in `timezone` (YYYY-MM). A naive `moment` is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(zone(timezone))
    return Period(local.year, local.month).previous().code


def zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"未知时区 {timezone!r}，应为 IANA 名称，如 Asia/Shanghai",
            f"unknown time zone {timezone!r}: use an IANA name such as Asia/Shanghai",
        ) from None


def check_schedule(cron: str, timezone: str) -> Schedule:
    """A valid schedule, or a bilingual ConfigError naming the bad value."""

    zone(timezone)
    try:
        CronSim(cron, dt.datetime(2026, 1, 1))
    except (CronSimError, ValueError, TypeError):
        raise ConfigError(
            f'cron 表达式无效：{cron!r}（五个字段：分 时 日 月 星期，如 "0 6 1 * *"）',
            f'invalid cron expression {cron!r} (five fields: minute hour day month weekday, e.g. "0 6 1 * *")',
        ) from None
    return Schedule(cron, timezone)


def next_runs(schedule: Schedule, after: dt.datetime, count: int = 3) -> list[dt.datetime]:
    """The next `count` times the schedule fires after `after`, in the schedule's time zone."""

    if after.tzinfo is None:
        after = after.replace(tzinfo=dt.UTC)
    times = CronSim(schedule.cron, after.astimezone(zone(schedule.timezone)))
    return [next(times) for _ in range(count)]


def period_for_run(
    period: str | None, timezone: str = DEFAULT_TIMEZONE, scheduled: Callable[[], dt.datetime] | None = None
) -> str | None:
    """`period` as given, or for "previous-month" the month before the flow run's scheduled
    start (a manual run of the deployment: its creation time) in `timezone`."""
    if period != PREVIOUS_MONTH:
        return period
    if scheduled is None:
        from prefect.runtime import flow_run  # only inside a scheduled flow run

        scheduled = lambda: flow_run.scheduled_start_time  # noqa: E731
    return previous_month(scheduled(), timezone)


def schedule_settings(policy_path: Path | None) -> dict[str, str]:
    """The optional `schedule:` section of policy.yaml (checked by its schema)."""
    if policy_path is None or not policy_path.is_file():
        return {}

    policy_file = read_policy(policy_path)
    policy_file.policy  # noqa: B018  (a policy that does not match its schema stops here)
    return {k: str(v) for k, v in policy_file.section("schedule").items()}


def resolve_schedule(cron: str | None, timezone: str | None, policy_path: Path | None) -> Schedule:
    """Command line first, then policy.yaml's `schedule:`, then 06:00 on the 1st in Shanghai."""
    configured = schedule_settings(policy_path)
    where = {
        "cron": "--cron" if cron else str(policy_path) if "cron" in configured else "",
        "timezone": "--timezone" if timezone else str(policy_path) if "timezone" in configured else "",
    }
    cron = cron or configured.get("cron") or DEFAULT_CRON
    timezone = timezone or configured.get("timezone") or DEFAULT_TIMEZONE
    try:
        zone(timezone)
    except ConfigError as exc:
        raise ConfigError(exc.message_zh, exc.message_en, file=where["timezone"]) from None
    try:
        return check_schedule(cron, timezone)
    except ConfigError as exc:
        raise ConfigError(exc.message_zh, exc.message_en, file=where["cron"]) from None
