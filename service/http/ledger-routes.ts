import { Router } from "express";
import { InvalidInputError } from "../errors";
import { toHex32 } from "../merkle";
import { allowRoles } from "./auth";
import type { Notary } from "../notary";
import type { StoredBatch } from "../storage";

export function ledgerRouter(notary: Notary): { public: Router; protected: Router } {
  const open = Router();
  open.get("/ledger", async (_req, res) => {
    res.json(await notary.info());
  });

  const protectedRoutes = Router();
  protectedRoutes.get(
    "/batches/:index",
    allowRoles("platform", "regulator", "rights_holder", "merchant"),
    async (req, res) => {
      const raw = String(req.params.index);
      const index = Number(raw);
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(index)) {
        throw new InvalidInputError(
          "BATCH_INDEX_INVALID",
          "a batch index is a whole number from 0",
        );
      }
      const batch = await notary.getBatch(index);
      const witnesses = await notary.batchWitnesses(index);
      res.json({
        ...toBatchView(batch),
        witnesses: witnesses.map((w) => ({
          type: w.kind,
          tsa: w.source,
          time: w.attested_at,
          fetchedAt: w.fetched_at,
        })),
      });
    },
  );
  return { public: open, protected: protectedRoutes };
}

function toBatchView(b: StoredBatch) {
  return {
    batchIndex: b.batch_index,
    firstSeq: b.first_seq,
    count: b.count,
    root: toHex32(b.root),
    status: b.status,
    cutAt: b.cut_at,
    operator: b.operator,
    txHash: b.tx_hash,
    blockNumber: b.block_number,
    blockHash: b.block_hash,
    blockTimestamp: b.block_timestamp,
    anchoredAt: b.anchored_at,
    attempts: b.attempts,
  };
}
