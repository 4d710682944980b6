"""Dates and times as every page shows them: ISO-like and 24-hour ("2026-12-05 22:47"), the
admin's lists and forms (Django's own en-gb formats said "5 Dec 2026, 10:47 p.m.") as the
dashboard, the approval queue, the e-mails and the reports. Used for every English locale
(FORMAT_MODULE_PATH, config/settings/base.py); what is not set here is Django's en_GB."""

DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# What a form reads, and the first of each list how it shows a value (the admin's date and time
# fields, its calendar's "Today" and its clock's "Now"): ISO dates only, and a time to the minute
# as pages show it ("00:00", not "00:00:00"; seconds are still read). Django's en-gb lists also
# read "12/01/2026", as 12 January: what an American typing 1 December meant was stored as
# another day, silently (session 25).
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d",
]
