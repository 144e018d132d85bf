/** Event fixtures for the trigger tests. */
/** An S3 "Object Created" event as EventBridge delivers it (with fields the trigger ignores). */
export function objectCreated(key: string, options: { time?: string; versionId?: string; id?: string } = {}) {
  return {
    version: "0",
    id: options.id ?? `evt-${key}-${options.versionId ?? "v1"}`,
    "detail-type": "Object Created" as const,
    source: "aws.s3" as const,
    account: "123456789012",
    time: options.time ?? "2025-03-01T12:03:27Z",
    region: "us-east-1",
    resources: ["arn:aws:s3:::tollgate-data"],
    detail: {
      version: "0",
      bucket: { name: "tollgate-data" },
      object: { key, size: 120, etag: "e1", "version-id": options.versionId ?? "v1", sequencer: "0062E99A88DC407460" },
      reason: "PutObject",
    },
  };
}
