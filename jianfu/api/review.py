"""POST /api/v1/review: the gate on a draft (spec/gate.md), the same JSON as `jianfu review`."""

import json

from django.http import HttpRequest
from ninja import Router, Status

from jianfu.api.auth import api_auth
from jianfu.gate.drafts import DraftError
from jianfu.gate.service import review_draft

router = Router(tags=["前置审核"])

_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["kind", "title", "issuer"],
                    "description": "事项草稿（spec/gate.md 的输入格式）",
                    "additionalProperties": True,
                    "properties": {
                        "kind": {"type": "string"},
                        "title": {"type": "string"},
                        "issuer": {"type": "string"},
                        "body": {"type": "string"},
                        "targets": {"type": "array", "items": {"type": "string"}},
                        "date": {"type": "string", "format": "date"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/review",
    auth=api_auth,
    response={200: dict, 422: dict},
    summary="前置审核一个事项草稿",
    openapi_extra=_BODY_DOC,
)
def review(request: HttpRequest):
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Status(422, {"detail": f"请求体不是有效的 JSON：{exc}"})
    try:
        return Status(200, review_draft(data))
    except DraftError as exc:
        return Status(422, {"detail": str(exc)})
