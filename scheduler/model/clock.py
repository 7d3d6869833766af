"""The one conversion between a program's local wall-clock times and real minutes.

Apart from `calendar` (which re-exports it) so that `problem` can build its clock
without importing the calendar code that reads the problem (no import cycle).
See `scheduler.model.calendar` for the rule on skipped and repeated times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Clock:
    """Local wall-clock times of one zone <-> real minutes from the horizon's start.

    `zone` None: no time zone, real minutes are wall-clock minutes (the times are
    taken as they are). Naive datetimes are local times; their `fold` tells the two
    occurrences of a repeated time apart (what `moment` returns keeps it, so a round
    trip is exact), and times read from files have `fold=0`. Aware datetimes are
    converted from their own offset.
    """

    start_date: dt.date
    zone: ZoneInfo | None = None

    def __reduce__(self) -> tuple[type[Clock], tuple[dt.date, ZoneInfo | None]]:
        """Pickled (a saved web view) without the conversions remembered so far."""
        return (Clock, (self.start_date, self.zone))

    @cached_property
    def _origin(self) -> dt.datetime:
        """The horizon's start: naive local midnight, or that instant in UTC."""
        midnight = dt.datetime.combine(self.start_date, dt.time())
        if self.zone is None:
            return midnight
        return midnight.replace(tzinfo=self.zone).astimezone(dt.UTC)

    def _seconds(self, moment: dt.datetime) -> float:
        if self.zone is None:
            return (moment.replace(tzinfo=None) - self._origin).total_seconds()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return (moment.astimezone(dt.UTC) - self._origin).total_seconds()

    def minute_of(self, moment: dt.datetime) -> int:
        """Whole real minutes from the horizon's start to `moment` (negative before it)."""
        if moment.tzinfo is not None:
            return int(self._seconds(moment) // 60)
        key = (moment, moment.fold)  # naive datetimes compare equal across folds
        found = self._naive_minutes.get(key)
        if found is None:
            found = self._naive_minutes[key] = int(self._seconds(moment) // 60)
        return found

    @cached_property
    def _naive_minutes(self) -> dict[tuple[dt.datetime, int], int]:
        """`minute_of`'s answers for local times so far (a roster repeats them)."""
        return {}

    def elapsed(self, moment: dt.datetime) -> float:
        """`minute_of` to the second (a call logged at 14:03:27)."""
        return self._seconds(moment) / 60

    def instant(self, minute: float) -> dt.datetime:
        """The moment `minute` real minutes after the horizon's start, aware in the zone
        (naive without one)."""
        moment = self._origin + dt.timedelta(minutes=minute)
        return moment if self.zone is None else moment.astimezone(self.zone)

    def moment(self, minute: float) -> dt.datetime:
        """The local wall-clock time (naive, `fold` set in a repeated hour) of a real minute."""
        return self.instant(minute).replace(tzinfo=None)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A date-time as local wall-clock time: one with an offset (or `Z`) converted to
        the zone, a naive one as it is. Without a zone the offset is dropped."""
        if moment.tzinfo is None:
            return moment
        if self.zone is None:
            return moment.replace(tzinfo=None)
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def utc_offset(self, minute: float) -> dt.timedelta | None:
        """The zone's UTC offset at a real minute (None without a zone)."""
        return None if self.zone is None else self.instant(minute).utcoffset()

    @cached_property
    def _wall_minutes(self) -> dict[tuple[int, int], int]:
        """`day_minute`'s answers so far: a roster names a few days and times of day tens
        of thousands of times, and each conversion through the zone is slow."""
        return {}

    def day_minute(self, day: int, minute_of_day: int) -> int:
        """Real minute of a local time of day on the day `day` days after `start_date`
        (`fold=0` for skipped and repeated times)."""
        key = (day, minute_of_day)
        found = self._wall_minutes.get(key)
        if found is None:
            local = dt.datetime.combine(self.start_date, dt.time()) + dt.timedelta(
                days=day, minutes=minute_of_day
            )
            found = self._wall_minutes[key] = self.minute_of(local)
        return found

    def wall_minute(self, date: dt.date, minute_of_day: int) -> int:
        """Real minute of a local time of day on a date (`fold=0` for skipped and
        repeated times)."""
        return self.day_minute((date - self.start_date).days, minute_of_day)


def time_zone_of(name: str | None) -> ZoneInfo | None:
    """The `zoneinfo` zone of an IANA name (None for None); ValueError when it is not one."""
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(
            f"'{name}' is not a time zone name (an IANA name such as America/New_York)"
        ) from None
