/** Working days: Monday to Friday, less the configured public holidays (ISO dates, UTC+8 days). */
export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;

  constructor(
    holidays: Iterable<string> = [],
    /** Days are counted in this fixed offset (China: +8 h), not in the server's zone. */
    private readonly offsetMinutes = 8 * 60,
  ) {
    this.holidays = new Set(holidays);
  }

  isWorkingDay(at: Date): boolean {
    const local = new Date(at.getTime() + this.offsetMinutes * 60_000);
    const day = local.getUTCDay();
    return day !== 0 && day !== 6 && !this.holidays.has(local.toISOString().slice(0, 10));
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
    let end = this.nextLocalMidnight(from);
    for (let d = 0; d < days; d++) end = this.nextLocalMidnight(end);
    return this.extendPastRestDays(end);
  }

  /** A period ending at `end` (a local midnight) whose last day is a rest day ends after it. */
  extendPastRestDays(end: Date): Date {
    let at = end;
    while (!this.isWorkingDay(new Date(at.getTime() - 1))) at = this.nextLocalMidnight(at);
    return at;
  }

  /** The end (24:00) of the `days`-th working day after the day of `from`. */
  periodEndInWorkingDays(from: Date, days: number): Date {
    return this.nextLocalMidnight(this.addWorkingDays(from, days));
  }
}
