"""Background work for 360s. Raters' invitations and reminders are stored notifications sent
by the worker (``tandem.notifications``: kinds RATER_INVITATION and RATER_REMINDER)."""
