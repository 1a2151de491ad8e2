/**
 * Personal values committed to instead of kept in records (DESIGN §7): SD-JWT style digests
 * and disclosures (pure), and which fields of a record are personal.
 */
export {
  commitPersonal,
  digestOf,
  revealDisclosed,
  DisclosureError,
  SD_ALG,
  type Committed,
  type DisclosureCode,
  type IsPersonal,
  type Json,
  type JsonPath,
  type Sha256,
} from "./selective";
export { holdsPersonalData, isFreeTextField, isPersonalField } from "./personal-fields";
export { audienceOf, mayBeShown, type Audience, type Entitlement } from "./audience";
