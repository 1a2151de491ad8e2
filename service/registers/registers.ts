import { caseOutcome, lastDecisive } from "../cases";
import type { RecordOf, TypedRecord } from "../records";
import { creditOfMerchant, creditOfNotifier, type Credit } from "./credit";
import { MerchantKeys } from "./parties";

type Action = RecordOf<"action">;

export interface RegisterEvent {
  recordId: string;
  at: string;
  what:
    | "notice"
    | "determination"
    | "reversal"
    | "warning"
    | "rectification_on_time"
    | "rectification_late"
    | "suspension"
    | "key_management"
    | "authority_penalty"
    | "credit_penalty"
    | "penalty_published"
    | "exit"
    | "filing"
    | "filing_verified"
    /** A filing after the merchant's exit: the same credit code or identity back on the platform. */
    | "re_entry";
  detail?: string;
}

export interface FilingView {
  recordId: string;
  receivedAt: string;
  shopId: string;
  shopName: string;
  /** The filing this one replaced, if any. */
  supersedes?: string;
  /** Actions of type filing_verified concerning it. */
  verifiedBy: string[];
  /** Filed after the same merchant (credit code or identity number) had exited. */
  afterExit?: true;
}

export interface MerchantEntry {
  key: string;
  name: string;
  shops: string[];
  filings: { current: FilingView | undefined; history: FilingView[] };
  events: RegisterEvent[];
  counts: {
    noticesAgainst: number;
    determinations: number;
    reversals: number;
    warnings: number;
    rectificationsLate: number;
    suspensions: number;
    authorityPenalties: number;
  };
  keyManagement: boolean;
  exited: boolean;
  /** Filings made after an exit (seed 000 §4: a terminated merchant must not come back unseen). */
  reEntries: string[];
  /**
   * After an exit: the date the merchant's filings must be kept until, three years after it
   * (E-Commerce Law art. 31 and seed 000 §5, our reading); null while it trades.
   */
  filingsKeepUntil: string | null;
  /** Two or more authority penalties and no exit yet (seed 000 §4 art. 4(2)). */
  terminationDue: boolean;
  /** Warning letters whose rectification deadline passed with no check recorded. */
  rectificationOverdue: string[];
  credit: Credit;
}

export interface NotifierEntry {
  idNumber: string;
  name: string;
  notices: number;
  /** Notices returned for supplement or rejected on review. */
  refused: number;
  /** Notices whose measures were reversed (restored, or no infringement found). */
  reversed: number;
  /** Notices whose determination stands. */
  upheld: number;
  maliciousFlags: { recordId: string; at: string; considerations: string[] }[];
  credit: Credit;
}

export interface Registers {
  merchants: MerchantEntry[];
  notifiers: NotifierEntry[];
}

export interface RegisterOptions {
  now: Date;
  /** Authority penalties after which a merchant is due contract termination. */
  terminationPenalties: number;
}

/**
 * The platform's registers, derived from the ledger and from nothing else: the merchant
 * enforcement register (seed 000 §2 art. 5-6, §4), the malicious-notifier register (E-Commerce
 * Law art. 42 ¶3; GB/T 39550 4.3.3.1 c), filings with their history (seed 000 §5) and the credit
 * of both (README, "Credit evaluation"). Pure: the records in, in any order.
 */
export function buildRegisters(records: readonly TypedRecord[], o: RegisterOptions): Registers {
  const keys = new MerchantKeys();
  for (const r of records) keys.learn(r);
  const merchants = new Map<string, MerchantEntry>();
  const merchant = (key: string): MerchantEntry => {
    let entry = merchants.get(key);
    if (!entry) {
      entry = {
        key,
        name: keys.nameOf(key),
        shops: [],
        filings: { current: undefined, history: [] },
        events: [],
        counts: {
          noticesAgainst: 0,
          determinations: 0,
          reversals: 0,
          warnings: 0,
          rectificationsLate: 0,
          suspensions: 0,
          authorityPenalties: 0,
        },
        keyManagement: false,
        exited: false,
        reEntries: [],
        filingsKeepUntil: null,
        terminationDue: false,
        rectificationOverdue: [],
        credit: { score: 100, grade: "A", factors: [] },
      };
      merchants.set(key, entry);
    }
    return entry;
  };
  const notifiers = new Map<string, NotifierEntry>();
  const notifier = (idNumber: string, name: string): NotifierEntry => {
    let entry = notifiers.get(idNumber);
    if (!entry) {
      entry = {
        idNumber,
        name,
        notices: 0,
        refused: 0,
        reversed: 0,
        upheld: 0,
        maliciousFlags: [],
        credit: { score: 100, grade: "A", factors: [] },
      };
      notifiers.set(idNumber, entry);
    }
    return entry;
  };

  const byId = new Map(records.map((r) => [r.id, r]));
  const actionsOf = new Map<string, Action[]>();
  const noticeOf = (id: string): RecordOf<"notice"> | undefined => {
    const r = byId.get(id);
    if (r?.kind === "notice") return r;
    if (r?.kind === "counter_notice") {
      const answered = r.links.find((l) => l.rel === "answers");
      const n = answered && byId.get(answered.id);
      return n?.kind === "notice" ? n : undefined;
    }
    return undefined;
  };
  for (const r of records) {
    if (r.kind !== "action") continue;
    const notices = new Set(
      r.links
        .filter((l) => l.rel === "concerns")
        .map((l) => noticeOf(l.id)?.id)
        .filter((id): id is string => id !== undefined),
    );
    for (const id of notices) actionsOf.set(id, [...(actionsOf.get(id) ?? []), r]);
  }

  // Notices sent again after a return for supplement: the return cost the notifier nothing.
  const resubmitted = new Set(
    records.flatMap((r) =>
      r.kind === "notice" ? r.links.filter((l) => l.rel === "resubmits").map((l) => l.id) : [],
    ),
  );
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  const filingsById = new Map<string, FilingView>();
  for (const r of sorted) {
    switch (r.kind) {
      case "filing": {
        const entry = merchant(r.metadata.merchant.idDocument.number);
        const superseded = r.links.find((l) => l.rel === "supersedes")?.id;
        const view: FilingView = {
          recordId: r.id,
          receivedAt: r.receivedAt,
          shopId: r.metadata.shop.shopId,
          shopName: r.metadata.shop.name,
          ...(superseded && { supersedes: superseded }),
          verifiedBy: [],
          ...(entry.exited && { afterExit: true as const }),
        };
        filingsById.set(r.id, view);
        entry.filings.history.push(view);
        if (!entry.shops.includes(view.shopId)) entry.shops.push(view.shopId);
        entry.events.push({ recordId: r.id, at: r.receivedAt, what: "filing" });
        // An exited merchant filing again, under any shop, is flagged, not taken in unseen.
        if (entry.exited) {
          entry.reEntries.push(r.id);
          entry.events.push({
            recordId: r.id,
            at: r.receivedAt,
            what: "re_entry",
            detail: `shop ${view.shopId} filed after the merchant's exit`,
          });
        }
        break;
      }
      case "notice": {
        const outcome = caseOutcome(actionsOf.get(r.id) ?? []);
        const id = r.metadata.notifier.idDocument?.number;
        if (id) {
          const entry = notifier(id, r.metadata.notifier.legalName);
          entry.notices++;
          const returnedAndResubmitted =
            resubmitted.has(r.id) &&
            (actionsOf.get(r.id) ?? []).some(
              (a) => a.metadata.review?.outcome === "returned_for_supplement",
            );
          if (outcome === "refused" && !returnedAndResubmitted) entry.refused++;
          if (outcome === "reversed") entry.reversed++;
          if (outcome === "upheld") entry.upheld++;
        }
        const against = new Set(
          (r.metadata.targets ?? [])
            .filter((t) => t.shopId !== undefined)
            .map((t) => keys.ofShop(t.shopId!, t.merchant)),
        );
        for (const key of against) {
          const entry = merchant(key);
          entry.counts.noticesAgainst++;
          entry.events.push({ recordId: r.id, at: r.receivedAt, what: "notice" });
          const decisive = lastDecisive(actionsOf.get(r.id) ?? []);
          if (outcome === "upheld" && decisive) {
            entry.counts.determinations++;
            entry.events.push({
              recordId: decisive.id,
              at: decisive.metadata.effectiveAt,
              what: "determination",
            });
          }
          if (outcome === "reversed" && decisive) {
            entry.counts.reversals++;
            entry.events.push({
              recordId: decisive.id,
              at: decisive.metadata.effectiveAt,
              what: "reversal",
            });
          }
        }
        break;
      }
      case "penalty_decision": {
        const entry = merchant(r.metadata.merchant.idDocument.number);
        if (r.metadata.shopId && !entry.shops.includes(r.metadata.shopId))
          entry.shops.push(r.metadata.shopId);
        entry.counts.authorityPenalties++;
        entry.events.push({
          recordId: r.id,
          at: `${r.metadata.decidedOn}T00:00:00+08:00`,
          what: "authority_penalty",
          detail: `${r.metadata.authority} ${r.metadata.documentNumber}`,
        });
        break;
      }
      case "action":
        applyAction(r, { merchant, notifier, keys, filingsById, now: o.now });
        break;
      default:
        break;
    }
  }

  for (const entry of merchants.values()) {
    entry.name = keys.nameOf(entry.key);
    const history = entry.filings.history;
    const replaced = new Set(history.map((f) => f.supersedes).filter(Boolean));
    entry.filings.current = [...history].reverse().find((f) => !replaced.has(f.recordId));
    entry.terminationDue =
      !entry.exited && entry.counts.authorityPenalties >= o.terminationPenalties;
    entry.events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    entry.credit = creditOfMerchant(entry);
  }
  for (const entry of notifiers.values()) entry.credit = creditOfNotifier(entry);
  return {
    merchants: [...merchants.values()].sort((a, b) => a.key.localeCompare(b.key)),
    notifiers: [...notifiers.values()].sort((a, b) => a.idNumber.localeCompare(b.idNumber)),
  };
}

function applyAction(
  a: Action,
  ctx: {
    merchant: (key: string) => MerchantEntry;
    notifier: (id: string, name: string) => NotifierEntry;
    keys: MerchantKeys;
    filingsById: Map<string, FilingView>;
    now: Date;
  },
): void {
  const m = a.metadata;
  const at = m.effectiveAt;
  if (m.type === "malicious_notice_flag" && m.malice) {
    ctx
      .notifier(m.malice.notifier.idDocument.number, m.malice.notifier.legalName)
      .maliciousFlags.push({
        recordId: a.id,
        at,
        considerations: m.malice.considerations.map((c) => c.consideration),
      });
    return;
  }
  if (m.type === "filing_verified") {
    for (const link of a.links)
      if (link.rel === "concerns") ctx.filingsById.get(link.id)?.verifiedBy.push(a.id);
    return;
  }
  if (!m.merchant) return;
  const entry = ctx.merchant(ctx.keys.ofRef(m.merchant));
  const event = (what: RegisterEvent["what"], detail?: string) =>
    entry.events.push({ recordId: a.id, at, what, ...(detail && { detail }) });
  switch (m.type) {
    case "warning_letter":
      entry.counts.warnings++;
      event("warning", m.rectification ? `rectify by ${m.rectification.deadline}` : undefined);
      if (m.rectification && Date.parse(m.rectification.deadline) < ctx.now.getTime())
        entry.rectificationOverdue.push(a.id);
      break;
    case "rectification_checked": {
      const warned = a.links.filter((l) => l.rel === "concerns").map((l) => l.id);
      entry.rectificationOverdue = entry.rectificationOverdue.filter((id) => !warned.includes(id));
      if (m.rectification?.doneInTime === false) entry.counts.rectificationsLate++;
      event(m.rectification?.doneInTime ? "rectification_on_time" : "rectification_late");
      break;
    }
    case "suspension":
      entry.counts.suspensions++;
      event("suspension");
      break;
    case "key_management":
      entry.keyManagement = true;
      event("key_management");
      break;
    case "credit_penalty":
      event("credit_penalty");
      break;
    case "publish_penalty":
      event("penalty_published", m.warningText);
      break;
    case "merchant_exit": {
      entry.exited = true;
      const until = new Date(at);
      until.setUTCFullYear(until.getUTCFullYear() + 3);
      entry.filingsKeepUntil = until.toISOString();
      event("exit");
      break;
    }
    default:
      break;
  }
}
