"""Access tokens (JWT, HMAC-SHA256 pinned) and opaque secrets stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from lectern.config import AuthSettings, auth_settings
from lectern.errors import Unauthorized

ALGORITHM = "HS256"  # the only one accepted: no "none", no algorithm confusion
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti", "sub"]


@dataclass(frozen=True)
class AccessClaims:
    subject: uuid.UUID
    role: str
    issued_at: float
    token_id: str
    expires_at: float


def issue_access_token(
    user_uuid: uuid.UUID, role: str, settings: AuthSettings | None = None
) -> tuple[str, int]:
    """A signed access token for the user, and its lifetime in seconds."""
    settings = settings or auth_settings()
    lifetime = settings.access_token_minutes * 60
    token = _encode(settings, settings.jwt_audience, lifetime, sub=str(user_uuid), role=role)
    return token, lifetime


def decode_access_token(token: str, settings: AuthSettings | None = None) -> AccessClaims:
    """The claims of a valid token; any defect is a 401 that does not say which."""
    settings = settings or auth_settings()
    return _decode(settings, token, settings.jwt_audience, "access token")


def issue_challenge_token(
    user_uuid: uuid.UUID, settings: AuthSettings | None = None
) -> tuple[str, int]:
    """A short-lived token saying "this user passed the password, the second factor is due".

    It has its own audience, so it is never accepted as an access token (nor the reverse).
    """
    settings = settings or auth_settings()
    lifetime = settings.two_factor_challenge_minutes * 60
    token = _encode(settings, _challenge_audience(settings), lifetime, sub=str(user_uuid))
    return token, lifetime


def decode_challenge_token(token: str, settings: AuthSettings | None = None) -> AccessClaims:
    settings = settings or auth_settings()
    return _decode(settings, token, _challenge_audience(settings), "two-factor challenge")


def _challenge_audience(settings: AuthSettings) -> str:
    return f"{settings.jwt_audience}:two-factor"


def _encode(settings: AuthSettings, audience: str, lifetime: int, **extra: str) -> str:
    kid, keys = settings.signing_keys()
    now = time.time()
    claims = {
        "iss": settings.jwt_issuer,
        "aud": audience,
        **extra,
        # Millisecond precision: "sign out everywhere" compares it with a timestamp.
        "iat": round(now, 3),
        "exp": int(now) + lifetime,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, keys[kid], algorithm=ALGORITHM, headers={"kid": kid})


# Checking a token's signature and claims costs a tenth of a simple request, and a client
# sends the same token with every request until it expires: the claims of tokens found
# valid are kept (this many at most, the oldest forgotten first) with the keys that
# verified them, and only their expiry is checked again.
VERIFIED_TOKENS_KEPT = 10_000
_verified: dict[tuple[str, str, str], tuple[dict[str, str], AccessClaims]] = {}


def _decode(settings: AuthSettings, token: str, audience: str, what: str) -> AccessClaims:
    """The claims of a valid token for ``audience``; any defect is a 401 that does not say
    which."""
    _, keys = settings.signing_keys()
    known = (token, audience, settings.jwt_issuer)
    kept = _verified.get(known)
    if kept is not None and kept[0] == keys:
        claims = kept[1]
        if time.time() >= claims.expires_at:
            raise Unauthorized(f"the {what} has expired", code="token_expired")
        return claims
    claims = _verify(keys, settings, token, audience, what)
    if len(_verified) >= VERIFIED_TOKENS_KEPT:
        del _verified[next(iter(_verified))]
    _verified[known] = (keys, claims)
    return claims


def _verify(
    keys: dict[str, str], settings: AuthSettings, token: str, audience: str, what: str
) -> AccessClaims:
    try:
        header = jwt.get_unverified_header(token)
        key = keys.get(str(header.get("kid")))
        if key is None or header.get("alg") != ALGORITHM:
            raise jwt.InvalidTokenError("unknown key or algorithm")
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=settings.jwt_issuer,
            options={"require": REQUIRED_CLAIMS},
        )
        return AccessClaims(
            subject=uuid.UUID(str(claims["sub"])),
            role=str(claims.get("role", "")),
            issued_at=float(claims["iat"]),
            token_id=str(claims["jti"]),
            expires_at=float(claims["exp"]),
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized(f"the {what} has expired", code="token_expired") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise Unauthorized(f"the {what} is not valid", code="invalid_token") from None


def new_secret() -> str:
    """An unguessable opaque token (refresh tokens, e-mail links)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """What the database keeps of an opaque token: a leaked table grants nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


def expires_in(now: datetime, **delta: float) -> datetime:
    return now + timedelta(**delta)
