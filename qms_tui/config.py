"""Where the data lives and how the app is configured (no heavy imports here)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "qms-tui"


def data_dir() -> Path:
    base = os.environ.get("QMS_DATA_DIR")
    path = Path(base) if base else Path(user_data_dir(APP_NAME, appauthor=False))
    return path


def default_database_url() -> str:
    env = os.environ.get("QMS_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{data_dir() / 'qms.db'}"


def database_url(value: str | None) -> str:
    """``--db`` accepts a URL or a plain path (a plain path means SQLite)."""
    if not value:
        return default_database_url()
    if "://" in value:
        if value.startswith("postgresql://"):
            return "postgresql+psycopg://" + value[len("postgresql://"):]
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


# ---------------------------------------------------------------- settings (scheduler, e-mail)

from dataclasses import dataclass, field  # noqa: E402 - the settings are an appendix of this module

DEFAULT_TIMEZONE = "America/Mexico_City"


class SettingsError(ValueError):
    """The settings file cannot be read or holds a bad value (the message says which)."""


def _section(data: dict[str, object], name: str) -> dict[str, object]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise SettingsError(f"[{name}] must be a table")
    return value


def _int(section: dict[str, object], key: str, default: int, where: str) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SettingsError(f"{where}.{key} must be a whole number ≥ 0, not {value!r}")
    return value


def _str(section: dict[str, object], key: str, default: str, where: str) -> str:
    value = section.get(key, default)
    if not isinstance(value, str):
        raise SettingsError(f"{where}.{key} must be text, not {value!r}")
    return value


def _bool(section: dict[str, object], key: str, default: bool, where: str) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise SettingsError(f"{where}.{key} must be true or false, not {value!r}")
    return value


def _path(section: dict[str, object], key: str, default: Path, where: str) -> Path:
    value = section.get(key)
    if value is None:
        return default
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{where}.{key} must be a folder path, not {value!r}")
    return Path(value).expanduser()


@dataclass(frozen=True)
class SmtpSettings:
    enabled: bool = False
    host: str = "localhost"
    port: int = 25
    sender: str = "sgce@localhost"
    starttls: bool = False
    username: str = ""
    password: str = field(default="", repr=False)
    max_age_days: int = 3  # older unsent notifications are never e-mailed (no flood when enabling)


@dataclass(frozen=True)
class Settings:
    """What the scheduler and its jobs need (``QMS_CONFIG``: a TOML file; all optional).

    ```toml
    [scheduler]
    timezone = "America/Mexico_City"
    lang = "es"              # language of notification titles, e-mails and scheduled reports
    retry_minutes = 30       # a failed job is tried again after this long (daemon)

    [reminders]              # lead days: how early "coming up" / "due" reminders start
    audit_lead_days = 14
    review_lead_days = 14
    action_lead_days = 7
    check_lead_days = 7
    document_lead_days = 30

    [reports]
    enabled = true           # the monthly indicators PDF and the quarterly evidence dossier
    folder = "/srv/qms/reports"

    [backup]
    folder = "/srv/qms/backups"
    keep = 14                # newest backups kept; older ones are deleted

    [smtp]
    enabled = false
    host = "localhost"
    port = 25
    from = "sgce@iecm.mx"
    starttls = false
    username = ""            # the password comes from QMS_SMTP_PASSWORD
    ```
    """

    timezone: str = DEFAULT_TIMEZONE
    lang: str = "es"
    retry_minutes: int = 30
    audit_lead_days: int = 14
    review_lead_days: int = 14
    action_lead_days: int = 7
    check_lead_days: int = 7
    document_lead_days: int = 30
    reports_enabled: bool = True
    reports_dir: Path = field(default_factory=lambda: data_dir() / "reports")
    backup_dir: Path = field(default_factory=lambda: data_dir() / "backups")
    backup_keep: int = 14
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    source: Path | None = None  # the file read, if any


def settings(path: str | Path | None = None) -> Settings:
    """The settings from ``path`` (default: the ``QMS_CONFIG`` file; none → defaults)."""
    import tomllib

    chosen = path if path is not None else os.environ.get("QMS_CONFIG")
    data: dict[str, object] = {}
    source = None
    if chosen:
        source = Path(chosen).expanduser()
        try:
            with source.open("rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise SettingsError(f"cannot read the settings file {source}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"the settings file {source} is not valid TOML: {exc}") from exc
    sch, rem = _section(data, "scheduler"), _section(data, "reminders")
    rep, bak, smtp = _section(data, "reports"), _section(data, "backup"), _section(data, "smtp")
    tz = _str(sch, "timezone", DEFAULT_TIMEZONE, "scheduler")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception as exc:
        raise SettingsError(f"scheduler.timezone: unknown time zone {tz!r}") from exc
    lang = _str(sch, "lang", os.environ.get("QMS_LANG") or "es", "scheduler").lower()[:2]
    defaults = Settings()
    return Settings(
        timezone=tz,
        lang=lang if lang in ("es", "en") else "es",
        retry_minutes=_int(sch, "retry_minutes", defaults.retry_minutes, "scheduler"),
        audit_lead_days=_int(rem, "audit_lead_days", defaults.audit_lead_days, "reminders"),
        review_lead_days=_int(rem, "review_lead_days", defaults.review_lead_days, "reminders"),
        action_lead_days=_int(rem, "action_lead_days", defaults.action_lead_days, "reminders"),
        check_lead_days=_int(rem, "check_lead_days", defaults.check_lead_days, "reminders"),
        document_lead_days=_int(rem, "document_lead_days", defaults.document_lead_days, "reminders"),
        reports_enabled=_bool(rep, "enabled", True, "reports"),
        reports_dir=_path(rep, "folder", defaults.reports_dir, "reports"),
        backup_dir=_path(bak, "folder", defaults.backup_dir, "backup"),
        backup_keep=max(1, _int(bak, "keep", defaults.backup_keep, "backup")),
        smtp=SmtpSettings(
            enabled=_bool(smtp, "enabled", False, "smtp"),
            host=_str(smtp, "host", "localhost", "smtp"),
            port=_int(smtp, "port", 25, "smtp"),
            sender=_str(smtp, "from", "sgce@localhost", "smtp"),
            starttls=_bool(smtp, "starttls", False, "smtp"),
            username=_str(smtp, "username", "", "smtp"),
            password=os.environ.get("QMS_SMTP_PASSWORD", ""),
            max_age_days=_int(smtp, "max_age_days", 3, "smtp"),
        ),
        source=source,
    )


def os_login() -> str:
    """The OS account running this process (from the effective uid: ``$USER`` can be set by anyone)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, AttributeError):  # not POSIX, or a uid without a name
        import getpass

        return getpass.getuser()
