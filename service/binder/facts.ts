import { caseOutcome } from "../cases";
import { holdsPersonalData, type Json } from "../disclosure";
import { checkNoticeElements, type RecordKind, type RecordOf, type TypedRecord } from "../records";

type Action = RecordOf<"action">;

/**
 * What the ledger shows, as named facets each with the records that show it: `notice.channel.
 * email`, `action.takedown`, `activity.training`, … The binder's rows score facets, and print
 * their records as the evidence. Pure: records go in one at a time (seq order), with whether
 * their batch is anchored and witnessed; case-level facets are found once all are in.
 */
/** What the binder knows of a record's batch. */
export interface ChainFacts {
  anchored: boolean;
  /** An RFC 3161 token holds the batch root. */
  witnessed: boolean;
  /** Witnessed by someone the operator does not control: a TSA, or a public chain. */
  independent: boolean;
}

export class BinderFacts {
  private readonly facets = new Map<string, string[]>();
  /** Filings of merchants that had exited, as the merchant register flags them. */
  private readonly reEntries: ReadonlySet<string>;
  /** Re-entry filings a verification rejected: the merchant was stopped at the door. */
  private readonly intercepted = new Set<string>();

  constructor(o: { reEntries?: readonly string[] } = {}) {
    this.reEntries = new Set(o.reEntries ?? []);
  }
  private readonly kinds = new Map<string, RecordKind>();
  /** Per notice: the actions concerning it or a declaration answering it. */
  private readonly cases = new Map<string, { actions: Action[]; declarations: string[] }>();
  private readonly caseOf = new Map<string, string>();

  private note(facet: string, id: string): void {
    const ids = this.facets.get(facet);
    if (!ids) this.facets.set(facet, [id]);
    else if (ids[ids.length - 1] !== id) ids.push(id);
  }

  add(record: TypedRecord, chain: ChainFacts): void {
    const id = record.id;
    this.kinds.set(id, record.kind);
    this.note("record", id);
    if (chain.anchored) this.note("anchored", id);
    if (chain.witnessed) this.note("witnessed", id);
    if (chain.independent) this.note("independently_witnessed", id);
    if (record.files.length > 0) this.note("fingerprinted_file", id);
    // A v1 record commits its personal values in the clear: its proof shows them to anyone
    // handed it, and they can never be erased (DESIGN §7).
    if (
      record.format === "evidence-record/v1" &&
      holdsPersonalData(record.kind, record.metadata as Json)
    )
      this.note("personal_in_clear", id);
    switch (record.kind) {
      case "notice": {
        const m = record.metadata;
        this.note("notice", id);
        this.note(`notice.channel.${m.channel}`, id);
        this.note(`channel.${m.channel}`, id);
        for (const check of checkNoticeElements(record, "CN"))
          if (check.present) this.note(`notice.element.${check.element}`, id);
        if (record.links.some((l) => l.rel === "resubmits")) this.note("notice.resubmission", id);
        this.cases.set(id, { actions: [], declarations: [] });
        this.caseOf.set(id, id);
        break;
      }
      case "counter_notice": {
        const m = record.metadata;
        this.note("declaration", id);
        if (m.channel) {
          this.note(`declaration.channel.${m.channel}`, id);
          this.note("declaration.channel", id);
        }
        // The five kinds of content GB/T 39550 4.3.3.2 b asks a declaration to hold.
        this.note("declaration.element.identity", id);
        this.note("declaration.element.items", id);
        if (m.rightOrLicence) this.note("declaration.element.right", id);
        if (record.links.some((l) => l.rel === "evidence"))
          this.note("declaration.element.evidence", id);
        this.note("declaration.element.undertaking", id);
        const notice = record.links.find((l) => l.rel === "answers")?.id;
        if (notice && this.cases.has(notice)) {
          this.caseOf.set(id, notice);
          this.cases.get(notice)!.declarations.push(id);
        }
        break;
      }
      case "action":
        this.addAction(record);
        break;
      case "report":
        this.note("report", id);
        this.note(`channel.${record.metadata.channel}`, id);
        break;
      case "filing": {
        const m = record.metadata;
        this.note("filing", id);
        if ((m.identityProofFiles ?? []).length > 0) this.note("filing.identity_proof", id);
        if (this.reEntries.has(id)) this.note("filing.re_entry", id);
        this.note("filing.ip_compliance", id);
        for (const g of m.goodsIp ?? [])
          for (const shown of g.shown) {
            this.note(`filing.goods_ip.${shown.type}`, id);
            if (shown.basis !== "own" && (shown.proofFiles ?? []).length > 0)
              this.note("filing.authorisation_proof", id);
          }
        break;
      }
      case "contact_directory":
        this.note("directory", id);
        for (const e of record.metadata.entries) this.note(`channel.${e.channel}`, id);
        break;
      case "evidence":
        this.note("evidence", id);
        this.note(`evidence.phase.${record.metadata.phase}`, id);
        // The page as the service itself obtained it, not as a party says it looked.
        if (record.metadata.collection.method === "service_capture")
          this.note("evidence.service_capture", id);
        break;
      case "mediation":
        this.note(`mediation.${record.metadata.route}`, id);
        break;
      case "activity":
        // An activity line alone is a claim: it evidences only with its document attached
        // (agenda, sign-in sheet, minutes).
        if ((record.metadata.documentFiles ?? []).length > 0)
          this.note(`activity.${record.metadata.type}`, id);
        break;
      case "export":
        // A court bundle is notarised as an export too, but it is a party's file, not the
        // regulator's data export 5.4 asks for.
        this.note(record.metadata.filters.bundle === undefined ? "export" : "bundle", id);
        break;
      case "commitment":
      case "penalty_decision":
      case "campaign":
        this.note(record.kind, id);
        break;
    }
  }

  private addAction(a: Action): void {
    const id = a.id;
    const m = a.metadata;
    this.note(`action.${m.type}`, id);
    if (m.review) {
      this.note(`review.${m.type}.${m.review.outcome}`, id);
      if (m.review.raisedThreshold) this.note("review.raised_threshold", id);
      if (m.review.outcome === "returned_for_supplement" && (m.review.missing ?? []).length > 0)
        this.note("review.return_stated", id);
      if (a.links.some((l) => l.rel === "concerns" && this.kinds.get(l.id) === "counter_notice"))
        this.note("review.of_declaration", id);
    }
    if (m.type === "filing_verified" && m.review?.outcome === "rejected")
      for (const l of a.links)
        if (l.rel === "concerns" && this.reEntries.has(l.id)) {
          this.intercepted.add(l.id);
          this.note("filing.re_entry_intercepted", id);
        }
    if (m.malice) {
      this.note("malice.flag", id);
      if ((m.malice.proofFiles ?? []).length > 0) this.note("malice.proven", id);
      for (const c of m.malice.considerations) this.note(`malice.${c.consideration}`, id);
    }
    if (m.publication || m.type.startsWith("publish_")) this.note("publication", id);
    const notices = new Set(
      a.links
        .filter((l) => l.rel === "concerns")
        .map((l) => this.caseOf.get(l.id))
        .filter((n): n is string => n !== undefined),
    );
    for (const n of notices) this.cases.get(n)!.actions.push(a);
  }

  /** Case-level facets: what valid notices were answered with, and how cases ended. */
  private addCases(): void {
    for (const [notice, c] of this.cases) {
      if (c.actions.length > 0) this.note("case.tracked", notice);
      if (caseOutcome(c.actions) === "refused") continue;
      for (const a of c.actions) {
        const type = a.metadata.type;
        // A suspension counts as a measure on a notice only when it answers one: one that
        // followed a penalty decision is enforcement, not 4.3.3.1 a.
        if (["takedown", "block", "delink", "terminate_transactions", "suspension"].includes(type))
          this.note(`valid.measure.${type}`, a.id);
        if (type === "forward_notice") this.note("valid.forwarded", a.id);
      }
      const at = (a: Action) => Date.parse(a.metadata.effectiveAt);
      const cleared = c.actions.find((a) => a.metadata.review?.outcome === "no_infringement");
      const restored = c.actions.find((a) => a.metadata.type === "restore");
      if (cleared && restored && at(restored) >= at(cleared))
        this.note("case.ended_on_no_infringement", restored.id);
      if (c.declarations.length > 0 && !restored) {
        const kept = c.actions.find(
          (a) =>
            a.metadata.type === "complaint_or_lawsuit_notified" ||
            a.metadata.review?.outcome === "infringement_likely",
        );
        if (
          kept &&
          c.actions.some((a) => a.metadata.type === "takedown" || a.metadata.type === "block")
        )
          this.note("case.measures_kept", kept.id);
      }
    }
  }

  /** The facets, read-only, once every record is in. */
  result(): Facts {
    this.addCases();
    for (const id of this.facets.get("filing.re_entry") ?? [])
      if (!this.intercepted.has(id)) this.note("filing.re_entry_standing", id);
    return new Facts(this.facets);
  }
}

export class Facts {
  constructor(private readonly facets: ReadonlyMap<string, readonly string[]>) {}

  ids(facet: string): readonly string[] {
    return this.facets.get(facet) ?? [];
  }

  count(facet: string): number {
    return this.ids(facet).length;
  }

  has(facet: string): boolean {
    return this.count(facet) > 0;
  }

  /** The first `n` records of every facet: the samples a binder shows. */
  sampleIds(n: number): Set<string> {
    return new Set([...this.facets.values()].flatMap((ids) => ids.slice(0, n)));
  }

  /** Facets under `prefix.` that hold at least one record, by their last part. */
  present(prefix: string): string[] {
    return [...this.facets.keys()]
      .filter((f) => f.startsWith(`${prefix}.`) && this.has(f))
      .map((f) => f.slice(prefix.length + 1));
  }
}
