"""Request and response bodies of authentication."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from lectern.kit.schemas import Input, Output
from lectern.security.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH

# Passwords are taken exactly as typed: no trimming (Input trims every other string).
Password = Annotated[
    str, StringConstraints(strip_whitespace=False, min_length=1, max_length=PASSWORD_MAX_LENGTH)
]
Email = Annotated[str, Field(min_length=3, max_length=255, examples=["ada@example.com"])]
# Opaque tokens (refresh tokens, e-mail links) are 43 characters; leave room, refuse essays.
OpaqueToken = Annotated[str, Field(min_length=1, max_length=200)]
TotpCode = Annotated[str, Field(pattern=r"^[0-9]{6}$", examples=["123456"])]
RecoveryCode = Annotated[str, Field(min_length=1, max_length=32, examples=["k7d2q-9xw4m"])]


class RegisterIn(Input):
    name: str = Field(min_length=1, max_length=120)
    username: str | None = Field(
        default=None,
        min_length=3,
        max_length=50,
        description="3 to 50 letters, digits, '_', '.', '-'; made from the e-mail if omitted.",
    )
    email: Email
    password: Password = Field(
        description="At least 10 characters mixing three of: lower case, upper case, "
        "digits, symbols."
    )


class LoginIn(Input):
    identifier: str = Field(
        min_length=1, max_length=255, description="The e-mail address or the username."
    )
    password: Password
    otp: TotpCode | None = Field(
        default=None, description="The authenticator code, for accounts with two-factor on."
    )
    recovery_code: RecoveryCode | None = Field(
        default=None, description="A single-use recovery code, instead of `otp`."
    )

    @model_validator(mode="after")
    def _one_second_factor(self) -> LoginIn:
        if self.otp is not None and self.recovery_code is not None:
            raise ValueError("give either otp or recovery_code, not both")
        return self


class TwoFactorLoginIn(Input):
    challenge_token: str = Field(min_length=1, max_length=2000)
    otp: TotpCode | None = None
    recovery_code: RecoveryCode | None = None

    @model_validator(mode="after")
    def _exactly_one_second_factor(self) -> TwoFactorLoginIn:
        if (self.otp is None) == (self.recovery_code is None):
            raise ValueError("give exactly one of otp and recovery_code")
        return self


class RefreshIn(Input):
    refresh_token: OpaqueToken


class TokenIn(Input):
    token: OpaqueToken


class ForgotPasswordIn(Input):
    email: Email


class ResetPasswordIn(Input):
    token: OpaqueToken
    password: Password


class ChangePasswordIn(Input):
    current_password: Password
    new_password: Password


class TwoFactorSetupIn(Input):
    password: Password


class TwoFactorEnableIn(Input):
    code: TotpCode


class TwoFactorDisableIn(Input):
    password: Password
    code: str = Field(
        min_length=1, max_length=32, description="An authenticator code or a recovery code."
    )


class TokenOut(Output):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a scheme, not a secret
    expires_in: int = Field(description="Lifetime of the access token, in seconds.")
    refresh_token: str = Field(description="Single use: /auth/refresh returns the next one.")


class AcceptedOut(Output):
    detail: str


class TwoFactorSetupOut(Output):
    secret: str = Field(description="The TOTP secret (base32), for manual entry.")
    otpauth_uri: str = Field(description="The otpauth:// URI, for a QR code.")


class RecoveryCodesOut(Output):
    recovery_codes: list[str] = Field(
        description="Single-use codes that replace the authenticator; shown only this once."
    )
