import { config } from "zod";

// Zod probes whether it may compile parsers with `new Function`. The page's Content Security
// Policy has no 'unsafe-eval', so the probe is refused and logged as a violation on every load;
// parsing without compiled parsers is what the page gets anyway, so Zod is told not to probe.
config({ jitless: true });
