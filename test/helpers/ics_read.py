"""Reads an iCalendar file from stdin with Debian's python3-icalendar (a reader independent of the writer) and prints
its events as JSON: UID, DTSTAMP, DTSTART/DTEND (a date for all-day events), summary, description, and the calendar's
own properties."""
import json
import sys

from icalendar import Calendar

cal = Calendar.from_ical(sys.stdin.read())
events = []
for ev in cal.walk("VEVENT"):
    start = ev.decoded("DTSTART")
    end = ev.decoded("DTEND") if "DTEND" in ev else None
    events.append(
        {
            "uid": str(ev["UID"]),
            "dtstamp": ev.decoded("DTSTAMP").isoformat(),
            "start": start.isoformat(),
            "startIsDate": not hasattr(start, "hour"),
            "end": end.isoformat() if end is not None else None,
            "summary": str(ev["SUMMARY"]),
            "description": str(ev.get("DESCRIPTION", "")),
        }
    )
print(json.dumps({"version": str(cal["VERSION"]), "prodid": str(cal["PRODID"]), "events": events}))
