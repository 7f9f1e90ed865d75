import readline from "node:readline";
import { AppError } from "../errors";

/*
 * Passwords and upstream keys given as arguments show in `ps` and in shell
 * history. The CLI also takes them from an environment variable, from
 * standard input, or from a prompt that does not echo.
 */

export interface SecretInput {
  /** Whether standard input is a terminal a prompt can ask on. */
  interactive: boolean;
  /** All of standard input. */
  readStdin(): Promise<string>;
  /** Ask for a line without echoing it. */
  askHidden(question: string): Promise<string>;
}

export const processInput: SecretInput = {
  interactive: Boolean(process.stdin.isTTY),
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
  askHidden(question) {
    return new Promise((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
      let asked = false;
      // Echo the question once, then nothing of what is typed.
      out._writeToOutput = (s: string) => {
        if (!asked) {
          asked = true;
          process.stderr.write(s);
        }
      };
      rl.question(question, (answer) => {
        process.stderr.write("\n");
        rl.close();
        resolve(answer);
      });
    });
  },
};

export interface SecretSource {
  /** What the secret is, for the prompt and errors ("password"). */
  what: string;
  /** The value of the plain option, if given. */
  value?: string;
  /** Read it from standard input (its first line). */
  fromStdin?: boolean;
  /** Environment variable that may hold it. */
  envName: string;
  /** Ask on the terminal when no other source gave it. */
  prompt: boolean;
}

/** The secret from the first source that has it: option, standard input, environment, prompt. */
export async function readSecretInput(source: SecretSource, input: SecretInput, envVars: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (source.value !== undefined) return source.value;
  if (source.fromStdin) return (await input.readStdin()).split(/\r?\n/)[0];
  const fromEnv = envVars[source.envName];
  if (fromEnv) return fromEnv;
  if (source.prompt && input.interactive) return input.askHidden(`${source.what[0]!.toUpperCase()}${source.what.slice(1)}: `);
  return undefined;
}

export const PASSWORD_HELP = "Instead of --password (visible in `ps` and shell history): --password-stdin, LLMAAS_PASSWORD, or the hidden prompt shown when none is given on a terminal.";

/** A user's password from the option, stdin, LLMAAS_PASSWORD or a hidden prompt; required. */
export async function passwordFrom(o: { password?: string; passwordStdin?: boolean }, input: SecretInput): Promise<string> {
  const password = await readSecretInput(
    { what: "password", value: o.password, fromStdin: o.passwordStdin, envName: "LLMAAS_PASSWORD", prompt: true },
    input,
  );
  if (!password) {
    throw new AppError(400, "invalid_request_error", "a password is required: give --password-stdin, LLMAAS_PASSWORD or --password, or run on a terminal to be asked");
  }
  return password;
}

