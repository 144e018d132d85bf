/** The predict request contract: shape errors are InvalidInputError (400), limits PayloadTooLargeError (413). */
import { InvalidInputError } from "@tollgate/core/errors";
import { PayloadTooLargeError } from "@tollgate/core/serving/errors";
import { parsePredictRequest, toPredictResponse } from "@tollgate/core/serving/request";
import { describe, expect, it } from "vitest";

const limits = { maxTexts: 3, maxTextChars: 10, maxBodyBytes: 2048 };
const parse = (body: string | undefined) => parsePredictRequest(body, limits);

describe("parsePredictRequest", () => {
  it("returns the texts of a valid body", () => {
    expect(parse('{"texts": ["a dog", ""]}')).toEqual({ texts: ["a dog", ""] });
  });

  it.each([
    [undefined, 'missing request body: send JSON {"texts": ["…"]}'],
    ["  ", 'missing request body: send JSON {"texts": ["…"]}'],
    ["{texts", "request body is not valid JSON"],
    ["{}", "invalid request: texts: must be an array of strings"],
    ['{"texts": "a dog"}', "invalid request: texts: must be an array of strings"],
    ['{"texts": []}', "invalid request: texts: texts is empty: send at least one text"],
    ['{"texts": ["a", 2]}', "invalid request: texts[1]: each text must be a string"],
    ['{"texts": ["a"], "model": "x"}', 'invalid request: Unrecognized key: "model"'],
    ["[1]", "invalid request: Invalid input: expected object, received array"],
  ])("throws InvalidInputError for %j", (body, message) => {
    expect(() => parse(body)).toThrow(InvalidInputError);
    expect(() => parse(body)).toThrow(message);
  });

  it("throws PayloadTooLargeError naming the count and the limit for too many texts", () => {
    const act = () => parse('{"texts": ["a", "b", "c", "d"]}');
    expect(act).toThrow(PayloadTooLargeError);
    expect(act).toThrow("texts: 4 texts, over the limit of 3 per request");
  });

  it("throws PayloadTooLargeError naming the text for too long a text", () => {
    expect(() => parse('{"texts": ["short", "far too long a text"]}')).toThrow(
      "texts[1]: text is 19 characters, over the limit of 10",
    );
  });

  it("throws PayloadTooLargeError for a body over maxBodyBytes, before parsing it", () => {
    expect(() => parse(`{"texts": ["${"é".repeat(1100)}"]}`)).toThrow("request body over the limit of 2048 bytes");
  });

  it("lists at most three problems", () => {
    const body = JSON.stringify({ texts: [1, 2, 3] });
    expect(() => parse(body)).toThrow(/texts\[2\]: each text must be a string$/);
    const many = JSON.stringify({ texts: Array.from({ length: 3 }, () => "x".repeat(11)).concat() });
    expect(() => parse(many)).toThrow(/over the limit of 10$/);
    expect(() => parsePredictRequest(JSON.stringify({ texts: [1, 2, 3, 4, 5] }), { ...limits, maxTexts: 9 })).toThrow(
      /; and 2 more$/,
    );
  });
});

describe("toPredictResponse", () => {
  it("names the version and gives each label's probability", () => {
    const out = toPredictResponse(
      "v7",
      ["animal", "food"],
      { labels: ["food", "animal"], probabilities: [Float32Array.from([0.25, 0.75]), Float32Array.from([0.5, 0.5])] },
      [true, false],
    );
    expect(out).toEqual({
      modelVersion: "v7",
      predictions: [
        { label: "food", probability: 0.75, probabilities: { animal: 0.25, food: 0.75 }, knownTokens: true },
        { label: "animal", probability: 0.5, probabilities: { animal: 0.5, food: 0.5 }, knownTokens: false },
      ],
    });
  });
});
