"""The kinds of notification, each with the preference that governs its e-mail.

In-app notifications are always kept (the bell is where a user looks); an e-mail goes only
when the kind's preference column of ``notification_preferences`` is on (a user without a
row has the columns' defaults). ``promotions`` is off unless chosen. Transactional mail
(receipts, password, security) does not pass through here: it is never suppressible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

KindName = Literal[
    "course_updates",
    "new_lessons",
    "announcements",
    "promotions",
    "qa_replies",
    "review_replies",
    "assignment_feedback",
    "certificate_issued",
    "new_enrollments",
    "new_reviews",
    "new_questions",
    "payout_updates",
    "live_classes",
    "digest",
]


@dataclass(frozen=True)
class Kind:
    name: KindName
    # The column of notification_preferences that turns its e-mail on or off.
    email_preference: str
    # What the unsubscribe page calls it ("replies to your questions").
    described: str
    # The column that turns its push on or off; None: never pushed (the spec has no column).
    push_preference: str | None = None
    # Whether a user who chose daily or weekly e-mail gets it in the digest (False: at once,
    # for what cannot wait).
    digest: bool = True


_ALL = (
    Kind("course_updates", "email_course_updates", "updates of your courses",
         "push_course_updates"),
    Kind("new_lessons", "email_new_lessons", "new lessons in your courses", "push_new_lessons"),
    Kind("announcements", "email_announcements", "announcements", "push_announcements"),
    Kind("promotions", "email_promotions", "offers and promotions", "push_promotions"),
    Kind("qa_replies", "email_qa_replies", "answers in the Q&A", "push_qa_replies"),
    Kind("review_replies", "email_review_replies", "answers to your reviews"),
    Kind("assignment_feedback", "email_assignment_feedback", "feedback on your work"),
    Kind("certificate_issued", "email_certificate_issued", "your new certificates"),
    Kind("new_enrollments", "instructor_new_enrollments", "new students in your courses"),
    Kind("new_reviews", "instructor_new_reviews", "new reviews of your courses"),
    Kind("new_questions", "instructor_new_questions", "new questions in your courses"),
    Kind("payout_updates", "instructor_payout_updates", "your payouts"),
    # Seats, changes and reminders of the classes one registered for: a course update.
    Kind("live_classes", "email_course_updates", "updates of your courses and their live classes",
         "push_course_updates", digest=False),
)  # fmt: skip
KINDS: dict[str, Kind] = {kind.name: kind for kind in _ALL}
# The digest e-mail: not a kind of notification, but its unsubscribe link turns off every
# kind's e-mail it gathers.
DIGEST = Kind("digest", "", "notification digests")
GATHERED = tuple(kind for kind in _ALL if kind.digest)
