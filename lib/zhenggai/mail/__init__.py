"""``zhenggai mail``: messages with templates and reminders, as .eml files or over SMTP."""
