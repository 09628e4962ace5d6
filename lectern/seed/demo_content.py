"""What the demo school contains: plain data, turned into rows by demo.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The password of every demo account; printed by `lectern db seed --demo` and in the README.
DEMO_PASSWORD = "Lectern-demo-2026"  # noqa: S105 - a published demo credential
ADMIN = ("Ada Admin", "admin@lectern.test")

CATEGORIES: dict[str, list[str]] = {
    "Development": ["Web Development", "Programming Languages", "Databases"],
    "Data Science": ["Machine Learning", "Data Analysis"],
    "Design": ["User Experience", "Graphic Design"],
    "Business": ["Entrepreneurship", "Finance"],
}

TAGS = [
    "python",
    "javascript",
    "sql",
    "postgresql",
    "fastapi",
    "react",
    "statistics",
    "pandas",
    "figma",
    "typography",
    "startups",
    "accounting",
]


@dataclass(frozen=True)
class DemoInstructor:
    name: str
    email: str
    headline: str
    bio: str
    expertise: list[str]


INSTRUCTORS = [
    DemoInstructor(
        name="Grace Hopper",
        email="grace@lectern.test",
        headline="Compiler pioneer and patient teacher",
        bio="Forty years of teaching programmers to think in small, testable steps.",
        expertise=["Python", "Compilers", "Databases"],
    ),
    DemoInstructor(
        name="Florence Nightingale",
        email="florence@lectern.test",
        headline="Statistician who lets the data speak",
        bio="Turns messy tables into charts that change decisions.",
        expertise=["Statistics", "Data visualisation"],
    ),
    DemoInstructor(
        name="Dieter Rams",
        email="dieter@lectern.test",
        headline="Less, but better",
        bio="Product designer teaching the principles behind good design.",
        expertise=["Product design", "Typography"],
    ),
]

# title, instructor index, subcategory, price (None = free), level, tags
COURSES = [
    ("Python from Zero to Confident", 0, "Programming Languages", None, "beginner", ["python"]),
    (
        "Building APIs with FastAPI",
        0,
        "Web Development",
        Decimal("49.99"),
        "intermediate",
        ["python", "fastapi"],
    ),
    (
        "PostgreSQL for Application Developers",
        0,
        "Databases",
        Decimal("39.00"),
        "intermediate",
        ["sql", "postgresql"],
    ),
    ("Statistics You Can Use", 1, "Data Analysis", Decimal("29.90"), "beginner", ["statistics"]),
    (
        "Data Analysis with pandas",
        1,
        "Machine Learning",
        Decimal("59.00"),
        "advanced",
        ["python", "pandas", "statistics"],
    ),
    (
        "Design Principles for Software",
        2,
        "User Experience",
        None,
        "all_levels",
        ["figma", "typography"],
    ),
]

SECTIONS = ["Getting started", "Core ideas", "Putting it to work"]

# type, title pattern, seconds
LESSONS = [
    ("video", "Welcome and overview", 420),
    ("text", "Reading: the key terms", 300),
    ("video", "Worked example", 780),
    ("audio", "Interview: lessons from practice", 600),
    ("document", "Cheat sheet", 120),
    ("video", "Hands-on exercise", 900),
    ("embed", "Interactive sandbox", 480),
    ("text", "Summary and next steps", 240),
    ("quiz", "Quiz: check your understanding", 600),
    ("assignment", "Project: put it to work", 0),
]

# The quiz ending every course: type, question, points, options (text, correct).
QUIZ_TITLE = "Check your understanding"
QUIZ_QUESTIONS = [
    (
        "single_choice",
        "What is the best first step with an idea that is new to you?",
        "1",
        [("Try it on a small example", True), ("Learn the definition by heart", False),
         ("Skip ahead to the summary", False)],
    ),
    (
        "true_false",
        "Each section's exercises build on the ones before it.",
        "1",
        [("True", True), ("False", False)],
    ),
    (
        "multiple_choice",
        "Which habits help a new skill stick? Choose every one that does.",
        "2",
        [("Practising a little every day", True), ("Explaining it to someone else", True),
         ("Reading only the summaries", False)],
    ),
]  # fmt: skip

PROJECT_TITLE = "Project: put it to work"
PROJECT_INSTRUCTIONS = (
    "<p>Write a one-page plan that applies what you learned to something of your own: "
    "the problem, the steps you will take, and how you will know it worked.</p>"
)
PROJECT_FEEDBACK = [
    "A clear plan with a sensible first step. Measure the result as you said you would.",
    "Well argued. The second step could be smaller; try it on one example first.",
    "Good work: concrete, realistic and easy to follow.",
]

STUDENTS = [
    ("Alan Turing", "alan@lectern.test"),
    ("Katherine Johnson", "katherine@lectern.test"),
    ("Linus Pauling", "linus@lectern.test"),
    ("Mary Jackson", "mary@lectern.test"),
    ("Niels Bohr", "niels@lectern.test"),
    ("Rosalind Franklin", "rosalind@lectern.test"),
    ("Srinivasa Ramanujan", "srinivasa@lectern.test"),
    ("Hedy Lamarr", "hedy@lectern.test"),
]

REVIEW_TEXTS = [
    ("Clear and practical", "Every lesson builds on the last; the exercises made it stick."),
    ("Worth the time", "Dense but well paced. I use what I learned at work every day."),
    ("Good, could be longer", "Great explanations; I wanted one more project at the end."),
    ("Excellent instructor", "Answers were quick and the examples felt real."),
]
