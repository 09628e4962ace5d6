"""HTTP routes of certificate templates: admins author them and preview them as PDFs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path
from fastapi.responses import Response
from sqlalchemy import select

from lectern.certificates import designs, documents
from lectern.certificates.schemas import TemplateIn, TemplateOut, TemplatePatch
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.downloads import PDF_RESPONSE, pdf_attachment
from lectern.kit.pagination import paginate
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.kit.types import utcnow
from lectern.models import (
    CertificateTemplate,
    CertificateTemplateOrientation,
    CertificateTemplateSize,
)
from lectern.security.dependencies import CurrentAdmin

router = ApiRouter(prefix="/admin/certificate-templates", tags=["certificates"])

TemplateId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The template's id.")]


def _out(template: CertificateTemplate) -> TemplateOut:
    return TemplateOut.model_validate(
        {
            **{
                name: getattr(template, name)
                for name in TemplateOut.model_fields
                if name != "has_background_image"
            },
            "has_background_image": template.background_image is not None,
        }
    )


def _typed(changes: dict[str, Any]) -> dict[str, Any]:
    if "orientation" in changes:
        changes["orientation"] = CertificateTemplateOrientation(changes["orientation"])
    if "size" in changes:
        changes["size"] = CertificateTemplateSize(changes["size"])
    return changes


@router.get(
    "",
    response_model=Page[TemplateOut],
    summary="Certificate templates",
    responses=problem_responses(401, 403, 422),
)
async def list_templates(
    session: SessionDep, admin: CurrentAdmin, params: PageParams = Depends(page_params)
) -> Page[TemplateOut]:
    statement = (
        select(CertificateTemplate)
        .where(CertificateTemplate.deleted_at.is_(None))
        .order_by(CertificateTemplate.is_default.desc(), CertificateTemplate.name)
    )
    templates, meta = await paginate(session, statement, params)
    return Page(items=[_out(t) for t in templates], meta=meta)


@router.post(
    "",
    status_code=201,
    response_model=TemplateOut,
    summary="Author a certificate template",
    description="Checked by rendering it with sample values: a syntax error or a value "
    "it does not know is a 422 on `html_content` or `styles`. `is_default`: the template "
    "new certificates get (the one before stops being the default).",
    responses=problem_responses(401, 403, 422),
)
async def create_template(
    session: SessionDep, admin: CurrentAdmin, body: TemplateIn
) -> TemplateOut:
    template = CertificateTemplate(created_at=utcnow())
    return _out(await designs.save(session, template, _typed(body.model_dump())))


@router.get(
    "/{template_id}",
    response_model=TemplateOut,
    summary="A certificate template",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_template(
    session: SessionDep, admin: CurrentAdmin, template_id: TemplateId
) -> TemplateOut:
    return _out(await designs.get(session, template_id))


@router.patch(
    "/{template_id}",
    response_model=TemplateOut,
    summary="Change a certificate template",
    description="Certificates issued with it keep their PDF; the next ones use the change.",
    responses=problem_responses(401, 403, 404, 422),
)
async def update_template(
    session: SessionDep, admin: CurrentAdmin, template_id: TemplateId, body: TemplatePatch
) -> TemplateOut:
    template = await designs.get(session, template_id)
    return _out(await designs.save(session, template, _typed(body.changes())))


@router.delete(
    "/{template_id}",
    status_code=204,
    summary="Delete a certificate template",
    description="Certificates not yet rendered with it use the template Lectern ships.",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_template(
    session: SessionDep, admin: CurrentAdmin, template_id: TemplateId
) -> Response:
    template = await designs.get(session, template_id)
    template.deleted_at = utcnow()
    template.is_default = False
    await session.flush()
    return Response(status_code=204)


@router.post(
    "/{template_id}/preview",
    summary="Preview a certificate template as a PDF (sample values)",
    response_class=Response,
    responses={**PDF_RESPONSE, **problem_responses(401, 403, 404, 422)},
)
async def preview_template(
    session: SessionDep, admin: CurrentAdmin, template_id: TemplateId
) -> Response:
    template = await designs.get(session, template_id)
    return pdf_attachment(await documents.preview_pdf(template), f"template-{template.id}-preview")
