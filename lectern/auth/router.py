"""HTTP routes of authentication.

Sign-in answers ``{access_token, token_type, expires_in, refresh_token}``. Access tokens
are JWTs sent as ``Authorization: Bearer``; refresh tokens are opaque, single use, and
rotate on /auth/refresh. With two-factor on, /auth/login either takes ``otp`` (or
``recovery_code``) along with the password, or answers 401 ``two_factor_required`` with a
``challenge_token`` to send with the code to /auth/login/2fa.
"""

from __future__ import annotations

from fastapi import Request, status

from lectern.auth import service, twofactor
from lectern.auth.schemas import (
    AcceptedOut,
    ChangePasswordIn,
    ForgotPasswordIn,
    LoginIn,
    RecoveryCodesOut,
    RefreshIn,
    RegisterIn,
    ResetPasswordIn,
    TokenIn,
    TokenOut,
    TwoFactorDisableIn,
    TwoFactorEnableIn,
    TwoFactorLoginIn,
    TwoFactorSetupIn,
    TwoFactorSetupOut,
)
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.client import Client
from lectern.kit.ratelimit import limit
from lectern.kit.routing import ApiRouter
from lectern.security.dependencies import CurrentActor, CurrentUser
from lectern.security.tokens import decode_challenge_token
from lectern.users.schemas import MeOut

router = ApiRouter(prefix="/auth", tags=["auth"])

NO_CONTENT = status.HTTP_204_NO_CONTENT


# -- accounts and sessions ---------------------------------------------------------------


@router.post(
    "/register",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AcceptedOut,
    responses=problem_responses(409, 429),
    summary="Sign up; the verification link arrives by e-mail",
)
async def register(data: RegisterIn, request: Request, session: SessionDep) -> AcceptedOut:
    """The answer is the same whether or not the address already has an account (its
    owner is told by e-mail instead); a taken username is a 409."""
    await limit(request, "register", "register_rate")
    address = data.email.strip().lower()
    await limit(request, "register-address", "register_address_rate", address, per_ip=False)
    await service.register(session, Client.of(request), data)
    return AcceptedOut(detail="check your inbox: follow the link we sent to finish signing up")


@router.post(
    "/login",
    response_model=TokenOut,
    responses=problem_responses(401, 403, 429),
    summary="Sign in with e-mail or username and password",
)
async def login(data: LoginIn, request: Request, session: SessionDep) -> TokenOut:
    """Wrong credentials are a 401 ``invalid_credentials`` (the same for an unknown account);
    a suspended, blocked or inactive account is a 403 ``account_disabled``.

    With two-factor on, send ``otp`` (or ``recovery_code``) along; without it the answer is a
    401 ``two_factor_required`` whose body has a ``challenge_token`` (valid a few minutes)
    to send with the code to /auth/login/2fa.
    """
    await limit(request, "login", "login_rate", data.identifier.lower())
    return await service.login(session, Client.of(request), data)


@router.post(
    "/login/2fa",
    response_model=TokenOut,
    responses=problem_responses(401, 429),
    summary="Finish a sign-in with the second factor",
)
async def login_second_factor(
    data: TwoFactorLoginIn, request: Request, session: SessionDep
) -> TokenOut:
    challenge = decode_challenge_token(data.challenge_token)
    await limit(request, "login", "login_rate", str(challenge.subject))
    return await service.login_second_factor(
        session, Client.of(request), challenge, otp=data.otp, recovery_code=data.recovery_code
    )


@router.post(
    "/refresh",
    response_model=TokenOut,
    responses=problem_responses(401, 429),
    summary="Trade a refresh token for a new pair (the old one is spent)",
)
async def refresh(data: RefreshIn, request: Request, session: SessionDep) -> TokenOut:
    """A refresh token works once. Presenting a spent one again is a 401 ``token_reused``
    and signs out that whole session (every token of its family): someone else has it."""
    await limit(request, "refresh", "refresh_rate")
    return await service.refresh(session, Client.of(request), data.refresh_token)


@router.post(
    "/logout",
    status_code=NO_CONTENT,
    summary="Sign out one session (its refresh token family)",
)
async def logout(data: RefreshIn, request: Request, session: SessionDep) -> None:
    await service.logout(session, Client.of(request), data.refresh_token)


@router.post(
    "/logout-all",
    status_code=NO_CONTENT,
    responses=problem_responses(401),
    summary="Sign out every session, access tokens included",
)
async def logout_all(actor: CurrentActor, session: SessionDep) -> None:
    await service.logout_everywhere(session, actor)


@router.get(
    "/me",
    response_model=MeOut,
    responses=problem_responses(401),
    summary="The signed-in account",
)
async def me(user: CurrentUser) -> MeOut:
    return MeOut.of(user)


# -- e-mail verification and passwords ---------------------------------------------------


@router.post(
    "/verify-email",
    status_code=NO_CONTENT,
    summary="Confirm the e-mail address with the token from the e-mailed link",
)
async def verify_email(data: TokenIn, session: SessionDep) -> None:
    await service.verify_email(session, data.token)


@router.post(
    "/verify-email/resend",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AcceptedOut,
    responses=problem_responses(401, 409, 429),
    summary="Send a new verification link (the earlier ones stop working)",
)
async def resend_verification(
    user: CurrentUser, request: Request, session: SessionDep
) -> AcceptedOut:
    await limit(request, "verify-resend", "reset_rate", str(user.uuid))
    await service.resend_verification(session, user)
    return AcceptedOut(detail=f"a new link is on its way to {user.email}")


@router.post(
    "/password/forgot",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AcceptedOut,
    responses=problem_responses(429),
    summary="E-mail a password-reset link; the answer is the same for unknown addresses",
)
async def forgot_password(
    data: ForgotPasswordIn, request: Request, session: SessionDep
) -> AcceptedOut:
    await limit(request, "reset", "reset_rate", data.email.lower())
    service.forgot_password(session, data.email)
    return AcceptedOut(detail="if an account has this address, a reset link is on its way")


@router.post(
    "/password/reset",
    status_code=NO_CONTENT,
    responses=problem_responses(429),
    summary="Choose a new password with the token from the e-mailed link; signs out everywhere",
)
async def reset_password(data: ResetPasswordIn, request: Request, session: SessionDep) -> None:
    await limit(request, "reset", "reset_rate")
    await service.reset_password(session, Client.of(request), data.token, data.password)


@router.post(
    "/password/change",
    status_code=NO_CONTENT,
    responses=problem_responses(401, 429),
    summary="Change the password (needs the current one); signs out everywhere",
)
async def change_password(
    data: ChangePasswordIn, actor: CurrentActor, request: Request, session: SessionDep
) -> None:
    await limit(request, "password-change", "login_rate", str(actor.user.uuid))
    await service.change_password(session, actor, data.current_password, data.new_password)


# -- two-factor authentication -----------------------------------------------------------


@router.post(
    "/2fa/setup",
    response_model=TwoFactorSetupOut,
    responses=problem_responses(401, 409, 429),
    summary="Start two-factor enrolment: a new TOTP secret (not active until enabled)",
)
async def two_factor_setup(
    data: TwoFactorSetupIn, user: CurrentUser, request: Request, session: SessionDep
) -> TwoFactorSetupOut:
    await limit(request, "password-check", "login_rate", str(user.uuid))
    secret, uri = await twofactor.start(session, user, data.password)
    return TwoFactorSetupOut(secret=secret, otpauth_uri=uri)


@router.post(
    "/2fa/enable",
    response_model=RecoveryCodesOut,
    responses=problem_responses(401, 409, 429),
    summary="Turn two-factor on with a code; returns the recovery codes, once",
)
async def two_factor_enable(
    data: TwoFactorEnableIn, actor: CurrentActor, request: Request, session: SessionDep
) -> RecoveryCodesOut:
    await limit(request, "password-check", "login_rate", str(actor.user.uuid))
    codes = await twofactor.enable(session, actor, data.code)
    return RecoveryCodesOut(recovery_codes=codes)


@router.post(
    "/2fa/disable",
    status_code=NO_CONTENT,
    responses=problem_responses(401, 409, 429),
    summary="Turn two-factor off (needs the password and a code or a recovery code)",
)
async def two_factor_disable(
    data: TwoFactorDisableIn, actor: CurrentActor, request: Request, session: SessionDep
) -> None:
    await limit(request, "password-check", "login_rate", str(actor.user.uuid))
    await twofactor.disable(session, actor, data.password, data.code)
