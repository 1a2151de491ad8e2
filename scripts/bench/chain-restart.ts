/**
 * Start-up time of the service against the history of its embedded chain.
 *
 * A real ledger is made first (records anchored, one block each), then its chain archive is
 * grown with synthetic empty blocks to BENCH_CHAIN_BLOCKS (default 1,000,000: about 23 days of
 * 2 s anchoring). The service is started on it and timed to listening; the receipts issued
 * before are verified against the embedded RPC and a new record is anchored on top. For
 * comparison, the old start-up path (replaying a journal block by block) is timed per block.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEther, Wallet } from "ethers";
import Database from "libsql";
import { EmbeddedChain } from "../../service/chain";
import type { Receipt } from "../../service/receipts";
import { verifyReceipt } from "../../service/verify";
import { rpcChainReader } from "../../service/chain-reader";
import { spawnNotary, type NotaryChild } from "../notary-process";
import { runBenchmark } from "./harness";
import { millis, report } from "./report";

const BLOCKS = Number(process.env.BENCH_CHAIN_BLOCKS ?? 1_000_000);
const RECORDS = 10;
const REPLAY_BLOCKS = 500;

async function post(notary: NotaryChild): Promise<string> {
  const response = await fetch(`${notary.url}/v1/records`, {
    method: "POST",
    headers: { authorization: `Bearer ${notary.apiKey}`, "content-type": "application/json" },
    body: COMMITMENT,
  });
  if (response.status !== 201) throw new Error(`intake answered ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}

const COMMITMENT = readFileSync(
  join(__dirname, "..", "..", "examples", "records", "commitment.json"),
  "utf8",
);

async function anchored(notary: NotaryChild, id: string): Promise<Receipt> {
  for (;;) {
    const response = await fetch(`${notary.url}/v1/records/${id}/receipt`, {
      headers: { authorization: `Bearer ${notary.apiKey}` },
    });
    const receipt = (await response.json()) as Receipt;
    if (receipt.status === "anchored") return receipt;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(notary: NotaryChild): Promise<void> {
  notary.child.kill("SIGTERM");
  await notary.exited;
}

async function timedStart(dataDir: string): Promise<{ notary: NotaryChild; ms: number }> {
  const start = process.hrtime.bigint();
  const notary = await spawnNotary(dataDir, { BATCH_MAX_WAIT_MS: "200" });
  return { notary, ms: millis(start) };
}

/** Appends empty blocks to the archive, each linked to the one before, as a long history. */
function growArchive(file: string, upTo: number): number {
  const db = new Database(file);
  const head = db
    .prepare("select number, hash, timestamp, full from blocks order by number desc limit 1")
    .get() as { number: number; hash: string; timestamp: number; full: Buffer };
  const insert = db.prepare(
    "insert into blocks (number, hash, timestamp, full) values (?, ?, ?, ?)",
  );
  const template = {
    ...(JSON.parse(inflateRawSync(head.full).toString("utf8")) as Record<string, unknown>),
    transactions: [],
  };
  let parent = head.hash;
  const grow = db.transaction((from: number, to: number) => {
    for (let n = from; n <= to; n++) {
      const hash = `0x${createHash("sha256").update(`synthetic block ${n}`).digest("hex")}`;
      const block = {
        ...template,
        number: `0x${n.toString(16)}`,
        hash,
        parentHash: parent,
        timestamp: `0x${(head.timestamp + (n - head.number)).toString(16)}`,
      };
      insert.run(
        n,
        hash,
        head.timestamp + (n - head.number),
        deflateRawSync(JSON.stringify(block)),
      );
      parent = hash;
    }
  });
  for (let from = head.number + 1; from <= upTo; from += 100_000)
    grow(from, Math.min(upTo, from + 99_999));
  db.close();
  return upTo - head.number;
}

/** The old start-up path: a journal replayed block by block on a fresh chain. */
async function replayPerBlock(dir: string): Promise<number> {
  const funder = new Wallet("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  const chainDir = join(dir, "replay");
  const chain = await EmbeddedChain.open(chainDir);
  for (let nonce = 0; nonce < REPLAY_BLOCKS; nonce++) {
    const raw = await funder.signTransaction({
      type: 2,
      chainId: 31337n,
      nonce,
      to: Wallet.createRandom().address,
      value: parseEther("0.001"),
      gasLimit: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
    });
    await chain.submit(raw);
  }
  await chain.close();
  // The journal is emptied at each start, so this chain was never reopened: it still holds
  // every block. Without its archive it is a data directory from before the archive.
  for (const suffix of ["", "-wal", "-shm"])
    await rm(join(chainDir, `archive.sqlite${suffix}`), { force: true });
  const start = process.hrtime.bigint();
  const replayed = await EmbeddedChain.open(chainDir, { readOnly: true });
  const ms = millis(start);
  await replayed.close();
  return ms / Math.max(1, replayed.replayedBlocks);
}

runBenchmark(async () => {
  const dir = await mkdtemp(join(tmpdir(), "bench-restart-"));
  const dataDir = join(dir, "data");
  try {
    let { notary } = await timedStart(dataDir);
    const ids: string[] = [];
    for (let i = 0; i < RECORDS; i++) ids.push(await post(notary));
    const receipts = await Promise.all(ids.map((id) => anchored(notary, id)));
    await stop(notary);

    const small = await timedStart(dataDir);
    await stop(small.notary);
    const archive = join(dataDir, "chain", "archive.sqlite");
    const growStart = process.hrtime.bigint();
    const added = growArchive(archive, BLOCKS);
    const growMs = millis(growStart);

    const large = await timedStart(dataDir);
    notary = large.notary;
    const { reader, close } = await rpcChainReader(notary.rpcUrl!);
    const verdicts = await Promise.all(
      receipts.map((receipt) => verifyReceipt({ receipt, fileDigests: [], chain: reader })),
    );
    close();
    const valid = verdicts.filter((v) => v.verdict === "valid").length;
    const after = await anchored(notary, await post(notary));
    await stop(notary);
    if (valid !== receipts.length)
      throw new Error(`${receipts.length - valid} old receipts failed`);

    report({
      case: "restart, embedded chain",
      metric: `start to listening, ${RECORDS + 2} blocks of history`,
      value: `${(small.ms / 1000).toFixed(2)} s`,
    });
    report({
      case: "restart, embedded chain",
      metric: `start to listening, ${BLOCKS.toLocaleString("en")} blocks archived (${(
        (await stat(archive)).size /
        2 ** 30
      ).toFixed(
        1,
      )} GiB; ${added.toLocaleString("en")} synthetic, added in ${(growMs / 1000).toFixed(0)} s)`,
      value: `${(large.ms / 1000).toFixed(2)} s`,
      goal: "< 10 s",
    });
    report({
      case: "restart, embedded chain",
      metric: `old receipts valid against the embedded RPC after it; a new record anchored in block`,
      value: `${valid}/${receipts.length}; block ${after.status === "anchored" ? after.anchor.blockNumber : "?"}`,
    });
    const perBlock = await replayPerBlock(dir);
    report({
      case: "restart, embedded chain",
      metric: `the old start-up path: journal replay per block (${REPLAY_BLOCKS} blocks), and so for ${BLOCKS.toLocaleString("en")}`,
      value: `${perBlock.toFixed(2)} ms; ${((perBlock * BLOCKS) / 60_000).toFixed(0)} min`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
