import { expect } from "chai";
import { getBytes, hashMessage, hexlify, randomBytes, TypedDataEncoder, Wallet } from "ethers";
import {
  deadlineSeconds,
  intakeDomain,
  INTAKE_STATEMENT_TYPES,
  makeIntakeDigester,
  makeStatementDigester,
} from "../../service/receipts";
import { intakeSigner, signIntakeStatement } from "../support/intake-statement";

const LEDGER = { chainId: "31337", contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };

describe("intake statement (EIP-712, receipt v2)", () => {
  it("hashes as ethers' TypedDataEncoder does, for many leaves, deadlines and ledgers", () => {
    for (let i = 0; i < 50; i++) {
      const chainId = String(1 + i * 7919);
      const contract = Wallet.createRandom().address;
      const fast = makeIntakeDigester(chainId, contract);
      const leafHash = randomBytes(32);
      const deadline = new Date(Date.UTC(2026, 0, 1) + i * 86_399_000).toISOString();
      const expected = TypedDataEncoder.hash(
        intakeDomain(chainId, contract),
        INTAKE_STATEMENT_TYPES,
        { leafHash, anchorDeadline: Date.parse(deadline) / 1000 },
      );
      expect(hexlify(fast(leafHash, deadline))).to.equal(expected);
      expect(hexlify(makeStatementDigester(chainId, contract)(1, leafHash, deadline))).to.equal(
        hashMessage(leafHash),
      );
    }
  });

  it("matches a fixed vector, so another implementation can check its encoding", () => {
    const leafHash = getBytes(`0x${"ab".repeat(32)}`);
    const digest = makeIntakeDigester(LEDGER.chainId, LEDGER.contract)(
      leafHash,
      "2026-11-28T10:00:00.000Z",
    );
    // EIP712Domain("EvidenceLedger","1",31337,0x5FbD…0aa3), IntakeStatement(0xabab…, 1795860000)
    expect(deadlineSeconds("2026-11-28T10:00:00Z")).to.equal(1795860000n);
    // Computed once with ethers' TypedDataEncoder; also in the README.
    expect(hexlify(digest)).to.equal(
      "0x96b61a4ad342ba36337ba5e5de88becbb85bf9b9c2ab9cdf764abd57125c00b4",
    );
  });

  it("binds the signature to the deadline, the chain and the contract", () => {
    const wallet = Wallet.createRandom();
    const receipt = {
      leafHash: hexlify(randomBytes(32)),
      intake: { ...LEDGER, anchorDeadline: "2026-11-28T10:00:00.000Z" },
    };
    const signature = signIntakeStatement(wallet, receipt);
    const signed = { ...receipt, intake: { ...receipt.intake, signature } };
    expect(intakeSigner(signed)).to.equal(wallet.address);
    for (const change of [
      { anchorDeadline: "2026-11-28T11:00:00.000Z" },
      { chainId: "1" },
      { contract: Wallet.createRandom().address },
    ])
      expect(intakeSigner({ ...signed, intake: { ...signed.intake, ...change } })).not.to.equal(
        wallet.address,
      );
  });

  it("refuses a deadline that is not a whole second, rather than signing a rounded one", () => {
    expect(() => deadlineSeconds("2026-11-28T10:00:00.500Z"))
      .to.throw()
      .with.property("code", "ANCHOR_DEADLINE_INVALID");
    expect(() => deadlineSeconds("tomorrow"))
      .to.throw()
      .with.property("code", "ANCHOR_DEADLINE_INVALID");
  });
});
