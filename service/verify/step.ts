/**
 * What one verification step reports. Each step has its own failure codes (in its module);
 * the shared ones say why a step did not judge.
 */
export type StepName =
  | "format"
  | "files"
  | "leaf"
  | "disclosures"
  | "inclusion"
  | "batch"
  | "transaction"
  | "block"
  | "signature"
  | "witnesses";

export type StepStatus = "pass" | "fail" | "skip" | "error";

/** Codes any step may give: passed, or did not judge and why. */
export type CommonCode = "OK" | "SKIPPED" | "RECEIPT_PENDING" | "CHAIN_UNREACHABLE";

export interface StepResult<C extends string = string> {
  step: StepName;
  status: StepStatus;
  /** Stable code: `OK`, or what failed (`FILE_DIGEST_MISMATCH`, `ROOT_NOT_ON_CHAIN`, …). */
  code: C | CommonCode;
  message: string;
}

export const passed = <C extends string>(step: StepName, message: string): StepResult<C> => ({
  step,
  status: "pass",
  code: "OK",
  message,
});

export const failed = <C extends string>(
  step: StepName,
  code: C,
  message: string,
): StepResult<C> => ({ step, status: "fail", code, message });

/** A step that did not run because what it checks rests on one that failed or cannot run. */
export const skipped = (
  step: StepName,
  because: string,
  code: CommonCode = "SKIPPED",
): StepResult => ({ step, status: "skip", code, message: `not checked: ${because}` });
