/** HTTP over a raw socket: what a test needs to send requests no HTTP client would (bad targets, slow bodies). */
import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  /** When the server answered (or closed), from the first byte sent. */
  ms: number;
}

/**
 * Sends `parts` on a fresh connection, `gapMs` apart (the last one is not followed by anything),
 * and resolves with the answer once the server closes the connection or `giveUpMs` passed.
 */
export function raw(port: number, parts: string[], gapMs = 0, giveUpMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const started = Date.now();
    let received = "";
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(giveUp);
      socket.destroy();
      const [head = "", body = ""] = received.split("\r\n\r\n", 2);
      resolve({ status: Number(head.split(" ")[1] ?? 0), headers: head, body, ms: Date.now() - started });
    };
    const giveUp = setTimeout(finish, giveUpMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8");
    });
    socket.on("close", finish);
    socket.on("error", (err) => (received ? finish() : reject(err)));
    let i = 0;
    const next = () => {
      if (socket.destroyed || i >= parts.length) return;
      socket.write(parts[i++] ?? "");
      if (i < parts.length) timer = setTimeout(next, gapMs);
    };
    socket.on("connect", next);
  });
}

/** A GET that closes the connection after its answer. */
export const get = (path: string, host: string) => `GET ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`;

/** The JSON body of an answer. */
export const envelopeOf = (answer: RawAnswer) => JSON.parse(answer.body) as Record<string, unknown>;
