import type { Receipt } from "../receipts";

/** The bundle's README, in Chinese and in English: what is inside and how to check it alone. */
export function bundleReadme(o: {
  subject: string;
  issuer: string;
  receipts: { receipt: Receipt; files: string[] }[];
  /** Personal values of these records erased since intake, by which erasure record. */
  erasures?: readonly {
    recordId: string;
    erasureId: string;
    at: string;
    fields: string[];
    files?: readonly { name: string; sha256: string }[];
  }[];
  /** Files marked personal that this bundle's reader is not shown. */
  withheld?: readonly { recordId: string; name: string; sha256: string }[];
}): string {
  const erased = (o.erasures ?? []).map((e) => {
    const what = [
      ...e.fields,
      ...(e.files ?? []).map((f) => `file ${f.name} (SHA-256 ${f.sha256}, not in this bundle)`),
    ];
    return `  - ${e.recordId}: ${what.join(", ")} — erased by record ${e.erasureId} (${e.at})`;
  });
  const list = o.receipts
    .map(
      ({ receipt: r }) =>
        `  - ${r.record.id}  ${r.record.kind}  seq ${r.record.seq}  ${r.status === "anchored" ? `anchored, block ${r.anchor.blockNumber}` : "pending (not yet anchored)"}`,
    )
    .join("\r\n");
  // Each command as it runs, from this folder, with the service's sources at <sources>.
  const commands = o.receipts
    .filter(({ receipt }) => receipt.status === "anchored")
    .map(
      ({ receipt, files }) =>
        `  npm --prefix <sources> run verify -- --receipt receipts/${receipt.record.id}.json --rpc <rpc>${files.map((f) => ` --file ${shellQuote(f)}`).join("")}`,
    )
    .join("\r\n");
  return [
    `存证材料包 Evidence bundle — ${o.subject}`,
    `签发平台 Issued by: ${o.issuer}`,
    "",
    "一、内容",
    "  certificates/   存证证书（PDF），每条已上链的记录一份",
    "  receipts/       回执（JSON），含记录、默克尔证明与锚定交易",
    "  files/<记录编号>/ 原始文件，字节与存证时一致",
    "  verify.html     离线验证页面：用浏览器直接打开，无需联网访问本平台",
    "  tsa-roots.pem   时间戳机构根证书（如有）",
    "  manifest.json   本包每个文件的 SHA-256；其哈希已作为一条记录存证，回执见 bundle-receipt.json",
    "",
    "二、如何独立验证",
    "  1. 用浏览器打开 verify.html（file:// 即可）。",
    "  2. 选择 receipts/ 中的一个回执，并选择 files/<该记录编号>/ 下的原始文件。",
    "  3. 填写您信任的区块链 RPC 地址（默认是本平台的只读代理，可换成任何节点），点击验证。",
    "  4. 页面在本地计算文件哈希、核对默克尔证明、读取链上批次与交易、核对运营方签名与时间戳。",
    "  也可以在本文件夹中运行下列命令（<sources> 为本服务源代码所在目录，<rpc> 为区块链 RPC 地址）：",
    commands,
    "",
    "1. Contents",
    "  certificates/   evidence certificates (PDF), one per anchored record",
    "  receipts/       receipts (JSON): the record, its Merkle proof, its anchor transaction",
    "  files/<record id>/ the original files, byte for byte as notarised",
    "  verify.html     the offline verification page: open it in a browser, no access to the platform needed",
    "  tsa-roots.pem   the time-stamping authorities' root certificates (if any)",
    "  manifest.json   every file's SHA-256; its own digest is notarised as a record, receipt in bundle-receipt.json",
    "",
    "2. How to verify on your own",
    "  1. Open verify.html in a browser (from file:// is fine).",
    "  2. Choose a receipt from receipts/ and the original files from files/<its record id>/.",
    "  3. Give a chain RPC URL you trust (the default is the platform's read-only proxy; any node will do), and verify.",
    "  4. The page hashes the files locally, checks the Merkle proof, reads the batch and the transaction",
    "     from the chain, and checks the operator's signature and any time-stamp tokens.",
    "  Or run these commands in this folder (<sources>: where this service's sources are; <rpc>: a chain RPC URL):",
    commands,
    "  A file name too long for a file system (over 240 bytes) is shortened here, its extension kept;",
    "  the receipt keeps the name as notarised, and files are matched by their SHA-256.",
    "",
    "记录 Records:",
    list,
    "",
    "个人信息 Personal data:",
    "  记录对个人信息只保存加盐摘要；回执中的 disclosures 揭示持有人有权查看的值，其余显示为“已隐去”。",
    "  A record keeps salted digests of its personal values; a receipt's disclosures reveal those its",
    "  holder may see (checked against the digests), the rest show as hidden. The proofs hold either way.",
    ...(erased.length > 0
      ? [
          "  以下个人信息已依法删除（摘要仍在记录中，证明不受影响）：",
          "  These values were erased after intake (their digests remain; every proof still verifies):",
          ...erased,
        ]
      : []),
    ...((o.withheld ?? []).length > 0
      ? [
          "  以下文件含个人信息，不向本材料包的持有人披露（摘要见回执）：",
          "  These files hold personal data not disclosed to this bundle's holder (their digests are in the receipts):",
          ...(o.withheld ?? []).map((f) => `  - ${f.recordId}: ${f.name} (SHA-256 ${f.sha256})`),
        ]
      : []),
    "",
  ].join("\r\n");
}

/** A POSIX shell word: names may hold spaces, quotes or Chinese. */
function shellQuote(word: string): string {
  return /^[\w./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
