import type { ActionType } from "./kinds";

interface ActionFields {
  type: ActionType;
  review?: { outcome: string; missing?: unknown[] };
  malice?: unknown;
  merchant?: unknown;
  rectification?: { doneInTime?: boolean };
  selfCriticismFile?: string;
  warningText?: string;
  deliveredAt?: string;
  remediesTold?: boolean;
}

/** A filing's verification states its outcome too: a rejected filing is a merchant kept out. */
const REVIEWS: readonly ActionType[] = ["formal_review", "substantive_review", "filing_verified"];
const MERCHANT_REQUIRED: readonly ActionType[] = [
  "warning_letter",
  "rectification_checked",
  "suspension",
  "key_management",
  "merchant_exit",
];

/**
 * Which typed fields an action type needs and which it may carry: a field on the wrong type
 * would be notarised as if it meant something, so it is refused like an unknown field.
 */
export function actionFieldProblems(a: ActionFields): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const need = (ok: boolean, path: string, message: string) => {
    if (!ok) problems.push({ path, message });
  };
  const only = (field: keyof ActionFields, types: readonly ActionType[]) =>
    need(
      a[field] === undefined || types.includes(a.type),
      field,
      `only ${types.join(" or ")} actions carry ${field}`,
    );
  only("review", REVIEWS);
  only("malice", ["malicious_notice_flag"]);
  only("rectification", ["warning_letter", "rectification_checked"]);
  only("selfCriticismFile", ["suspension"]);
  only("warningText", ["publish_penalty"]);
  only("deliveredAt", ["forward_notice", "forward_declaration"]);
  only("remediesTold", ["forward_declaration"]);
  need(
    a.type !== "malicious_notice_flag" || a.malice !== undefined,
    "malice",
    "a malicious_notice_flag states the notifier and the considerations found (GB/T 39550 4.3.3.1 c)",
  );
  need(
    !MERCHANT_REQUIRED.includes(a.type) || a.merchant !== undefined,
    "merchant",
    `a ${a.type} names the merchant it is against`,
  );
  need(
    a.type !== "warning_letter" || a.rectification !== undefined,
    "rectification",
    "a warning letter orders rectification by a deadline (seed 000 §4 art. 3)",
  );
  need(
    a.type !== "rectification_checked" || a.rectification?.doneInTime !== undefined,
    "rectification",
    "a rectification check states whether it was done in time (rectification.doneInTime)",
  );
  need(
    a.type !== "publish_penalty" || a.warningText !== undefined,
    "warningText",
    "a published penalty decision carries the platform's warning text (seed 000 §2 art. 6)",
  );
  need(
    a.review?.outcome !== "returned_for_supplement" || (a.review.missing ?? []).length > 0,
    "review",
    "a return for supplement states the missing elements and why (GB/T 39550 4.3.2.2)",
  );
  return problems;
}
