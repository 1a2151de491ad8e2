import { hexlify } from "ethers";
import { getProof, toHex32, type MerkleTree } from "../merkle";
import type { CanonicalRecord } from "../records/canonical";
import type { StatementVersion } from "./intake-statement";
import {
  type AnchoredReceipt,
  type IntakeProof,
  type PendingReceipt,
  type Receipt,
} from "./receipt";

export interface IntakeFacts {
  /** The canonical record; its RFC 8785 bytes are the leaf data. */
  record: CanonicalRecord;
  leafHash: string;
  intake: IntakeProof;
  /** What the intake signature covers; with the record's format it decides the receipt's. */
  statement: StatementVersion;
  /** The disclosures of the record's personal values its reader may see (v2 records). */
  disclosures?: readonly string[];
}

export interface BatchFacts {
  batchIndex: number;
  firstSeq: number;
  /** The batch's tree, built once from its leaf hashes in seq order and shared by its receipts. */
  tree: MerkleTree;
  root: string;
  chainId: string;
  contract: string;
  operator: string;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  blockTimestamp: number;
  /** Witnesses of the root from outside the service, as stored. */
  witnesses?: readonly { kind: string; source: string; attested_at: string; token: string }[];
}

export function toPendingReceipt(facts: IntakeFacts): PendingReceipt {
  if (facts.record.format === "evidence-record/v2")
    return {
      format: "evidence-receipt/v3",
      status: "pending",
      record: facts.record,
      leafHash: toHex32(facts.leafHash),
      intake: facts.intake,
      disclosures: [...(facts.disclosures ?? [])],
    };
  return {
    format: facts.statement === 1 ? "evidence-receipt/v1" : "evidence-receipt/v2",
    status: "pending",
    record: facts.record,
    leafHash: toHex32(facts.leafHash),
    intake: facts.intake,
  };
}

/** Upgrades a receipt with its batch's proof: the audit path is read from the batch's tree. */
export function toAnchoredReceipt(facts: IntakeFacts, batch: BatchFacts): AnchoredReceipt {
  const pending = toPendingReceipt(facts);
  const leafIndex = pending.record.seq - batch.firstSeq;
  const tree = batch.tree;
  return {
    ...pending,
    status: "anchored",
    anchor: {
      batchIndex: batch.batchIndex,
      firstSeq: batch.firstSeq,
      treeSize: tree.size,
      leafIndex,
      auditPath: getProof(tree, leafIndex).map((p) => hexlify(p)),
      root: toHex32(batch.root),
      chainId: batch.chainId,
      contract: batch.contract,
      operator: batch.operator,
      txHash: toHex32(batch.txHash),
      blockNumber: batch.blockNumber,
      blockHash: toHex32(batch.blockHash),
      blockTimestamp: batch.blockTimestamp,
    },
    ...(batch.witnesses?.length
      ? {
          witnesses: batch.witnesses.map((w) => ({
            type: w.kind,
            tsa: w.source,
            time: w.attested_at,
            token: w.token,
          })),
        }
      : {}),
  };
}

export type { Receipt };
