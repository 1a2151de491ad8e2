import type { RecordOf } from "./typed";

/**
 * What a notice must hold, as checks whose results are recorded rather than intake refusals.
 * The five elements are GB/T 39550 4.3.1.2 (E-Commerce Law art. 42, Civil Code art. 1195:
 * identity, location, right, preliminary evidence, truthfulness); the right-type elements are
 * our reading of 4.3.1.3-5. The CN profile asks for nothing more (4.3.1 scores a platform for
 * not demanding more than the standard); the DMCA profile adds the good-faith statement.
 */
export const NOTICE_ELEMENTS = {
  identity: {
    clause: "GB/T 39550 4.3.1.2 a",
    zh: "通知人的真实身份信息和联系方式",
    en: "the notifier's identity (name, identity document) and a contact",
  },
  location: {
    clause: "GB/T 39550 4.3.1.2 b",
    zh: "能够准确定位被通知商品或服务的信息",
    en: "the listings, located precisely",
  },
  right: {
    clause: "GB/T 39550 4.3.1.2 c",
    zh: "权利证明（权利类型、登记号、权利人、证明文件）",
    en: "proof of the right (type, registration number, holder, proof files)",
  },
  evidence: {
    clause: "GB/T 39550 4.3.1.2 d",
    zh: "构成侵权的初步证据",
    en: "preliminary evidence of infringement (a linked evidence record)",
  },
  undertaking: {
    clause: "GB/T 39550 4.3.1.2 e",
    zh: "对通知真实性负责的书面保证",
    en: "a signed undertaking that the notice is true",
  },
  patent_details: {
    clause: "GB/T 39550 4.3.1.3",
    zh: "专利：专利类型、权利要求、技术特征比对；实用新型和外观设计附专利权评价报告",
    en: "patent: type, claims relied on, claim-feature comparison; an evaluation report for utility models and designs",
  },
  trademark_details: {
    clause: "GB/T 39550 4.3.1.4",
    zh: "商标：注册号、类别、核定使用的商品或服务",
    en: "trademark: registration number, class, goods or services",
  },
  copyright_details: {
    clause: "GB/T 39550 4.3.1.5",
    zh: "著作权：作品名称和类型、权属证明（登记证书、首次发表或创作证明）",
    en: "copyright: work title and type, proof of ownership (registration, first publication or authorship)",
  },
  good_faith: {
    clause: "17 U.S.C. 512(c)(3)(A)(v)",
    zh: "善意声明（仅 DMCA）",
    en: "a good-faith statement (DMCA only)",
  },
} as const;
export type NoticeElement = keyof typeof NOTICE_ELEMENTS;
export const NOTICE_ELEMENT_NAMES = Object.keys(NOTICE_ELEMENTS) as [
  NoticeElement,
  ...NoticeElement[],
];

export interface ElementCheck {
  element: NoticeElement;
  clause: string;
  present: boolean;
  /** What is missing, in words a notifier can act on; absent when present. */
  missing?: string[];
}

export type NoticeProfile = "CN" | "DMCA" | "DSA";

/** What a record lacks, in words, or a falsy value where it lacks nothing. */
type Gap = string | false | undefined;

/** One element's check: present when no gap is named. */
function elementCheck(element: NoticeElement, clause: string, missing: Gap[]): ElementCheck {
  const gaps = missing.filter((g): g is string => typeof g === "string");
  return { element, clause, present: gaps.length === 0, ...(gaps.length > 0 && { missing: gaps }) };
}

/**
 * Checks a notice's elements. Pure: the notice and how many evidence records it links.
 * Returns one check per element the profile asks for, in the standard's order.
 */
export function checkNoticeElements(
  notice: Pick<RecordOf<"notice">, "metadata" | "links">,
  profile: NoticeProfile = "CN",
): ElementCheck[] {
  const m = notice.metadata;
  const checks: ElementCheck[] = [];
  const check = (element: NoticeElement, missing: Gap[]) =>
    checks.push(elementCheck(element, NOTICE_ELEMENTS[element].clause, missing));
  const n = m.notifier;
  check("identity", [
    !n.idDocument && "identity document (type and number)",
    !n.phone && !n.email && !n.address && "a contact (phone, e-mail or address)",
  ]);
  check("location", [(m.targets ?? []).length === 0 && "at least one listing (URL)"]);
  const right = m.right;
  check(
    "right",
    right
      ? [
          (right.type === "patent" || right.type === "trademark") &&
            !right.registrationNumber &&
            "registration number",
          !right.holder && "holder",
          (right.proofFiles ?? []).length === 0 && "a proof-of-right file",
        ]
      : ["the right invoked (type, registration number, holder, proof files)"],
  );
  check("evidence", [
    !notice.links.some((l) => l.rel === "evidence") && "a linked evidence record",
  ]);
  check("undertaking", [!m.undertaking && "a signed, dated undertaking"]);
  if (right?.type === "patent")
    check("patent_details", [
      !right.patentType && "patent type",
      (right.claimsReliedOn ?? []).length === 0 && "the claims relied on",
      (right.featureComparison ?? []).length === 0 && "a claim-feature comparison",
      right.patentType !== undefined &&
        right.patentType !== "invention" &&
        !right.evaluationReportFile &&
        "the patent evaluation report (专利权评价报告)",
    ]);
  if (right?.type === "trademark")
    check("trademark_details", [
      right.niceClass === undefined && "class (Nice)",
      !right.goodsOrServices && "goods or services",
    ]);
  if (right?.type === "copyright")
    check("copyright_details", [
      !right.workTitle && "work title",
      !right.workType && "work type",
      !right.registrationNumber &&
        !right.firstPublication &&
        !right.authorship &&
        "proof of ownership (registration, first publication or authorship)",
    ]);
  if (profile === "DMCA") check("good_faith", [m.goodFaith !== true && "the good-faith statement"]);
  return checks;
}

/** The elements a notice lacks, empty when it is complete for the profile. */
export const missingElements = (checks: readonly ElementCheck[]): NoticeElement[] =>
  checks.filter((c) => !c.present).map((c) => c.element);

/**
 * What a declaration of non-infringement (不存在侵权行为的声明) must hold (E-Commerce Law art. 43;
 * Civil Code art. 1196): the merchant's identity and a contact, the listings it concerns,
 * preliminary evidence of non-infringement (a linked evidence record), and a signed undertaking.
 * Checked as a notice's are: recorded, not refused at intake, so a platform can prove it
 * received an incomplete declaration and returned it for supplement.
 */
export function checkDeclarationElements(
  declaration: Pick<RecordOf<"counter_notice">, "metadata" | "links">,
): ElementCheck[] {
  const m = declaration.metadata;
  const checks: ElementCheck[] = [];
  const check = (element: NoticeElement, missing: Gap[], clause: string) =>
    checks.push(elementCheck(element, clause, missing));
  check(
    "identity",
    [
      !m.merchant.phone &&
        !m.merchant.email &&
        !m.merchant.address &&
        "a contact (phone, e-mail or address)",
    ],
    "E-Commerce Law art. 43; Civil Code art. 1196",
  );
  check("location", [m.items.length === 0 && "at least one listing"], "E-Commerce Law art. 43");
  check(
    "evidence",
    [
      !declaration.links.some((l) => l.rel === "evidence") &&
        "preliminary evidence of non-infringement (a linked evidence record)",
    ],
    "E-Commerce Law art. 43: 初步证据",
  );
  check("undertaking", [!m.undertaking && "a signed, dated undertaking"], "GB/T 39550 4.3.3.2");
  return checks;
}
