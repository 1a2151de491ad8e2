import type { RecordOf, TypedRecord } from "../records";
import { maskText, publicName } from "./redaction";

type Action = RecordOf<"action">;

export const PUBLICATION_FEED_FORMAT = "publication-feed/v1";

/** One thing the platform published, as the public sees it. */
export interface Publication {
  /** The publication action's record id: the publication itself is notarised. */
  id: string;
  /** Where anyone verifies the publication record itself. */
  verify: string;
  publishedAt: string;
  subject: "notice" | "declaration" | "outcome" | "penalty" | "commitment" | "report";
  /** The records published, each as its public view, with where to verify it. */
  items: { recordId: string; kind: string; verify: string; view: Record<string, unknown> }[];
  /** For penalties: the platform's warning text (seed 000 §2 art. 6). */
  warningText?: string;
}

const SUBJECTS: Partial<Record<string, Publication["subject"]>> = {
  publish_notice: "notice",
  publish_declaration: "declaration",
  publish_result: "outcome",
  publish_penalty: "penalty",
  publish_commitment: "commitment",
  publish_report: "report",
};

/**
 * A listing as published: where it is, never who runs it. The merchant written on a listing
 * may be a person's name: the shop id identifies the shop without it.
 */
const listing = (l: { platform: string; url: string; itemId?: string; shopId?: string }) => ({
  platform: l.platform,
  url: l.url,
  ...(l.itemId && { itemId: l.itemId }),
  ...(l.shopId && { shopId: l.shopId }),
});

/** The public view of a record: a whitelist of fields, names and free text redacted. */
export function publicView(record: TypedRecord): Record<string, unknown> | undefined {
  switch (record.kind) {
    case "notice": {
      const m = record.metadata;
      return {
        receivedAt: record.receivedAt,
        channel: m.channel,
        notifier: publicName(m.notifier),
        ...(m.right && {
          right: {
            type: m.right.type,
            ...(m.right.registrationNumber && { registrationNumber: m.right.registrationNumber }),
            // The holder's type is not stated: taken for a person's name, so masked.
            ...(m.right.holder && { holder: publicName({ legalName: m.right.holder }) }),
          },
        }),
        listings: (m.targets ?? []).map(listing),
        ...(m.explanation && { explanation: maskText(m.explanation) }),
      };
    }
    case "counter_notice": {
      const m = record.metadata;
      return {
        receivedAt: record.receivedAt,
        merchant: publicName(m.merchant),
        listings: m.items.map(listing),
        argument: maskText(m.argument),
      };
    }
    case "action": {
      const m = record.metadata;
      return {
        type: m.type,
        effectiveAt: m.effectiveAt,
        decidedBy: m.decidedBy.kind,
        reasons: maskText(m.reasons),
        ...(m.statement && {
          measure: maskText(m.statement.measure),
          legalGround: maskText(m.statement.legalGround),
          redress: maskText(m.statement.redress),
        }),
      };
    }
    case "penalty_decision": {
      const m = record.metadata;
      return {
        authority: m.authority,
        documentNumber: m.documentNumber,
        decidedOn: m.decidedOn,
        merchant: publicName(m.merchant),
        violation: maskText(m.violation),
        penalty: maskText(m.penalty),
      };
    }
    case "commitment": {
      const m = record.metadata;
      return {
        party: publicName(m.party),
        text: maskText(m.text),
        signedAt: m.signedAt,
        ...(m.validUntil && { validUntil: m.validUntil }),
      };
    }
    case "report": {
      // Who reported is never published, anonymous or not: what was reported is.
      const m = record.metadata;
      return {
        receivedAt: record.receivedAt,
        channel: m.channel,
        category: m.category,
        listings: (m.listings ?? []).map(listing),
        content: maskText(m.content),
      };
    }
    default:
      return undefined;
  }
}

/**
 * The publication feed (E-Commerce Law art. 44; seed 000 §2 art. 6, §3 art. 4; GB/T 39550 5.2):
 * what the platform recorded as published, newest first, each item as its public view. A
 * record is public only through a publication action that concerns it. Pure.
 */
export function toPublications(
  actions: readonly Action[],
  recordOf: (id: string) => TypedRecord | undefined,
  verifyLink: (recordId: string) => string,
): Publication[] {
  return actions
    .filter((a) => SUBJECTS[a.metadata.type] !== undefined)
    .map((a) => {
      const items = a.links
        .filter((l) => l.rel === "concerns")
        .map((l) => recordOf(l.id))
        .flatMap((r) => {
          const view = r && publicView(r);
          return r && view
            ? [{ recordId: r.id, kind: r.kind, verify: verifyLink(r.id), view }]
            : [];
        });
      return {
        id: a.id,
        verify: verifyLink(a.id),
        publishedAt: a.metadata.publication?.publishedAt ?? a.metadata.effectiveAt,
        subject: SUBJECTS[a.metadata.type]!,
        items,
        ...(a.metadata.warningText && { warningText: maskText(a.metadata.warningText) }),
      };
    })
    .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
}

export interface DirectoryVersion {
  recordId: string;
  receivedAt: string;
  effectiveFrom: string;
  verify: string;
  entries: RecordOf<"contact_directory">["metadata"]["entries"];
}

/** Every version of the contact directory (seed 000 §1), newest first; entries are public. */
export function toDirectoryVersions(
  directories: readonly RecordOf<"contact_directory">[],
  verifyLink: (recordId: string) => string,
): DirectoryVersion[] {
  return [...directories]
    .sort((a, b) => b.seq - a.seq)
    .map((d) => ({
      recordId: d.id,
      receivedAt: d.receivedAt,
      effectiveFrom: d.metadata.effectiveFrom,
      verify: verifyLink(d.id),
      entries: d.metadata.entries,
    }));
}
