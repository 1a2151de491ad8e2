import type { AnchoredReceipt } from "../receipts/receipt";
import { DEV_CHAIN_IDS } from "../verify/verifier";

/** One line of a certificate: a bilingual label and its value. */
export interface CertificateField {
  zh: string;
  en: string;
  value: string;
}

/** The evidence certificate (存证证书) of one anchored record, as data (DOMAIN.md). */
export interface Certificate {
  number: string;
  recordId: string;
  verifyUrl: string;
  sections: { zh: string; en: string; fields: CertificateField[] }[];
  files: { name: string; mediaType: string; size: number; sha256: string }[];
  steps: { zh: string; en: string }[];
  developmentChain: boolean;
}

const utc = (iso: string) => iso.replace("T", " ").replace(/\.\d{3}Z$/, " UTC");

/** Pure: everything printed on a certificate comes from the anchored receipt alone. */
export function toCertificate(
  receipt: AnchoredReceipt,
  options: { verifyUrl: string },
): Certificate {
  const { record, anchor, intake } = receipt;
  const number = `EN-${String(record.seq).padStart(8, "0")}-${receipt.leafHash.slice(2, 10).toUpperCase()}`;
  const agent = (record.metadata as { agent?: { legalName?: string } }).agent?.legalName;
  const blockTime = utc(new Date(anchor.blockTimestamp * 1000).toISOString());
  return {
    number,
    recordId: record.id,
    verifyUrl: options.verifyUrl,
    developmentChain: DEV_CHAIN_IDS.has(anchor.chainId),
    sections: [
      {
        zh: "存证信息",
        en: "Record",
        fields: [
          { zh: "证书编号", en: "Certificate number", value: number },
          { zh: "记录编号", en: "Record id", value: record.id },
          { zh: "记录类型", en: "Record kind", value: record.kind },
          { zh: "申请人", en: "Applicant", value: record.submitter.name },
          { zh: "代理人", en: "Agent", value: agent ?? "—" },
          { zh: "序号", en: "Sequence number", value: String(record.seq) },
          {
            zh: "接收时间（运营方声明）",
            en: "Received (operator's claim)",
            value: utc(record.receivedAt),
          },
          {
            zh: "哈希算法",
            en: "Hash algorithm",
            value: "SHA-256 (RFC 6962 Merkle tree, RFC 8785 canonical JSON)",
          },
          { zh: "记录哈希", en: "Record leaf hash", value: receipt.leafHash },
        ],
      },
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
      {
        zh: "用 EIP-191 恢复记录哈希上的签名者，应为运营方。",
        en: "Recover the EIP-191 signer of the leaf hash: it is the operator.",
      },
      {
        zh: "或扫描二维码在验证页面完成上述步骤，或运行 npm run verify。",
        en: "Or scan the QR code to run these steps on the verification page, or run npm run verify.",
      },
    ],
  };
}
