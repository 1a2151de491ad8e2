import type { Logger } from "pino";
import type { ApiKey } from "../keys";

declare global {
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
      apiKey?: ApiKey;
    }
  }
}

export {};
