"""Live classes: sessions scheduled in a course, seats and a waitlist, reminders, calendars,
the join link and attendance."""
