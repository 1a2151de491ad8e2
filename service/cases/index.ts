/** Case timelines: a notice, what answered it, and the time rules each step is held to. */
export { CalendarYearUnknown, chinaCalendar, WorkingCalendar } from "./calendar";
export { KEEPING_YEARS, retentionOf, type Retention } from "./retention";
export {
  buildTimeline,
  type CaseRecords,
  type DelayCapReading,
  type Jurisdiction,
  type StepState,
  type TimelineOptions,
  type TimelineStep,
} from "./timeline";
export { caseOutcome, DETERMINATIONS, lastDecisive, type CaseOutcome } from "./outcome";
