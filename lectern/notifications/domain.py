"""Notifications: how the domain joins the app (see lectern.registry)."""

from __future__ import annotations

from lectern.assignments.events import AssignmentGraded
from lectern.certificates.events import CertificateIssued, CertificateReissued
from lectern.curriculum.events import LessonPublished
from lectern.discussions.events import BestAnswerChosen, QuestionAsked, ReplyPosted, UserMentioned
from lectern.learner_tools.events import PriceDropped
from lectern.learning.events import EnrollmentCreated
from lectern.notifications import pages, push, router, stream, subscribers, tasks
from lectern.quizzes.events import QuizGraded
from lectern.registry import Domain
from lectern.reviews.events import ReviewAnswered, ReviewInvited, ReviewPosted

domain = Domain(
    "notifications",
    routers=[router.router, stream.router],
    pages=[pages.router],
    tasks=[tasks.tell_new_lesson, push.deliver],
    periodic_jobs=[push.release_held, tasks.send_digests],
    subscribers=[
        (EnrollmentCreated, subscribers.new_enrollment),
        (CertificateIssued, subscribers.certificate_issued),
        (CertificateReissued, subscribers.certificate_reissued),
        (ReviewPosted, subscribers.review_posted),
        (ReviewAnswered, subscribers.review_answered),
        (ReviewInvited, subscribers.review_invited),
        (QuestionAsked, subscribers.question_asked),
        (ReplyPosted, subscribers.reply_posted),
        (BestAnswerChosen, subscribers.best_answer),
        (UserMentioned, subscribers.mentioned),
        (PriceDropped, subscribers.price_dropped),
        (QuizGraded, subscribers.quiz_graded),
        (AssignmentGraded, subscribers.assignment_graded),
        (LessonPublished, subscribers.lesson_published),
    ],
)
