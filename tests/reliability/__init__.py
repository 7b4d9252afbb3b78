"""`make reliability`: the bank test, crashes, a database outage, hostile input."""
