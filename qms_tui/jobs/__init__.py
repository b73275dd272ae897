"""The scheduler (``qms scheduler``): reminders, scheduled reports and backups.

One process per database (:mod:`qms_tui.jobs.lock`), never inside the TUI; this package
never imports ``textual``. ``specs`` lists the jobs and their schedules, ``runner`` runs one
job once for its latest scheduled moment (the JobRun guard that makes ticks and restarts
idempotent), ``tasks`` holds the importable callables APScheduler stores, ``scheduler``
builds the daemon, ``backup`` and ``mail`` do the file and SMTP work.
"""
