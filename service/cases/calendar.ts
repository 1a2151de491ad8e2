import chineseDays from "chinese-days/dist/chinese-days.json";

/** A day in a year whose holiday schedule the calendar does not have: no deadline is guessed. */
export class CalendarYearUnknown extends Error {
  readonly code = "CALENDAR_YEAR_UNKNOWN";
  constructor(readonly year: number) {
    super(
      `the holiday and make-up working day schedule for ${year} is not known: set HOLIDAYS, WORKDAYS and CALENDAR_YEARS=${year} once the State Council publishes it`,
    );
  }
}

/**
 * Working days: Monday to Friday, less public holidays, plus make-up working days (调休: a
 * weekend day worked in exchange for a longer holiday), in days of a fixed offset (UTC+8).
 * With `years`, only days in those years are known and any other throws CalendarYearUnknown;
 * without, every year is weekdays and the given days alone.
 */
export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly workdays: ReadonlySet<string>;
  private readonly years: ReadonlySet<number> | undefined;

  constructor(
    holidays: Iterable<string> = [],
    /** Days are counted in this fixed offset (China: +8 h), not in the server's zone. */
    private readonly offsetMinutes = 8 * 60,
    o: { workdays?: Iterable<string>; years?: Iterable<number> } = {},
  ) {
    this.holidays = new Set(holidays);
    this.workdays = new Set(o.workdays ?? []);
    this.years = o.years === undefined ? undefined : new Set(o.years);
  }

  isWorkingDay(at: Date): boolean {
    const local = new Date(at.getTime() + this.offsetMinutes * 60_000);
    const date = local.toISOString().slice(0, 10);
    if (this.years && !this.years.has(local.getUTCFullYear()))
      throw new CalendarYearUnknown(local.getUTCFullYear());
    if (this.workdays.has(date)) return true;
    const day = local.getUTCDay();
    return day !== 0 && day !== 6 && !this.holidays.has(date);
  }

  /** Working days ended between `from` and `to`: the inverse of addWorkingDays. */
  workingDaysBetween(from: Date, to: Date): number {
    let count = 0;
    for (let at = from.getTime() + 86_400_000; at <= to.getTime(); at += 86_400_000)
      if (this.isWorkingDay(new Date(at))) count++;
    return count;
  }

  /** The instant `days` working days after `from` (same time of day). */
  addWorkingDays(from: Date, days: number): Date {
    let at = new Date(from);
    for (let left = days; left > 0;) {
      at = new Date(at.getTime() + 86_400_000);
      if (this.isWorkingDay(at)) left--;
    }
    return at;
  }

  /** The start of the local day after the one `at` falls on. */
  private nextLocalMidnight(at: Date): Date {
    const offset = this.offsetMinutes * 60_000;
    const local = new Date(at.getTime() + offset);
    return new Date(
      Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - offset,
    );
  }

  /**
   * When a period of `days` days that starts with an event at `from` ends, as the Civil Code
   * counts it: art. 201, the day of the event is not counted, so the period runs from the next
   * day; art. 200-203, it ends at the end of its last day (24:00), and if that day is a
   * statutory holiday or rest day, at the end of the first working day after it.
   */
  periodEnd(from: Date, days: number): Date {
    return this.extendPastRestDays(this.periodEndByCount(from, days));
  }

  /** A period ending at `end` (a local midnight) whose last day is a rest day ends after it. */
  extendPastRestDays(end: Date): Date {
    let at = end;
    while (!this.isWorkingDay(new Date(at.getTime() - 1))) at = this.nextLocalMidnight(at);
    return at;
  }

  /**
   * When a period of `days` days after the event at `from` would end by count alone (24:00 of
   * its last day), before art. 203 moves an end on a rest day: excluded time is added to this.
   */
  periodEndByCount(from: Date, days: number): Date {
    let end = this.nextLocalMidnight(from);
    for (let d = 0; d < days; d++) end = this.nextLocalMidnight(end);
    return end;
  }

  /** The end (24:00) of the `days`-th working day after the day of `from`. */
  periodEndInWorkingDays(from: Date, days: number): Date {
    return this.nextLocalMidnight(this.addWorkingDays(from, days));
  }
}

/**
 * China's calendar: the State Council's holidays and make-up working days for every year the
 * `chinese-days` package carries (2004 onwards), and the configured ones on top (HOLIDAYS,
 * WORKDAYS) for years the operator declares known (CALENDAR_YEARS), such as a new year's
 * schedule published after the package.
 */
export function chinaCalendar(
  o: { holidays?: readonly string[]; workdays?: readonly string[]; years?: readonly number[] } = {},
): WorkingCalendar {
  const data = chineseDays as {
    holidays: Record<string, string>;
    workdays: Record<string, string>;
  };
  const known = new Set(
    [...Object.keys(data.holidays), ...Object.keys(data.workdays)].map((d) =>
      Number(d.slice(0, 4)),
    ),
  );
  return new WorkingCalendar([...Object.keys(data.holidays), ...(o.holidays ?? [])], 8 * 60, {
    workdays: [...Object.keys(data.workdays), ...(o.workdays ?? [])],
    years: [...known, ...(o.years ?? [])],
  });
}
