"""What the assignment routes share: the files of an assignment or a submission, a file's id
in a path, and the problems the routes answer."""

from __future__ import annotations

from typing import Any

from lectern.errors import problem_responses
from lectern.kit.attachments import FileId, FileOut

READ = problem_responses(401, 403, 404)
WRITE = problem_responses(401, 403, 404, 422)
ACT = problem_responses(401, 403, 404, 409, 422)
UPLOAD = problem_responses(401, 403, 404, 409, 413, 415, 422)
__all__ = ["ACT", "FILE_RESPONSE", "READ", "UPLOAD", "WRITE", "FileId", "FileOut"]

FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "The file."},
    **READ,
}
