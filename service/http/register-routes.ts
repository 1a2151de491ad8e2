import { Router } from "express";
import { z } from "zod";
import { InvalidInputError, NotFoundError } from "../errors";
import { honourRoll, watchList, type MerchantEntry, type Registers } from "../registers";
import { allowRoles } from "./auth";
import { parseRequest } from "./parse-request";

const MerchantQuery = z.strictObject({
  status: z.enum(["all", "termination-due", "watch", "honour", "key-management"]).default("all"),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

const summary = (m: MerchantEntry) => ({
  key: m.key,
  name: m.name,
  shops: m.shops,
  counts: m.counts,
  keyManagement: m.keyManagement,
  exited: m.exited,
  terminationDue: m.terminationDue,
  rectificationOverdue: m.rectificationOverdue,
  credit: m.credit,
  currentFiling: m.filings.current?.recordId ?? null,
});

/**
 * The registers (README, "Registers"): merchants' enforcement history with what is due, the
 * malicious-notifier register, and credit. For the platform and regulators.
 */
export function registerRouter(registers: () => Promise<Registers>): Router {
  const router = Router();
  const readers = allowRoles("platform", "regulator");

  router.get("/registers/merchants", readers, async (req, res) => {
    const q = parseRequest(MerchantQuery, req.query, "REGISTER_QUERY_INVALID");
    if (q.status === "honour" && (!q.from || !q.to))
      throw new InvalidInputError(
        "REGISTER_QUERY_INVALID",
        "the honour roll is for a period: give from and to",
      );
    const { merchants } = await registers();
    const chosen =
      q.status === "termination-due"
        ? merchants.filter((m) => m.terminationDue)
        : q.status === "key-management"
          ? merchants.filter((m) => m.keyManagement && !m.exited)
          : q.status === "watch"
            ? watchList(merchants)
            : q.status === "honour"
              ? honourRoll(merchants, { from: q.from!, to: q.to! })
              : merchants;
    res.json({ status: q.status, merchants: chosen.map(summary) });
  });

  router.get("/registers/merchants/:key", readers, async (req, res) => {
    const entry = (await registers()).merchants.find((m) => m.key === req.params.key);
    if (!entry)
      throw new NotFoundError(
        "REGISTER_MERCHANT_UNKNOWN",
        `no merchant ${JSON.stringify(req.params.key)} on the register (merchants are named by credit code, shop:<id> or name:<name>)`,
      );
    res.json(entry);
  });

  router.get("/registers/malicious-notifiers", readers, async (_req, res) => {
    const { notifiers } = await registers();
    res.json({ notifiers: notifiers.filter((n) => n.maliciousFlags.length > 0) });
  });

  router.get("/registers/credit/:party", readers, async (req, res) => {
    const { merchants, notifiers } = await registers();
    const party = req.params.party;
    const merchant = merchants.find((m) => m.key === party);
    const notifier = notifiers.find((n) => n.idNumber === party);
    if (!merchant && !notifier)
      throw new NotFoundError(
        "CREDIT_PARTY_UNKNOWN",
        `no merchant or rights holder ${JSON.stringify(party)} in the ledger`,
      );
    res.json({
      party,
      ...(merchant && { asMerchant: { name: merchant.name, ...merchant.credit } }),
      ...(notifier && { asNotifier: { name: notifier.name, ...notifier.credit } }),
    });
  });
  return router;
}
