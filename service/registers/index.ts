/** The platform's registers: merchants' enforcement, malicious notifiers, filings, credit. */
export {
  buildRegisters,
  type FilingView,
  type MerchantEntry,
  type NotifierEntry,
  type RegisterEvent,
  type RegisterOptions,
  type Registers,
} from "./registers";
export { gradeOf, honourRoll, watchList, type Credit } from "./credit";
