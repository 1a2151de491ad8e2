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
}
