"""Full-text search over courses: title, subtitle, description and tag names; catalog indexes

Also indexes courses.price and courses.duration_minutes, which the catalog filters and
sorts by.

PostgreSQL: a ``courses.search_vector`` tsvector column (weighted: title A, subtitle and
tags B, description C) kept up to date by triggers on courses, course_tag and tags, with
a GIN index; queries rank with ts_rank.
SQLite: an FTS5 table ``courses_fts`` (rowid = courses.id) kept in sync by triggers on the
same three tables; queries rank with bm25.

Neither is in the models: lectern.migrate.include_name keeps them out of the
models/migrations comparison (lectern.migrate.SEARCH_OBJECTS names them).

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# -- PostgreSQL --------------------------------------------------------------------------

PG_UPGRADE = [
    "ALTER TABLE courses ADD COLUMN search_vector tsvector",
    """
    CREATE OR REPLACE FUNCTION courses_search_document(
        p_title text, p_subtitle text, p_description text, p_tags text
    ) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('english'::regconfig, coalesce(p_title, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(p_subtitle, '')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(p_tags, '')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(p_description, '')), 'C')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION courses_search_tags(p_course_id bigint)
    RETURNS text LANGUAGE sql STABLE AS $$
        SELECT string_agg(t.name, ' ')
        FROM course_tag ct JOIN tags t ON t.id = ct.tag_id
        WHERE ct.course_id = p_course_id
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION courses_search_on_course() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := courses_search_document(
            NEW.title, NEW.subtitle, NEW.description, courses_search_tags(NEW.id));
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION courses_search_on_course_tag() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        target bigint;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            target := OLD.course_id;
        ELSE
            target := NEW.course_id;
        END IF;
        UPDATE courses SET search_vector = courses_search_document(
            title, subtitle, description, courses_search_tags(id))
        WHERE id = target;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION courses_search_on_tag() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE courses SET search_vector = courses_search_document(
            title, subtitle, description, courses_search_tags(id))
        WHERE id IN (SELECT course_id FROM course_tag WHERE tag_id = NEW.id);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER courses_search_course
    BEFORE INSERT OR UPDATE OF title, subtitle, description ON courses
    FOR EACH ROW EXECUTE FUNCTION courses_search_on_course()
    """,
    """
    CREATE TRIGGER courses_search_course_tag
    AFTER INSERT OR DELETE ON course_tag
    FOR EACH ROW EXECUTE FUNCTION courses_search_on_course_tag()
    """,
    """
    CREATE TRIGGER courses_search_tag
    AFTER UPDATE OF name ON tags
    FOR EACH ROW EXECUTE FUNCTION courses_search_on_tag()
    """,
    """
    UPDATE courses SET search_vector = courses_search_document(
        title, subtitle, description, courses_search_tags(id))
    """,
    "CREATE INDEX ix_courses_search_vector ON courses USING gin (search_vector)",
]

PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS courses_search_tag ON tags",
    "DROP TRIGGER IF EXISTS courses_search_course_tag ON course_tag",
    "DROP TRIGGER IF EXISTS courses_search_course ON courses",
    "DROP FUNCTION IF EXISTS courses_search_on_tag()",
    "DROP FUNCTION IF EXISTS courses_search_on_course_tag()",
    "DROP FUNCTION IF EXISTS courses_search_on_course()",
    "DROP FUNCTION IF EXISTS courses_search_tags(bigint)",
    "DROP FUNCTION IF EXISTS courses_search_document(text, text, text, text)",
    "DROP INDEX IF EXISTS ix_courses_search_vector",
    "ALTER TABLE courses DROP COLUMN IF EXISTS search_vector",
]

# -- SQLite ------------------------------------------------------------------------------

_SQLITE_TAGS = """(SELECT group_concat(t.name, ' ') FROM course_tag ct
    JOIN tags t ON t.id = ct.tag_id WHERE ct.course_id = {course})"""


def _sqlite_refresh(course: str) -> str:
    return (
        f"UPDATE courses_fts SET tags = coalesce({_SQLITE_TAGS.format(course=course)}, '') "
        f"WHERE rowid = {course};"
    )


SQLITE_UPGRADE = [
    """
    CREATE VIRTUAL TABLE courses_fts USING fts5(
        title, subtitle, description, tags, tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    f"""
    CREATE TRIGGER courses_fts_insert AFTER INSERT ON courses BEGIN
        INSERT INTO courses_fts (rowid, title, subtitle, description, tags)
        VALUES (new.id, new.title, coalesce(new.subtitle, ''), coalesce(new.description, ''),
                coalesce({_SQLITE_TAGS.format(course="new.id")}, ''));
    END
    """,
    """
    CREATE TRIGGER courses_fts_update AFTER UPDATE OF title, subtitle, description ON courses
    BEGIN
        UPDATE courses_fts SET title = new.title, subtitle = coalesce(new.subtitle, ''),
            description = coalesce(new.description, '')
        WHERE rowid = new.id;
    END
    """,
    """
    CREATE TRIGGER courses_fts_delete AFTER DELETE ON courses BEGIN
        DELETE FROM courses_fts WHERE rowid = old.id;
    END
    """,
    f"""
    CREATE TRIGGER courses_fts_tag_added AFTER INSERT ON course_tag BEGIN
        {_sqlite_refresh("new.course_id")}
    END
    """,
    f"""
    CREATE TRIGGER courses_fts_tag_removed AFTER DELETE ON course_tag BEGIN
        {_sqlite_refresh("old.course_id")}
    END
    """,
    f"""
    CREATE TRIGGER courses_fts_tag_renamed AFTER UPDATE OF name ON tags BEGIN
        UPDATE courses_fts SET tags = coalesce({_SQLITE_TAGS.format(course="courses_fts.rowid")}, '')
        WHERE rowid IN (SELECT course_id FROM course_tag WHERE tag_id = new.id);
    END
    """,
    f"""
    INSERT INTO courses_fts (rowid, title, subtitle, description, tags)
    SELECT c.id, c.title, coalesce(c.subtitle, ''), coalesce(c.description, ''),
           coalesce({_SQLITE_TAGS.format(course="c.id")}, '')
    FROM courses c
    """,
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS courses_fts_tag_renamed",
    "DROP TRIGGER IF EXISTS courses_fts_tag_removed",
    "DROP TRIGGER IF EXISTS courses_fts_tag_added",
    "DROP TRIGGER IF EXISTS courses_fts_delete",
    "DROP TRIGGER IF EXISTS courses_fts_update",
    "DROP TRIGGER IF EXISTS courses_fts_insert",
    "DROP TABLE IF EXISTS courses_fts",
]


def _statements(upgrade: bool) -> list[str]:
    if op.get_bind().dialect.name == "postgresql":
        return PG_UPGRADE if upgrade else PG_DOWNGRADE
    return SQLITE_UPGRADE if upgrade else SQLITE_DOWNGRADE


def upgrade() -> None:
    for statement in _statements(upgrade=True):
        op.execute(statement)
    with op.batch_alter_table("courses") as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_price"), ["price"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_courses_duration_minutes"), ["duration_minutes"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("courses") as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_duration_minutes"))
        batch_op.drop_index(batch_op.f("ix_courses_price"))
    for statement in _statements(upgrade=False):
        op.execute(statement)
