import { expect } from "chai";
import {
  ERROR_CODES,
  InvalidInputError,
  InvariantError,
  NotFoundError,
  OverloadError,
  type ErrorSpec,
} from "../../service/errors";
import { toHttpError } from "../../service/http/errors";

describe("the error catalogue (errors/codes.ts)", () => {
  it("gives every code a status that fits its kind", () => {
    for (const [code, spec] of Object.entries(ERROR_CODES) as [string, ErrorSpec][]) {
      const fits =
        spec.kind === "input"
          ? // Only a 429 (the caller asked too often) says when to try again.
            spec.status >= 400 &&
            spec.status < 500 &&
            (spec.retryAfter === undefined) === (spec.status !== 429)
          : spec.kind === "invariant"
            ? spec.status === 500
            : [503, 507].includes(spec.status) && (spec.retryAfter ?? 0) > 0;
      expect(fits, `${code}: ${JSON.stringify(spec)}`).to.equal(true);
    }
  });

  it("answers each error with the catalogue's status, whatever its class", () => {
    const answers = [
      new NotFoundError("CASE_NOT_FOUND", "no case"),
      new InvalidInputError("KEY_LAST_ADMIN", "last admin"),
      new OverloadError("SERVICE_OVERLOADED", "busy"),
      new InvariantError("RECORD_ALTERED", "altered", { details: { id: "secret state" } }),
    ].map((e) => toHttpError(e));
    expect(answers.map((a) => [a.body.code, a.status, a.kind, a.retryAfter])).to.deep.equal([
      ["CASE_NOT_FOUND", 404, "input", undefined],
      ["KEY_LAST_ADMIN", 409, "input", undefined],
      ["SERVICE_OVERLOADED", 503, "overload", 1],
      ["RECORD_ALTERED", 500, "invariant", undefined],
    ]);
    // An invariant's details describe our own state: logged, never answered.
    expect(answers[3]!.body.details).to.equal(undefined);
  });

  it("raises no error with a code the catalogue does not list (checked by the compiler)", () => {
    // @ts-expect-error a code outside the catalogue does not compile
    const unlisted = new NotFoundError("WIDGET_NOT_FOUND", "no widget");
    // At run time it would answer 500, never a made-up 400.
    expect(toHttpError(unlisted).status).to.be.oneOf([500]);
  });
});
