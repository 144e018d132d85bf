/**
 * The SigV4 check the predict tests use (fixtures/sigv4.ts) against known-good vectors from AWS's
 * documentation, so that the check is not the SDK's signer agreeing with itself.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalRequest, signature } from "./fixtures/sigv4.ts";

const EMPTY = createHash("sha256").update("").digest("hex");

describe("the SigV4 check", () => {
  it("computes the signature of the Signature Version 4 test suite's get-vanilla request", () => {
    // AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, GET / on example.amazonaws.com, 20150830T123600Z
    const parts = {
      method: "GET",
      target: "/",
      headers: { host: "example.amazonaws.com", "x-amz-date": "20150830T123600Z" },
      payloadHash: EMPTY,
      amzDate: "20150830T123600Z",
      region: "us-east-1",
      service: "service",
    };
    expect(signature(parts, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")).toBe(
      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
  });

  it("computes the canonical request and signature of the S3 GetObject example (header-based auth)", () => {
    const parts = {
      method: "GET",
      target: "/test.txt",
      headers: {
        host: "examplebucket.s3.amazonaws.com",
        range: "bytes=0-9",
        "x-amz-content-sha256": EMPTY,
        "x-amz-date": "20130524T000000Z",
      },
      payloadHash: EMPTY,
      amzDate: "20130524T000000Z",
      region: "us-east-1",
      service: "s3",
    };
    expect(canonicalRequest(parts)).toBe(
      `GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:${EMPTY}\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n${EMPTY}`,
    );
    expect(signature(parts, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).toBe(
      "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
  });
});
