import type { TypedRecord } from "../records";
import type { CertificateField } from "./certificate";

const KIND_NAMES: Record<TypedRecord["kind"], { zh: string; en: string }> = {
  notice: { zh: "侵权通知", en: "Infringement notice" },
  counter_notice: { zh: "不存在侵权行为声明", en: "Declaration of non-infringement" },
  evidence: { zh: "证据", en: "Evidence" },
  action: { zh: "平台措施或决定", en: "Platform measure or decision" },
  filing: { zh: "商户知识产权备案", en: "Merchant IP filing" },
  commitment: { zh: "承诺书", en: "Commitment" },
  report: { zh: "消费者举报", en: "Consumer report" },
  penalty_decision: { zh: "行政处罚决定", en: "Penalty decision" },
  mediation: { zh: "纠纷调解", en: "Mediation" },
  activity: { zh: "知识产权工作记录", en: "IP activity" },
  campaign: { zh: "专项整治记录", en: "Campaign record" },
  contact_directory: { zh: "维权联络公示", en: "Contact directory" },
  export: { zh: "监管导出", en: "Regulator's export" },
  erasure: { zh: "个人信息删除记录", en: "Erasure of personal data" },
};

/**
 * An identity number as a certificate prints it: the first four and last four characters, the
 * rest masked. A certificate travels (to courts, to the other side): the number identifies the
 * party to whoever already knows it, and discloses it to no one else.
 */
export function maskIdNumber(number: string): string {
  const chars = [...number];
  if (chars.length <= 8) return chars[0] + "*".repeat(Math.max(1, chars.length - 1));
  return chars.slice(0, 4).join("") + "*".repeat(chars.length - 8) + chars.slice(-4).join("");
}

/**
 * In place of a personal value the certificate's receipt does not disclose (DESIGN §7): the
 * record commits to it, and whoever holds its disclosure can show it matches.
 */
export const HIDDEN = "〔已隐去 hidden〕";

interface PartyLike {
  legalName?: string;
  idDocument?: { type: string; number: string };
}

const party = (zh: string, en: string, p: PartyLike | undefined): CertificateField[] =>
  p
    ? [
        {
          zh,
          en,
          value: `${p.legalName ?? HIDDEN}${p.idDocument ? ` (${p.idDocument.type} ${maskIdNumber(p.idDocument.number)})` : ""}`,
        },
      ]
    : [];

const listings = (list: readonly { url: string; itemId?: string; shopId?: string }[] = []) =>
  list.length === 0
    ? []
    : [
        {
          zh: "商品链接",
          en: "Listings",
          value: list
            .map((l) =>
              [l.url, l.itemId && `item ${l.itemId}`, l.shopId && `shop ${l.shopId}`]
                .filter(Boolean)
                .join(" · "),
            )
            .join("\n"),
        },
      ];

const text = (zh: string, en: string, value: string | undefined): CertificateField[] =>
  value ? [{ zh, en, value: value.length > 600 ? `${value.slice(0, 600)}…` : value }] : [];

/** What the record is, in a reader's words: kind, description, case, listings, parties. Pure. */
export function describeSubject(record: TypedRecord): CertificateField[] {
  const kind = KIND_NAMES[record.kind];
  const fields: CertificateField[] = [
    { zh: "记录类型", en: "Record kind", value: `${kind.zh} ${kind.en} (${record.kind})` },
  ];
  switch (record.kind) {
    case "notice": {
      const m = record.metadata;
      fields.push(
        ...party("通知人", "Notifier", m.notifier),
        ...party("代理人", "Agent", m.agent),
        ...(m.right
          ? [
              {
                zh: "权利",
                en: "Right",
                value: [m.right.type, m.right.registrationNumber, m.right.holder]
                  .filter(Boolean)
                  .join(" · "),
              },
            ]
          : []),
        ...listings(m.targets),
        ...text("侵权说明", "Explanation", m.explanation),
      );
      break;
    }
    case "counter_notice":
      fields.push(
        ...party("声明人", "Merchant", record.metadata.merchant),
        ...listings(record.metadata.items),
        ...text("理由", "Argument", record.metadata.argument),
      );
      break;
    case "evidence": {
      const m = record.metadata;
      fields.push(
        ...text("说明", "Description", m.description),
        ...text("案件编号", "Case reference", m.caseRef),
        { zh: "证据用途 / 阶段", en: "Role / phase", value: `${m.role} / ${m.phase}` },
        ...party("取证人", "Collected by", {
          legalName: m.collection.collector.name,
          ...(m.collection.collector.idDocument && {
            idDocument: m.collection.collector.idDocument,
          }),
        }),
        {
          zh: "取证方式与环境",
          en: "Collection",
          value: [
            m.collection.method,
            `${m.collection.environment.tool} ${m.collection.environment.toolVersion}`,
            m.collection.environment.url,
            `captured ${m.collection.capturedAt}`,
          ]
            .filter(Boolean)
            .join(" · "),
        },
      );
      break;
    }
    case "action":
      fields.push(
        { zh: "措施", en: "Action", value: record.metadata.type },
        ...text("理由", "Reasons", record.metadata.reasons),
        { zh: "生效时间", en: "Effective", value: record.metadata.effectiveAt },
      );
      break;
    case "filing":
      fields.push(...party("商户", "Merchant", record.metadata.merchant), {
        zh: "店铺",
        en: "Shop",
        value: `${record.metadata.shop.name} (${record.metadata.shop.platform} ${record.metadata.shop.shopId})`,
      });
      break;
    case "penalty_decision":
      fields.push(
        {
          zh: "执法机关 / 文号",
          en: "Authority / number",
          value: `${record.metadata.authority} ${record.metadata.documentNumber}`,
        },
        ...party("当事人", "Merchant", record.metadata.merchant),
      );
      break;
    case "report":
      fields.push(
        ...listings(record.metadata.listings),
        ...text("举报内容", "Content", record.metadata.content),
      );
      break;
    case "mediation":
    case "activity":
    case "campaign":
      fields.push(
        ...text(
          "摘要",
          "Summary",
          "summary" in record.metadata
            ? record.metadata.summary
            : "description" in record.metadata
              ? record.metadata.description
              : undefined,
        ),
      );
      break;
    case "commitment":
      fields.push(...party("承诺人", "Party", record.metadata.party));
      break;
    case "contact_directory":
    case "export":
      break;
  }
  return fields;
}
