"""E-mail: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.mail import tasks
from lectern.registry import Domain

domain = Domain("mail", tasks=[tasks.send_email])
