/**
 * Local stand-ins for AWS in tests: dynalite in-process on a random loopback port, and a
 * minimal path-style S3 server (PutObject, GetObject, HeadObject, ListObjectsV2 with paging).
 * Clients get dummy credentials and a fixed region; nothing reaches a real endpoint.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import dynalite from "dynalite";
import { registryTableDefinition } from "../src/table.ts";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const region = "us-east-1";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

/** Starts dynalite (in memory) and creates the registry table in it. */
export async function startDynalite(tableName: string) {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = await listen(server);
  const makeClient = () => new DynamoDBClient({ endpoint, region, credentials, maxAttempts: 1 });
  const client = makeClient();
  await client.send(new CreateTableCommand(registryTableDefinition(tableName)));
  return { endpoint, client, makeClient, close: () => close(server) };
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Starts a tiny S3 (one process, in memory) that pages listings `pageSize` keys at a time. */
export async function startFakeS3(pageSize = 2) {
  const buckets = new Map<string, Map<string, Buffer>>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const [, bucketName = "", ...rest] = url.pathname.split("/");
    const key = rest.map(decodeURIComponent).join("/");
    const bucket = buckets.get(bucketName) ?? new Map<string, Buffer>();
    buckets.set(bucketName, bucket);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const notFound = () => {
        res.writeHead(404, { "content-type": "application/xml" });
        res.end(req.method === "HEAD" ? undefined : "<Error><Code>NoSuchKey</Code><Message>missing</Message></Error>");
      };
      if (req.method === "PUT" && key) {
        bucket.set(key, Buffer.concat(chunks));
        res.writeHead(200, { etag: '"e"' }).end();
      } else if ((req.method === "GET" || req.method === "HEAD") && key) {
        const body = bucket.get(key);
        if (!body) return notFound();
        res.writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" });
        res.end(req.method === "HEAD" ? undefined : body);
      } else if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
        const prefix = url.searchParams.get("prefix") ?? "";
        const after = url.searchParams.get("continuation-token") ?? "";
        const all = [...bucket.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
        const page = all.slice(0, pageSize);
        const truncated = all.length > page.length;
        res.writeHead(200, { "content-type": "application/xml" });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucketName}</Name><Prefix>${xmlEscape(prefix)}</Prefix>` +
            `<KeyCount>${page.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>` +
            (truncated ? `<NextContinuationToken>${xmlEscape(page.at(-1) ?? "")}</NextContinuationToken>` : "") +
            page
              .map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>${bucket.get(k)?.length}</Size></Contents>`)
              .join("") +
            "</ListBucketResult>",
        );
      } else {
        res.writeHead(400).end();
      }
    });
  });
  const endpoint = await listen(server);
  const client = new S3Client({
    endpoint,
    region,
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return { endpoint, client, buckets, close: () => close(server) };
}
