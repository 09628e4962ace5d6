"""Platform settings: typed key/value pairs that admins manage and other modules read.

Other modules read a setting with ``get_value(session, "uploads.max_file_mb", 512)``.
Every change an admin makes is written to the activity log in the same unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.countries import percentages_problem
from lectern.kit.currencies import money_currency
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.models import Setting, SettingGroup, SettingType
from lectern.platform import policy
from lectern.platform.activity import ADMIN, log_activity
from lectern.platform.setting_values import SettingValueError, decode, encode, is_valid_key
from lectern.security.actor import Actor

log = logging.getLogger("lectern.platform")

# Keys that would collide with a route under /settings.
RESERVED_KEYS = frozenset({"public"})
# The fields of a setting besides its key and value.
_FIELDS = ("type", "group", "description", "is_public")


@dataclass(frozen=True)
class Default:
    key: str
    value: Any
    type: SettingType
    group: SettingGroup
    description: str
    is_public: bool = False
    # What a value must be besides its type: a message when it is not, else None.
    check: Callable[[Any], str | None] | None = None


def _between(low: int, high: int) -> Callable[[Any], str | None]:
    return lambda value: None if low <= value <= high else f"must be {low} to {high}"


# What an account may do only once its e-mail address is confirmed, when the setting
# auth.verified_email_required_for lists it: enrolling in courses, teaching (applying to
# teach, authoring courses).
Power = Literal["enroll", "teach"]
POWERS: tuple[Power, ...] = get_args(Power)


def _powers(value: Any) -> str | None:
    if isinstance(value, list) and all(power in POWERS for power in value):
        return None
    return f"must be a list of {', '.join(POWERS)}"


def _currency(code: Any) -> str | None:
    return None if money_currency(code) else "must be an ISO 4217 currency code such as USD"


DEFAULTS: tuple[Default, ...] = (
    Default("site.name", "Lectern", SettingType.STRING, SettingGroup.GENERAL,
            "The platform's name, shown in pages and e-mails.", is_public=True),
    Default("site.description", "An open-source learning platform.", SettingType.STRING,
            SettingGroup.SEO, "A one-line description of the platform.", is_public=True),
    Default("site.logo", None, SettingType.FILE, SettingGroup.GENERAL,
            "Path or URL of the platform's logo.", is_public=True),
    Default("site.support_email", "support@example.com", SettingType.STRING,
            SettingGroup.EMAIL, "Where learners write for help.", is_public=True),
    Default("registration.enabled", True, SettingType.BOOLEAN, SettingGroup.GENERAL,
            "Whether new accounts may sign up.", is_public=True),
    Default("auth.verified_email_required_for", ["teach"], SettingType.JSON,
            SettingGroup.GENERAL, "What an account may do only once its e-mail address is "
            f"confirmed: a list of {', '.join(POWERS)}.", is_public=True, check=_powers),
    Default("uploads.max_file_mb", 512, SettingType.INTEGER, SettingGroup.GENERAL,
            "Largest upload accepted, in megabytes.", is_public=True,
            check=_between(1, 10_240)),
    Default("currency.default", "USD", SettingType.STRING, SettingGroup.PAYMENT,
            "ISO 4217 code of the currency new courses are priced in.", is_public=True,
            check=_currency),
    Default("courses.review_required", True, SettingType.BOOLEAN, SettingGroup.GENERAL,
            "Whether an admin approves a course before it is published."),
    Default("coupons.instructor_monthly_per_course", 3, SettingType.INTEGER,
            SettingGroup.PAYMENT, "Coupons an instructor may create for one course in a "
            "calendar month (UTC).", check=_between(0, 1000)),
    Default("coupons.instructor_free_monthly_per_course", 2, SettingType.INTEGER,
            SettingGroup.PAYMENT, "Of those, how many may be free coupons.",
            check=_between(0, 1000)),
    Default("tax.rates", {}, SettingType.JSON, SettingGroup.PAYMENT,
            "Tax rate (percent) per billing country (ISO 3166-1 alpha-2), such as "
            "{\"DE\": 19, \"FR\": 20}; a country not listed pays none.", check=percentages_problem),
    Default("tax.prices_include_tax", False, SettingType.BOOLEAN, SettingGroup.PAYMENT,
            "Whether course prices already include the tax (true) or it is added at "
            "checkout (false)."),
    Default("refunds.window_days", 30, SettingType.INTEGER, SettingGroup.PAYMENT,
            "Days after a purchase in which a buyer may ask for a refund; instructors' "
            "earnings clear when they pass.", check=_between(0, 365)),
    Default("refunds.max_progress_percent", 30, SettingType.INTEGER, SettingGroup.PAYMENT,
            "How much of a course (percent of its lessons done) a buyer may have taken and "
            "still be refunded.", check=_between(0, 100)),
    Default("earnings.platform_funds_its_coupons", True, SettingType.BOOLEAN,
            SettingGroup.PAYMENT, "Whether the discount of a platform coupon comes out of the "
            "platform's share (instructors earn on the price before it) or out of the "
            "sale as a whole."),
    Default("invoices.seller_name", "Lectern", SettingType.STRING, SettingGroup.PAYMENT,
            "The seller's name on invoices and credit notes."),
    Default("invoices.seller_address", "", SettingType.STRING, SettingGroup.PAYMENT,
            "The seller's postal address on invoices (lines separated by new lines)."),
    Default("invoices.seller_tax_id", "", SettingType.STRING, SettingGroup.PAYMENT,
            "The seller's tax or VAT number on invoices."),
    Default("orders.pending_minutes", 60, SettingType.INTEGER, SettingGroup.PAYMENT,
            "Minutes an unpaid order waits for its payment before it expires and its coupon "
            "use is released.", check=_between(5, 7 * 24 * 60)),
    Default("payments.manual_instructions", "Transfer the total to our bank account, "
            "quoting the order number.", SettingType.STRING, SettingGroup.PAYMENT,
            "What a buyer paying by bank transfer (the manual gateway) is told to do."),
    Default("reviews.min_progress_percent", 20, SettingType.INTEGER, SettingGroup.GENERAL,
            "How much of a course (percent of its lessons done) a learner must have taken "
            "before they may review it.", is_public=True, check=_between(0, 100)),
    Default("reviews.auto_approve", True, SettingType.BOOLEAN, SettingGroup.GENERAL,
            "Whether a review shows at once (true) or waits for an admin to approve it."),
    Default("reviews.report_threshold", 3, SettingType.INTEGER, SettingGroup.GENERAL,
            "Reports from distinct users that flag a review, hiding it until an admin "
            "decides.", check=_between(1, 1000)),
    Default("reviews.prompt_at_percent", 50, SettingType.INTEGER, SettingGroup.GENERAL,
            "Share of a course (percent of its lessons) at which a learner is asked for a "
            "review.", check=_between(1, 100)),
    Default("discussions.report_threshold", 3, SettingType.INTEGER, SettingGroup.GENERAL,
            "Reports from distinct users that flag a thread or a reply, hiding it until a "
            "moderator decides.", check=_between(1, 1000)),
    Default("discussions.new_account_days", 3, SettingType.INTEGER, SettingGroup.GENERAL,
            "For how many days a new account's posts with links are held for moderation.",
            check=_between(0, 365)),
    Default("announcements.promotional_per_month", 2, SettingType.INTEGER,
            SettingGroup.GENERAL, "Promotional announcements an instructor may post in a "
            "calendar month (UTC).", check=_between(0, 100)),
    Default("support.auto_close_days", 7, SettingType.INTEGER, SettingGroup.GENERAL,
            "Days after which a resolved support ticket closes itself.",
            check=_between(1, 365)),
    Default("learning.completion_threshold", 90, SettingType.INTEGER, SettingGroup.GENERAL,
            "Share of a video or audio lesson (percent, 1-100) a learner must watch for the "
            "lesson to complete.", check=_between(1, 100)),
    Default("live.join_opens_minutes", 10, SettingType.INTEGER, SettingGroup.GENERAL,
            "Minutes before a live class starts when its registrants get the join link.",
            check=_between(0, 120)),
)  # fmt: skip
KNOWN = {default.key: default for default in DEFAULTS}


# -- reading ---------------------------------------------------------------------------------


async def get_value(session: AsyncSession, key: str, default: Any = None) -> Any:
    """The typed value of setting ``key``; ``default`` when it doesn't exist, has no value,
    or holds text that doesn't fit its type (a row written around the API)."""
    row = (
        await session.execute(select(Setting.value, Setting.type).where(Setting.key == key))
    ).first()
    if row is None or row.value is None:
        return default
    try:
        return decode(row.value, row.type)
    except SettingValueError as exc:
        log.warning("setting %r cannot be read, using the default: %s", key, exc)
        return default


async def public_values(session: AsyncSession) -> dict[str, Any]:
    """{key: typed value} of the settings anyone may read."""
    rows = await session.execute(
        select(Setting.key, Setting.value, Setting.type)
        .where(policy.publicly_readable())
        .order_by(Setting.key)
    )
    values: dict[str, Any] = {}
    for key, text, type_ in rows:
        try:
            values[key] = decode(text, type_)
        except SettingValueError as exc:
            log.warning("public setting %r cannot be read, left out: %s", key, exc)
    return values


async def list_settings(
    session: AsyncSession,
    params: PageParams,
    *,
    group: SettingGroup | None = None,
    is_public: bool | None = None,
) -> tuple[list[Setting], PageMeta]:
    statement: Select[Any] = select(Setting).order_by(Setting.key)
    if group is not None:
        statement = statement.where(Setting.group == group)
    if is_public is not None:
        statement = statement.where(Setting.is_public.is_(is_public))
    return await paginate(session, statement, params)


async def find(session: AsyncSession, key: str) -> Setting | None:
    setting: Setting | None = await session.scalar(select(Setting).where(Setting.key == key))
    return setting


async def get(session: AsyncSession, key: str) -> Setting:
    setting = await find(session, key)
    if setting is None:
        raise NotFound(f"there is no setting {key!r}")
    return setting


# -- changing (admins) -----------------------------------------------------------------------


def _stored(key: str, value: Any, type_: SettingType) -> str | None:
    """The text form of ``value``, which must fit ``type_`` and, for a setting Lectern acts
    on, that setting's type and range (a null value stands for the default)."""
    try:
        text = encode(value, type_)
    except SettingValueError as exc:
        raise InvalidInput(str(exc), field="body.value") from None
    known = KNOWN.get(key)
    if known is None:
        return text
    if type_ is not known.type:
        raise InvalidInput(f"{key} is a setting of type {known.type.value}", field="body.type")
    problem = known.check(decode(text, type_)) if known.check and text is not None else None
    if problem:
        raise InvalidInput(f"{key} {problem}", field="body.value")
    return text


def _snapshot(setting: Setting) -> dict[str, Any]:
    """The setting's fields, to compare before and after a change."""
    try:
        value = decode(setting.value, setting.type)
    except SettingValueError:
        value = setting.value
    return {
        "value": value,
        "type": setting.type.value,
        "group": setting.group.value,
        "description": setting.description,
        "is_public": setting.is_public,
    }


def _log_change(
    session: AsyncSession,
    setting: Setting,
    *,
    action: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    actor: Actor,
) -> None:
    if old is not None and new is not None:
        changed = sorted(name for name in new if new[name] != old[name])
        old = {name: old[name] for name in changed}
        new = {name: new[name] for name in changed}
    for fields in (old, new):
        if fields is not None and "value" in fields:
            fields["value"] = policy.loggable_value(setting.key, fields["value"])
    log_activity(
        session,
        log_name=ADMIN,
        event="setting_updated",
        description=f"Setting {setting.key} {action}",
        causer=actor.user,
        subject=setting,
        properties={"key": setting.key, "action": action, "old": old, "new": new},
        client=actor.client,
    )


async def put(
    session: AsyncSession,
    key: str,
    *,
    value: Any,
    type: SettingType,
    group: SettingGroup,
    description: str | None,
    is_public: bool,
    actor: Actor,
) -> tuple[Setting, bool]:
    """Create setting ``key`` or replace all its fields. Returns it and whether it is new."""
    if not is_valid_key(key):
        raise InvalidInput(
            "a key is a lowercase identifier, dotted or underscored (site.name), "
            "at most 100 characters",
            field="path.key",
        )
    if key in RESERVED_KEYS:
        raise InvalidInput(f"{key!r} is a reserved name", field="path.key")
    text = _stored(key, value, type)
    fields = {"type": type, "group": group, "description": description, "is_public": is_public}

    setting = await find(session, key)
    if setting is None:
        setting = Setting(key=key, value=text, **fields)
        try:
            async with session.begin_nested():
                session.add(setting)
                await session.flush()
        except IntegrityError:
            # Another request created the key between our read and our insert.
            raise Conflict(f"setting {key!r} was created concurrently; try again") from None
        _log_change(
            session,
            setting,
            action="created",
            old=None,
            new=_snapshot(setting),
            actor=actor,
        )
        return setting, True

    before = _snapshot(setting)
    setting.value = text
    for name, field_value in fields.items():
        setattr(setting, name, field_value)
    if _snapshot(setting) != before:
        await session.flush()
        _log_change(
            session,
            setting,
            action="replaced",
            old=before,
            new=_snapshot(setting),
            actor=actor,
        )
    return setting, False


async def patch(
    session: AsyncSession,
    key: str,
    changes: dict[str, Any],
    *,
    actor: Actor,
) -> Setting:
    """Change some fields of setting ``key``: ``value`` and/or type, group, description,
    is_public. The value (given, or the current one when only the type changes) must fit
    the resulting type."""
    if not changes:
        raise InvalidInput("nothing to change: send value, type, group, description or is_public")
    for name in ("type", "group", "is_public"):
        if name in changes and changes[name] is None:
            raise InvalidInput(f"{name} may not be null", field=f"body.{name}")

    setting = await get(session, key)
    type_: SettingType = changes.get("type", setting.type)
    if "value" in changes:
        text = _stored(key, changes["value"], type_)
    elif type_ is not setting.type:
        try:
            current = decode(setting.value, setting.type)
        except SettingValueError:
            current = setting.value
        try:
            encode(current, type_)
        except SettingValueError as exc:
            raise InvalidInput(
                f"the current value does not fit type {type_.value}: {exc}; "
                "send a new value with the type",
                field="body.type",
            ) from None
        text = _stored(key, current, type_)
    else:
        text = setting.value

    before = _snapshot(setting)
    setting.value = text
    for name in _FIELDS:
        if name in changes:
            setattr(setting, name, changes[name])
    if _snapshot(setting) != before:
        await session.flush()
        _log_change(
            session,
            setting,
            action="updated",
            old=before,
            new=_snapshot(setting),
            actor=actor,
        )
    return setting


async def delete(session: AsyncSession, key: str, *, actor: Actor) -> None:
    setting = await get(session, key)
    _log_change(
        session,
        setting,
        action="deleted",
        old=_snapshot(setting),
        new=None,
        actor=actor,
    )
    await session.delete(setting)
    await session.flush()


# -- defaults ----------------------------------------------------------------------------------


async def ensure_defaults(session: AsyncSession) -> list[str]:
    """Add the default settings whose key doesn't exist yet, and return their keys.

    Existing settings are left as they are (an admin's value wins), so it is safe to run on
    every ``lectern db seed``; a default an admin deleted comes back on the next run."""
    existing = set(
        await session.scalars(select(Setting.key).where(Setting.key.in_([d.key for d in DEFAULTS])))
    )
    added = []
    for default in DEFAULTS:
        if default.key in existing:
            continue
        session.add(
            Setting(
                key=default.key,
                value=encode(default.value, default.type),
                type=default.type,
                group=default.group,
                description=default.description,
                is_public=default.is_public,
            )
        )
        added.append(default.key)
    await session.flush()
    return added
