/** The GB/T 39550-2020 evaluation binder: the table, the evidence the ledger holds, the score. */
export { BINDER_FORMAT, BinderSchema, makeBinder, SAMPLES, type Binder } from "./binder";
export { BinderFacts, Facts, type ChainFacts } from "./facts";
export { GBT39550_ROWS, type TableRow } from "./gbt39550";
export { renderBinderHtml } from "./html";
export { renderBinderPdf } from "./pdf";
