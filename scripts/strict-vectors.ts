/**
 * Tamperings a lenient verifier would pass: each changes how a genuine receipt is written, not
 * what it says, so only a verifier that reads it strictly refuses it. They work on the receipt's
 * JSON text, as some cannot be made on a parsed object (a `__proto__` key, a number out of
 * range). `make-vectors` adds them to every regenerated set; `--derive-only` adds them to the
 * set on disk from its `valid_single_file` vector, leaving the chain and the rest as they are.
 */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const N = HALF_N * 2n + 1n;

export interface TextTampering {
  name: string;
  why: string;
  change: (receiptText: string) => string;
  expect: { verdict: "invalid"; step: string; code: string };
}

interface Signed {
  intake: { signature: string; anchorDeadline: string };
}

const mapReceipt = (text: string, change: (r: Signed) => void): string => {
  const receipt = JSON.parse(text) as Signed;
  change(receipt);
  return JSON.stringify(receipt, null, 2) + "\n";
};

/** The signature with its v byte replaced. */
const withV = (text: string, v: number) =>
  mapReceipt(text, (r) => {
    const sig = r.intake.signature;
    r.intake.signature = sig.slice(0, 130) + v.toString(16).padStart(2, "0");
  });

export const STRICT_TAMPERINGS: TextTampering[] = [
  {
    name: "record_proto_key_fail",
    why: 'A "__proto__" key is added to the record\'s metadata. A parser drops it, so a verifier hashing the parsed record would pass a record carrying more than its leaf covers; the record as written does not hash to the leaf.',
    change: (text) =>
      text.replace('"metadata": {', '"metadata": {\n      "__proto__": { "injected": true },'),
    expect: { verdict: "invalid", step: "leaf", code: "LEAF_HASH_MISMATCH" },
  },
  {
    name: "number_out_of_range_fail",
    why: "A number in the record is written 1e400, which JSON readers take as Infinity: the receipt is malformed, not a chain failure.",
    change: (text) => text.replace('"metadata": {', '"metadata": {\n      "size": 1e400,'),
    expect: { verdict: "invalid", step: "format", code: "RECEIPT_MALFORMED" },
  },
  {
    name: "signature_v_zero_one_fail",
    why: "The intake signature's v is written 0/1 instead of 27/28: the same signature, another spelling, which the README rules out.",
    change: (text) => {
      const v = parseInt((JSON.parse(text) as Signed).intake.signature.slice(130), 16);
      return withV(text, v - 27);
    },
    expect: { verdict: "invalid", step: "signature", code: "SIGNATURE_NOT_CANONICAL" },
  },
  {
    name: "signature_v_eip155_fail",
    why: "The intake signature's v is written EIP-155 style (35 + 2 × chain id + parity, here in one byte as 37/38).",
    change: (text) => {
      const v = parseInt((JSON.parse(text) as Signed).intake.signature.slice(130), 16);
      return withV(text, v - 27 + 37);
    },
    expect: { verdict: "invalid", step: "signature", code: "SIGNATURE_NOT_CANONICAL" },
  },
  {
    name: "signature_high_s_fail",
    why: "The intake signature is mirrored to its high-s twin (s' = n - s, v flipped): it recovers the same signer, but is not canonical (EIP-2).",
    change: (text) =>
      mapReceipt(text, (r) => {
        const sig = r.intake.signature;
        const s = BigInt(`0x${sig.slice(66, 130)}`);
        const v = parseInt(sig.slice(130), 16);
        r.intake.signature =
          sig.slice(0, 66) + (N - s).toString(16).padStart(64, "0") + (v === 27 ? "1c" : "1b");
      }),
    expect: { verdict: "invalid", step: "signature", code: "SIGNATURE_NOT_CANONICAL" },
  },
  {
    name: "deadline_submillisecond_fail",
    why: "The signed anchor deadline is written with a sub-millisecond fraction (…:00.0004Z): it reads as the same second, but is not the one spelling a whole second has.",
    change: (text) =>
      mapReceipt(text, (r) => {
        r.intake.anchorDeadline = r.intake.anchorDeadline.replace(/(\.\d{3})?Z$/, ".0004Z");
      }),
    expect: { verdict: "invalid", step: "format", code: "RECEIPT_MALFORMED" },
  },
];
