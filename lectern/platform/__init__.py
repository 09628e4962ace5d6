"""Platform-wide pieces: settings, the activity log."""
