"""Route dependencies of the studio: the course a path names, loaded only for those who may
change it (see ``policy.course_for``)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from lectern.courses.policy import Access, course_for
from lectern.db import SessionDep
from lectern.models import Course
from lectern.security.dependencies import CurrentUser


async def editable_course(course_uuid: UUID, session: SessionDep, user: CurrentUser) -> Course:
    """The course of the path, if the caller may edit its content: a course they may not
    see is a 404, one they see but may not change a 403."""
    return await course_for(session, user, course_uuid, Access.CONTENT)


EditableCourse = Annotated[Course, Depends(editable_course)]
