"""Languages of the pages: message catalogues (Babel .po files, read at start-up), the
language negotiation (a switch in the header, else Accept-Language), the site's time zone,
and how dates, times and numbers are shown and read in forms."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime, timezone
from functools import cache, lru_cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from babel.support import Translations

from domain.errors import Message

LOCALES = ("en", "de")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
LANG_COOKIE = "tandem_lang"

_current: ContextVar[str] = ContextVar("tandem_language", default=DEFAULT)


def N_(message: str) -> str:  # noqa: N802 - the conventional marker for extraction
    """Mark a string for the catalogue without translating it yet."""
    return message


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue of a language, compiled in memory from its .po file."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def use(language: str) -> None:
    """Make `language` the one templates and `gettext` render in (for this request)."""
    _current.set(language if language in LOCALES else DEFAULT)


def current() -> str:
    return _current.get()


def gettext(message: str) -> str:
    """A message in the current language; an error's `Message` is said part by part, each
    template translated and then filled in."""
    catalogue = translations(current())
    if isinstance(message, Message):
        return " ".join(_fill(catalogue.gettext(template), template, params)
                        for template, params in message.parts)
    return catalogue.gettext(message)


def _fill(translated: str, template: str, params: dict[str, object]) -> str:
    if not params:
        return translated
    words = {key: gettext(value) if isinstance(value, Message)
             else number(value) if isinstance(value, float) else value
             for key, value in params.items()}
    try:
        return translated % words
    except (KeyError, ValueError, TypeError):
        return template % params


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def negotiate(chosen: str | None, accept_language: str | None) -> str:
    """The language: the explicit choice if supported, else the best Accept-Language match."""
    if chosen is not None and chosen in LOCALES:
        return chosen
    weighted = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            weighted.append((quality, tag.split("-")[0].lower()))
    for _quality, tag in sorted(weighted, key=lambda w: -w[0]):
        if tag in LOCALES:
            return tag
    return DEFAULT


def _moment(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@cache
def _parsed(code: str) -> Locale:
    return Locale.parse(code)


def _locale() -> Locale:
    """The current language as a parsed Babel locale (parsing is costly: done once each)."""
    return _parsed(current())


# -- time zone: times are stored in UTC and shown, and typed, in the site's zone ---------------

DEFAULT_ZONE = "Europe/Berlin"
_zone: ContextVar[str] = ContextVar("tandem_zone", default=DEFAULT_ZONE)


def use_zone(name: str) -> None:
    """Make `name` (TANDEM_TIMEZONE) the zone pages show and forms read times in."""
    _zone.set(name)


@cache
def _zone_info(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone_info(_zone.get())


def local(value: object) -> datetime | None:
    """A stored time (UTC) in the site's time zone."""
    moment = _moment(value)
    return moment.astimezone(zone()) if moment else None


def zone_label(moment: datetime) -> str:
    """The zone's short name at that moment, in the current language (MEZ, CEST, …)."""
    name = format_time(moment, "z", tzinfo=moment.tzinfo, locale=_locale())
    if name.startswith(("+", "-", "GMT", "UTC")) and moment.tzname():
        return str(moment.tzname())
    return name


def day(value: object, style: str = "medium") -> str:
    """A date for people, in the current language and the site's time zone."""
    moment = local(value) if len(str(value)) > 10 else _moment(value)
    return _date_text(moment.date(), style, current()) if moment else ""


@lru_cache(maxsize=8192)
def _date_text(day: date, style: str, language: str) -> str:
    return format_date(day, format=style, locale=_parsed(language))


def day_long(value: object) -> str:
    moment = local(value) if len(str(value)) > 10 else _moment(value)
    return format_date(moment.date(), format="full", locale=_locale()) if moment else ""


def local_day(value: object) -> str:
    """The ISO date (YYYY-MM-DD) of a stored time in the site's time zone."""
    moment = local(value)
    return moment.date().isoformat() if moment else ""


def when(value: object) -> str:
    """A date and time for people, in the current language, in the site's time zone, with it."""
    moment = local(value)
    if moment is None:
        return ""
    return (f"{format_date(moment.date(), format='medium', locale=_locale())} "
            f"{format_time(moment.time(), format='short', locale=_locale())} "
            f"{zone_label(moment)}")


def iso(value: object) -> str:
    """A time for a `<time datetime>` attribute: UTC, whole seconds (what validators accept)."""
    moment = _moment(value)
    if moment is None:
        return ""
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def form_time(text: str) -> str:
    """A time typed in a form (`2026-11-20T10:00`, or a bare date), read in the site's time
    zone, as ISO 8601 with its offset; a time that names its offset, or text that is no time,
    is passed on unchanged (the command says what is wrong with it)."""
    value = text.strip()
    if not value:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        return value
    return moment.replace(tzinfo=zone()).isoformat()


def form_number(text: str) -> str:
    """A number typed in a form in the current language (`4,3` in German, `1,200.5` in English)
    as the command reads it (`4.3`, `1200.5`); text that is no number is passed on unchanged."""
    value = text.strip()
    try:
        return str(parse_decimal(value, locale=_locale(), strict=True))
    except (NumberFormatError, ValueError):
        return value


def language_name(code: str) -> str:
    return (Locale.parse(code).get_display_name(code) or code).capitalize()


def number(value: object) -> str:
    """A number for people, in the current language (4.2 / 4,2; 3.0 shows as 3)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    return _number_text(value, current())


@lru_cache(maxsize=8192)
def _number_text(value: float, language: str) -> str:
    return format_decimal(value, format="#,##0.###", locale=_parsed(language))
