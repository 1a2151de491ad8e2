import { randomBytes } from "node:crypto";
import express, { Router } from "express";
import { z } from "zod";
import { InvalidInputError } from "../errors";
import { hashApiKey, newApiKey, ROLES, type KeyRegistry } from "../keys";
import { issuesOf } from "../records";
import { allowRoles } from "./auth";

export const NewKey = z.strictObject({
  role: z.enum(ROLES),
  name: z.string().trim().min(1).max(300),
  parties: z.array(z.string().min(1).max(100)).max(100).default([]),
});

/** Key management for admin keys; the same keys `npm run keys` edits. Keys are shown once. */
export function keysRouter(keys: KeyRegistry): Router {
  const router = Router();
  router.use("/keys", allowRoles("admin"));
  router.get("/keys", async (_req, res) => {
    res.json({
      keys: (await keys.list()).map((k) => ({
        id: k.id,
        name: k.name,
        role: k.role ?? "platform",
        parties: k.parties ?? [],
      })),
    });
  });
  router.post("/keys", express.json({ limit: "16kb" }), async (req, res) => {
    const parsed = NewKey.safeParse(req.body);
    if (!parsed.success)
      throw new InvalidInputError("KEY_INVALID", "a key needs role, name and optional parties", {
        details: { issues: issuesOf(parsed.error) },
      });
    const id = `k_${randomBytes(6).toString("hex")}`;
    const key = newApiKey();
    await keys.add({ id, ...parsed.data, keySha256: hashApiKey(key) });
    res.status(201).json({ id, ...parsed.data, key });
  });
  router.delete("/keys/:id", async (req, res) => {
    await keys.revoke(req.params.id);
    res.status(204).end();
  });
  return router;
}
