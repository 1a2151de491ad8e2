import { TypedDataEncoder, verifyTypedData, type Wallet } from "ethers";
import { deadlineSeconds, intakeDomain, INTAKE_STATEMENT_TYPES } from "../../service/receipts";

interface IntakeOf {
  leafHash: string;
  intake: { chainId: string; contract: string; anchorDeadline: string; signature?: string };
}

const statementOf = (r: IntakeOf) => ({
  leafHash: r.leafHash,
  anchorDeadline: deadlineSeconds(r.intake.anchorDeadline),
});

/** A v2 intake signature made with ethers' own EIP-712 signer, as any wallet would make it. */
export function signIntakeStatement(wallet: Pick<Wallet, "signingKey">, r: IntakeOf): string {
  // ethers' async signTypedData does exactly this; tampering helpers want it synchronous.
  return wallet.signingKey.sign(
    TypedDataEncoder.hash(
      intakeDomain(r.intake.chainId, r.intake.contract),
      INTAKE_STATEMENT_TYPES,
      statementOf(r),
    ),
  ).serialized;
}

/** Who signed a v2 receipt's intake statement, by ethers' `verifyTypedData`. */
export function intakeSigner(r: IntakeOf & { intake: { signature: string } }): string {
  return verifyTypedData(
    intakeDomain(r.intake.chainId, r.intake.contract),
    INTAKE_STATEMENT_TYPES,
    statementOf(r),
    r.intake.signature,
  );
}
