/**
 * moto server, the AWS emulator the tests run against: started on loopback on a free port (several
 * engineers and test files run at once), with the real AWS SDK v3 clients pointed at it and dummy
 * credentials. Nothing reaches a real AWS endpoint. The Python venv is made on first use
 * (test/moto/setup.sh), so a fresh machine needs only Python 3 and the PyPI registry.
 *
 * @example
 * const moto = await startMoto();
 * const s3 = new S3Client(moto.clientConfig());
 * await moto.config({ stepfunctions: { execute_state_machine: true } });
 * const creds = await moto.createUser("preprocess", policyDocument); // before enforceIam
 * await moto.enforceIam(); // every later request is authenticated and checked against IAM
 * const asPreprocess = new S3Client(moto.clientConfig(creds));
 * await moto.stop();
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from "@aws-sdk/client-iam";

const SETUP = fileURLToPath(new URL("./setup.sh", import.meta.url));
const SERIAL_SERVER = fileURLToPath(new URL("./serial_server.py", import.meta.url));
export const MOTO_REGION = "us-east-1";
/** moto's default account: ARNs the emulator builds use it. */
export const MOTO_ACCOUNT = "123456789012";
/** Dummy credentials: moto accepts any key while IAM is not enforced. */
export const DUMMY_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** moto's runtime settings (`/moto-api/config`): only the keys tests use are typed. */
export interface MotoConfig {
  stepfunctions?: { execute_state_machine?: boolean };
  iam?: { load_aws_managed_policies?: boolean };
  [service: string]: Record<string, unknown> | undefined;
}

export interface MotoOptions {
  /**
   * moto's IAM enforcement mode: the first N requests are not checked, every later one is
   * authenticated and authorized against the emulator's IAM (`INITIAL_NO_AUTH_ACTION_COUNT`).
   * Default: never enforced. {@link MotoServer.enforceIam} switches it on at run time instead.
   */
  initialNoAuthActionCount?: number;
  /** Applied through `/moto-api/config` once the server answers. */
  config?: MotoConfig;
  /** How long to wait for the server to answer (ms). Default 60 s: the machine may be loaded. */
  startTimeoutMs?: number;
  /**
   * Answer one request at a time (test/moto/serial_server.py). moto's threaded server does not make
   * a conditional write atomic against a concurrent one; DynamoDB does. Races of conditional writes
   * need this. Default: threaded, as `moto_server` runs.
   */
  serial?: boolean;
}

/** What an AWS SDK v3 client needs to talk to the emulator. */
export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: Credentials;
  forcePathStyle: true;
  maxAttempts: number;
}

export interface MotoServer {
  /** e.g. `http://127.0.0.1:41234` */
  endpoint: string;
  port: number;
  region: string;
  /** SDK v3 client settings: this endpoint, path-style S3, one attempt; dummy credentials unless given. */
  clientConfig(credentials?: Credentials): ClientConfig;
  /**
   * Changes moto's runtime settings (moto echoes back only some of them, so nothing is returned).
   * `stepfunctions.execute_state_machine` switches to another Step Functions backend: state
   * machines created before the switch are not seen after it, so set it first (or in `startMoto`).
   */
  config(patch: MotoConfig): Promise<void>;
  /** From now on (after `afterRequests` more unchecked ones), every request is checked against IAM. */
  enforceIam(afterRequests?: number): Promise<void>;
  /** Stops checking IAM (e.g. to set up more users). */
  relaxIam(): Promise<void>;
  /**
   * Creates an IAM user with one managed policy and an access key; returns its credentials.
   * Call it before {@link enforceIam}, or pass credentials allowed to call IAM.
   */
  createUser(name: string, policyDocument: object, as?: Credentials): Promise<Credentials>;
  /**
   * How a model's state advances (moto's state manager), e.g. Glue job runs that stay RUNNING
   * for two GetJobRun calls: `setTransition("glue::job_run", { progression: "manual", times: 2 })`.
   */
  setTransition(
    model: string,
    transition: { progression: "immediate" | "manual" | "time"; times?: number; seconds?: number },
  ): Promise<void>;
  /** Forgets every resource in every service. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

let motoServerPath: string | undefined;

/** Makes the venv on first use (test/moto/setup.sh) and returns the moto_server executable. */
export function ensureMoto(): string {
  motoServerPath ??= execFileSync("bash", [SETUP], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return motoServerPath;
}

/** Starts moto server on 127.0.0.1 on a port the OS picks, and waits until it answers. */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const executable = ensureMoto();
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: "1" };
  // The server must not pick up a developer's AWS settings.
  for (const key of Object.keys(env)) if (key.startsWith("AWS_")) delete env[key];
  if (options.initialNoAuthActionCount !== undefined)
    env.INITIAL_NO_AUTH_ACTION_COUNT = String(options.initialNoAuthActionCount);
  const [command, args] = options.serial
    ? [join(dirname(executable), "python"), [SERIAL_SERVER, "127.0.0.1", "0"]]
    : [executable, ["-H", "127.0.0.1", "-p", "0"]];
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);
  try {
    const port = await announcedPort(child, options.startTimeoutMs ?? 60_000);
    const endpoint = `http://127.0.0.1:${port}`;
    const server = makeServer(endpoint, port, child, () => process.off("exit", stopOnExit));
    await answers(endpoint, options.startTimeoutMs ?? 60_000);
    if (options.config) await server.config(options.config);
    return server;
  } catch (err) {
    child.kill("SIGKILL");
    process.off("exit", stopOnExit);
    throw err;
  }
}

/** Reads the port werkzeug reports ("Running on http://127.0.0.1:PORT") from the server's output. */
function announcedPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => fail(new Error(`moto server did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) done(() => resolve(Number(match[1])));
    };
    const onExit = (code: number | null) =>
      fail(new Error(`moto server exited (code ${code}) before it started:\n${output}`));
    const done = (then: () => void) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      // Keep draining the pipes so the server never blocks on a full buffer.
      child.stdout?.resume();
      child.stderr?.resume();
      then();
    };
    const fail = (err: Error) => done(() => reject(err));
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Polls `/moto-api/config` until the server answers. */
async function answers(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/config`)).ok) return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`moto server at ${endpoint} does not answer: ${err}`);
    }
    if (Date.now() > deadline) throw new Error(`moto server at ${endpoint} does not answer`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function makeServer(endpoint: string, port: number, child: ChildProcess, detach: () => void): MotoServer {
  const api = async (path: string, body?: string): Promise<unknown> => {
    const res = await fetch(`${endpoint}/moto-api/${path}`, body === undefined ? {} : { method: "POST", body });
    const text = await res.text();
    if (!res.ok) throw new Error(`moto-api ${path}: HTTP ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  const clientConfig = (credentials: Credentials = DUMMY_CREDENTIALS): ClientConfig => ({
    endpoint,
    region: MOTO_REGION,
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  return {
    endpoint,
    port,
    region: MOTO_REGION,
    clientConfig,
    config: async (patch) => void (await api("config", JSON.stringify(patch))),
    enforceIam: async (afterRequests = 0) => void (await api("reset-auth", String(afterRequests))),
    relaxIam: async () => void (await api("reset-auth", "inf")),
    createUser: async (name, policyDocument, as) => {
      const iam = new IAMClient(clientConfig(as));
      try {
        await iam.send(new CreateUserCommand({ UserName: name }));
        const { Policy } = await iam.send(
          new CreatePolicyCommand({ PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(policyDocument) }),
        );
        await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: Policy?.Arn }));
        const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
        if (!AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey)
          throw new Error(`moto returned no access key for ${name}`);
        return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
      } finally {
        iam.destroy();
      }
    },
    setTransition: async (model, transition) =>
      void (await api("state-manager/set-transition", JSON.stringify({ model_name: model, transition }))),
    reset: async () => void (await api("reset", "")),
    stop: async () => {
      detach();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
