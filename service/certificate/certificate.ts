import { z } from "zod";
import { parseCanonicalRecord } from "../records";
import type { AnchoredReceipt, Rfc3161Witness } from "../receipts/receipt";
import { DEV_CHAIN_IDS } from "../verify/verifier";
import { checkDisclosures } from "../verify/record-steps";
import { describeSubject, HIDDEN } from "./subject";
import { describeToken } from "../witnesses/rfc3161";
import { inBeijingTime } from "./beijing-time";

export { inBeijingTime };

export const CERTIFICATE_FORMAT = "evidence-certificate/v1";

const Bilingual = { zh: z.string(), en: z.string() };

/** One line of a certificate: a bilingual label and its value. */
const CertificateFieldSchema = z.object({ ...Bilingual, value: z.string() });
export type CertificateField = z.infer<typeof CertificateFieldSchema>;

/**
 * The evidence certificate (存证证书) of one anchored record, as data (format
 * `evidence-certificate/v1`, JSON Schema beside this file): what the HTML and PDF print.
 */
export const CertificateSchema = z
  .object({
    format: z.literal(CERTIFICATE_FORMAT),
    number: z.string(),
    recordId: z.uuid(),
    verifyUrl: z.string(),
    sections: z.array(z.object({ ...Bilingual, fields: z.array(CertificateFieldSchema) })),
    files: z.array(
      z.object({
        name: z.string(),
        mediaType: z.string(),
        size: z.number().int().nonnegative(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    ),
    /** How to verify by hand, step by step. */
    steps: z.array(z.object(Bilingual)),
    /** The anchor is on a chain the operator runs itself (a development chain). */
    developmentChain: z.boolean(),
  })
  .strict();
export type Certificate = z.infer<typeof CertificateSchema>;

interface CertificateWitness {
  type: string;
  name: string;
  time: string | undefined;
  controlledByOperator: boolean;
}

/**
 * The witnesses as the receipt states them, the chain anchor first. A certificate describes;
 * the verifier judges (a token here is read, not checked against trust anchors).
 */
function witnessesOf(receipt: AnchoredReceipt): CertificateWitness[] {
  const { anchor } = receipt;
  const chain: CertificateWitness = {
    type: "evm-chain",
    name: `区块链 chain ${anchor.chainId}, 区块 block ${anchor.blockNumber}`,
    time: new Date(anchor.blockTimestamp * 1000).toISOString(),
    controlledByOperator: DEV_CHAIN_IDS.has(anchor.chainId),
  };
  const others = (receipt.witnesses ?? []).map((w): CertificateWitness => {
    if (w.type !== "rfc3161")
      return { type: w.type, name: `${w.type}`, time: undefined, controlledByOperator: false };
    const token = w as Rfc3161Witness;
    let tsa = token.tsa;
    try {
      tsa = describeToken(Uint8Array.from(atob(token.token), (c) => c.charCodeAt(0))).tsa;
    } catch {
      // An unreadable token is named by its source; the verifier will refuse it.
    }
    return {
      type: "rfc3161",
      name: `时间戳机构 TSA ${tsa} (RFC 3161)`,
      time: token.time,
      controlledByOperator: false,
    };
  });
  return [chain, ...others];
}

/** The number printed on a certificate: `EN-<seq, 8 digits>-<leaf hash, first 8 hex digits>`. */
/**
 * A file's size as a certificate prints it. An empty file is said to be one: its digest is the
 * digest of nothing, which proves no evidence, and a reader should not take it for a file.
 */
/** What a certificate says where a record has no files of its own. */
export const NO_FILES =
  "本记录无附件文件；如有关联记录，其证据见“关联记录”。 This record has no files of its own; the evidence it links, if any, is under Linked records.";

export function sizeLabel(size: number): string {
  return size === 0 ? "0（空文件 empty file）" : String(size);
}

export function certificateNumber(seq: number, leafHash: string): string {
  return `EN-${String(seq).padStart(8, "0")}-${leafHash.replace(/^0x/, "").slice(0, 8).toUpperCase()}`;
}

/** The seq and leaf-hash prefix a certificate number names, or undefined if it is not one. */
export function parseCertificateNumber(
  number: string,
): { seq: number; leafPrefix: string } | undefined {
  const match = /^EN-(\d{8,})-([0-9A-F]{8})$/i.exec(number.trim());
  return match ? { seq: Number(match[1]), leafPrefix: match[2]!.toLowerCase() } : undefined;
}

/** A record this one links (a notice's evidence, a declaration's notice), as the ledger holds it. */
export interface LinkedRecord {
  rel: string;
  recordId: string;
  seq: number;
  leafHash: string;
  /** Its files' digests; a file marked personal is listed without its name. */
  files: { name?: string; sha256: string; size: number }[];
}

const REL_NAMES: Record<string, string> = {
  evidence: "证据",
  answers: "所答复的通知",
  concerns: "所涉记录",
  resubmits: "补正前的通知",
  supersedes: "所取代的记录",
};

/**
 * The records a certificate's record links, each by its certificate number, its leaf hash and
 * its files' digests: a notice whose evidence is a record of its own shows that evidence, which
 * anyone can check by the number, rather than an empty list of files.
 */
function linkedSection(linked: readonly LinkedRecord[]): Certificate["sections"] {
  if (linked.length === 0) return [];
  return [
    {
      zh: "关联记录",
      en: "Linked records",
      fields: linked.map((l) => ({
        zh: REL_NAMES[l.rel] ?? l.rel,
        en: l.rel,
        value: [
          `${certificateNumber(l.seq, l.leafHash)} (记录 record ${l.recordId})`,
          `记录哈希 leaf hash ${l.leafHash}`,
          ...l.files.map(
            (f) =>
              `${f.name ?? "个人信息文件 personal file"} SHA-256 ${f.sha256} (${sizeLabel(f.size)} bytes)`,
          ),
        ].join(" · "),
      })),
    },
  ];
}

/** What a service capture recorded of how it obtained the page (its `capture.json`). */
export interface CaptureFactsView {
  requestedUrl: string;
  finalUrl: string;
  title: string;
  redirects: { url: string; status: number }[];
  mainDocument: {
    status: number;
    remoteAddress?: string;
    tls?: {
      protocol: string | null;
      chain: { subject: string; issuer: string; validTo: string }[];
    };
  };
  dns: { host: string; addresses: string[] }[];
  browser: {
    name: string;
    version: string;
    userAgent: string;
    viewport: { width: number; height: number };
  };
  startedAt: string;
  finishedAt: string;
}

/**
 * How the service itself obtained a captured page (Online Litigation Rules art. 18: the state
 * of the evidence before it was stored), read from the capture's own file, whose digest is
 * listed with the others.
 */
export const CAPTURE_SECTION = "Web capture (made by this service)";

/**
 * A capture's facts file the certificate cannot show: one marked personal (DESIGN §7), to a
 * reader not entitled to personal files, or erased.
 */
export interface CaptureFactsUnavailable {
  unavailable: "withheld" | "erased";
}

const CAPTURE_UNAVAILABLE: Record<CaptureFactsUnavailable["unavailable"], string> = {
  withheld:
    "含个人信息，仅向提交者、平台和监管部门显示；其摘要见下 / holds personal data, shown to the submitter, the platform and regulators only; its digest is listed below",
  erased:
    "已作为个人信息删除；其摘要仍在记录中，证明不受影响 / erased as personal data; its digest stays in the record and every proof still verifies",
};

function captureSection(
  c: CaptureFactsView | CaptureFactsUnavailable | undefined,
): Certificate["sections"] {
  if (!c) return [];
  if ("unavailable" in c)
    return [
      {
        zh: "网页取证（本服务自行取证）",
        en: CAPTURE_SECTION,
        fields: [
          { zh: "取证详情", en: "Capture details", value: CAPTURE_UNAVAILABLE[c.unavailable] },
        ],
      },
    ];
  const leaf = c.mainDocument.tls?.chain[0];
  return [
    {
      zh: "网页取证（本服务自行取证）",
      en: CAPTURE_SECTION,
      fields: [
        { zh: "取证网址", en: "URL asked for", value: c.requestedUrl },
        {
          zh: "最终网址",
          en: "Final URL",
          value:
            c.redirects.length > 1
              ? `${c.finalUrl} (${c.redirects.map((r) => `${r.status} ${r.url}`).join(" → ")})`
              : c.finalUrl,
        },
        { zh: "页面标题", en: "Page title", value: c.title || "—" },
        {
          zh: "取证时间",
          en: "Captured",
          value: `${inBeijingTime(c.startedAt)} – ${inBeijingTime(c.finishedAt)}`,
        },
        {
          zh: "服务器地址与域名解析",
          en: "Server address and DNS answers",
          value: [
            c.mainDocument.remoteAddress ?? "—",
            ...c.dns.map((d) => `${d.host} → ${d.addresses.join(", ") || "—"}`),
          ].join(" · "),
        },
        {
          zh: "传输安全",
          en: "Transport security",
          value: c.mainDocument.tls
            ? `${c.mainDocument.tls.protocol ?? "TLS"} · 证书 certificate ${leaf?.subject ?? "—"} · 签发者 issuer ${leaf?.issuer ?? "—"} · 有效至 valid to ${leaf?.validTo ?? "—"}`
            : "未加密 not encrypted (http)",
        },
        {
          zh: "取证环境",
          en: "Capture environment",
          value: `${c.browser.name} ${c.browser.version}, ${c.browser.viewport.width}×${c.browser.viewport.height}, 全新配置 fresh profile · ${c.browser.userAgent}`,
        },
      ],
    },
  ];
}

/**
 * Pure: everything printed on a certificate comes from the anchored receipt, besides the
 * verification link, the code that lets its holder look the record up (`lookup.ts`) and the
 * records it links, as the ledger holds them.
 */
export function toCertificate(
  receipt: AnchoredReceipt,
  options: {
    verifyUrl: string;
    lookupCode?: string;
    issuer: string;
    linked?: readonly LinkedRecord[];
    /** A service capture's facts (its `capture.json`, a file of the record), or why not shown. */
    capture?: CaptureFactsView | CaptureFactsUnavailable;
  },
): Certificate {
  const { record, anchor, intake } = receipt;
  const number = certificateNumber(record.seq, receipt.leafHash);
  // Shown with what the receipt discloses (its holder's data); "hidden" for the rest.
  const typed = parseCanonicalRecord(
    record,
    (receipt as { disclosures?: string[] }).disclosures ?? [],
  );
  // Values the receipt does not disclose are not printed: say how many, so none seems absent.
  const hidden = checkDisclosures(receipt).disclosed?.hidden.length ?? 0;
  const hiddenNote =
    hidden === 0
      ? []
      : [
          {
            zh: "未披露的个人信息",
            en: "Personal data not disclosed",
            value: `${hidden} ${HIDDEN}：记录以加盐摘要存证，持有人可出示并核对 / committed to by salted digest; their holder can disclose them and anyone can check`,
          },
        ];
  const blockTime = inBeijingTime(new Date(anchor.blockTimestamp * 1000).toISOString());
  const witnesses = witnessesOf(receipt);
  const independent = witnesses
    .filter((w) => !w.controlledByOperator && w.time)
    .sort((a, b) => Date.parse(a.time!) - Date.parse(b.time!))[0];
  return {
    format: CERTIFICATE_FORMAT,
    number,
    recordId: record.id,
    verifyUrl: options.verifyUrl,
    developmentChain: DEV_CHAIN_IDS.has(anchor.chainId),
    sections: [
      {
        zh: "存证内容",
        en: "What was recorded",
        fields: [...describeSubject(typed), ...hiddenNote],
      },
      ...captureSection(options.capture),
      {
        zh: "存证信息",
        en: "Record",
        fields: [
          { zh: "证书编号", en: "Certificate number", value: number },
          ...(options.lookupCode
            ? [
                {
                  zh: "验证码（凭证书编号与验证码在线查验）",
                  en: "Verification code (look the certificate up with its number and this code)",
                  value: options.lookupCode,
                },
              ]
            : []),
          { zh: "签发平台", en: "Issued by", value: options.issuer },
          { zh: "记录编号", en: "Record id", value: record.id },
          { zh: "提交方", en: "Submitted by", value: record.submitter.name },
          { zh: "序号", en: "Sequence number", value: String(record.seq) },
          {
            zh: "接收时间（运营方声明）",
            en: "Received (operator's claim)",
            value: inBeijingTime(record.receivedAt),
          },
          {
            zh: "哈希算法",
            en: "Hash algorithm",
            value: "SHA-256 (RFC 6962 Merkle tree, RFC 8785 canonical JSON)",
          },
          { zh: "记录哈希", en: "Record leaf hash", value: receipt.leafHash },
        ],
      },
      ...linkedSection(options.linked ?? []),
      {
        zh: "区块链锚定",
        en: "Blockchain anchor",
        fields: [
          {
            zh: "链",
            en: "Chain id",
            value:
              anchor.chainId +
              (DEV_CHAIN_IDS.has(anchor.chainId) ? " (local development chain / 本地开发链)" : ""),
          },
          { zh: "合约", en: "Contract", value: anchor.contract },
          { zh: "交易哈希", en: "Transaction hash", value: anchor.txHash },
          { zh: "区块高度", en: "Block number", value: String(anchor.blockNumber) },
          { zh: "区块哈希", en: "Block hash", value: anchor.blockHash },
          { zh: "区块时间", en: "Block time", value: blockTime },
          {
            zh: "批次 / 默克尔根",
            en: "Batch / Merkle root",
            value: `${anchor.batchIndex} / ${anchor.root}`,
          },
          { zh: "运营方", en: "Operator", value: intake.operator },
          { zh: "运营方签名", en: "Operator's signature", value: intake.signature },
          {
            zh: "承诺锚定期限（已签名）",
            en: "Anchoring deadline (signed)",
            value: inBeijingTime(intake.anchorDeadline),
          },
        ],
      },
      {
        zh: "见证",
        en: "Witnesses",
        fields: [
          ...witnesses.map((w) => ({
            zh: w.controlledByOperator ? "见证（运营方控制）" : "见证（独立于运营方）",
            en: w.controlledByOperator
              ? "Witness (controlled by the operator)"
              : "Witness (independent of the operator)",
            value: `${w.name}${w.time ? ` — ${inBeijingTime(w.time)}` : ""}`,
          })),
          {
            zh: "证据时间（最早的独立见证）",
            en: "Evidentiary time (earliest independent witness)",
            value: independent
              ? `不晚于 no later than ${inBeijingTime(independent.time!)} — ${independent.name}`
              : "无独立见证：仅运营方自有链 none: only the operator's own chain attests",
          },
        ],
      },
    ],
    files: record.files,
    steps: [
      {
        zh: "计算每个文件的 SHA-256，与证书所列哈希值比对。",
        en: "Compute each file's SHA-256 and compare it with the digest listed.",
      },
      {
        zh: "按 RFC 8785 规范化回执中的记录，计算 SHA-256(0x00 ‖ 字节)，应等于记录哈希。",
        en: "Canonicalise the receipt's record (RFC 8785) and compute SHA-256(0x00 ‖ bytes): it equals the record leaf hash.",
      },
      {
        zh: "沿审计路径（RFC 9162 §2.1.3.2）计算，应得到默克尔根。",
        en: "Walk the audit path (RFC 9162 §2.1.3.2): it leads to the Merkle root.",
      },
      {
        zh: "通过任一 RPC 调用合约 batchOf(运营方, 批次)，根、序号范围与区块应一致；区块哈希应与链上一致。",
        en: "Call batchOf(operator, batch) on the contract through any RPC: root, range and block match; the block hash matches the chain.",
      },
      receipt.format === "evidence-receipt/v1"
        ? {
            zh: "用 EIP-191 恢复记录哈希上的签名者，应为运营方。",
            en: "Recover the EIP-191 signer of the leaf hash: it is the operator.",
          }
        : {
            zh: "用 EIP-712 恢复接收声明（记录哈希、锚定期限、链、合约）的签名者，应为运营方。",
            en: "Recover the EIP-712 signer of the intake statement (leaf hash, anchoring deadline, chain, contract): it is the operator.",
          },
      ...(witnesses.some((w) => w.type === "rfc3161")
        ? [
            {
              zh: "时间戳令牌（RFC 3161）：检查其签名、其消息摘要等于默克尔根、其证书链至您信任的时间戳机构根证书。",
              en: "Time-stamp tokens (RFC 3161): check the signature, that the message imprint is the Merkle root, and the certificate chain up to a TSA root you trust.",
            },
          ]
        : []),
      {
        zh: "或扫描二维码在验证页面完成上述步骤，或运行 npm run verify。",
        en: "Or scan the QR code to run these steps on the verification page, or run npm run verify.",
      },
    ],
  };
}
