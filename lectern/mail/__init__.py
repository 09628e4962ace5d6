"""E-mail: Jinja2 templates rendered to text and HTML, sent over SMTP or written to a folder."""
