import NextAuth, { AuthError, CredentialsSignin, type DefaultSession, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { bumpSessionVersion, findUserByEmail, findUserById } from "@/db/queries/users";
import type { Role } from "@/lib/accounts";
import { authSecret } from "@/lib/auth-secret";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { loginLockedFor, recordLoginFailure } from "@/lib/login-throttle";
import { hashPassword, verifyPassword } from "@/lib/passwords";

declare module "next-auth" {
  interface Session {
    user: { id: string; accountId: string; role: Role; superadmin: boolean; mustChangePassword: boolean } & DefaultSession["user"];
  }
  interface User {
    accountId?: string;
    role?: Role;
    superadmin?: boolean;
  }
}

// next-auth/jwt only re-exports this module, and TypeScript merges interfaces where they are declared.
declare module "@auth/core/jwt" {
  interface JWT {
    accountId?: string;
    role?: Role;
    superadmin?: boolean;
    /** The user's session version when this session was opened (users.session_version). */
    sessionVersion?: number;
    /** An administrator chose the password: the console offers nothing but choosing one's own. */
    mustChangePassword?: boolean;
  }
}

/** Too many failed sign-ins for this address: the login page says so instead of "invalid". */
export class TooManyAttempts extends CredentialsSignin {
  code = "too_many_attempts";
}

/** The right password of a disabled user: said only once the password proved who is asking. */
export class UserDisabled extends CredentialsSignin {
  code = "user_disabled";
}

const credentialsSchema = z.object({ email: z.string().trim().min(1), password: z.string().min(1) });

let decoyHash: Promise<string> | undefined;

/** An unknown email costs the same hashing time as a wrong password, so timing does not tell them apart. */
async function passwordMatches(password: string, hash: string | undefined): Promise<boolean> {
  if (hash) return verifyPassword(password, hash);
  decoyHash ??= hashPassword(crypto.randomUUID());
  await verifyPassword(password, await decoyHash);
  return false;
}

/*
 * Built on first use rather than at import: the secret may have to be read
 * from (or written to) the data folder, and `next build` imports this module
 * with no data folder or database to look at.
 */
let config: NextAuthConfig | undefined;

function buildConfig(): NextAuthConfig {
  const settings = env();
  const publicUrl = settings.LLMAAS_PUBLIC_URL?.replace(/\/+$/, "");
  // Auth.js builds its redirects and callback URLs on AUTH_URL when set, instead of on request headers.
  if (publicUrl && !process.env.AUTH_URL) process.env.AUTH_URL = `${publicUrl}/api/auth`;
  return {
    secret: authSecret(),
    trustHost: true,
    // The cookie and its token are renewed on every request (proxy.ts), so this is a time of inactivity.
    session: { strategy: "jwt", maxAge: Math.floor(settings.LLMAAS_SESSION_IDLE_TIMEOUT / 1000) },
    // Secure cookies follow the public URL when there is one, not what a proxy's header says.
    ...(publicUrl ? { useSecureCookies: publicUrl.startsWith("https:") } : {}),
    pages: { signIn: "/login" },
    logger: {
      error(error) {
        // A wrong password is an everyday event, not a server error worth a stack trace.
        if (error instanceof AuthError && error.type === "CredentialsSignin") return;
        // So is a client posting to the sign-in endpoints without the form's CSRF token (probes, scanners).
        if (error instanceof AuthError && error.type === "MissingCSRF") {
          log.warn("sign-in request refused: missing CSRF token", { type: error.type });
          return;
        }
        log.error("sign-in machinery failed", { type: error.name, message: error.message, stack: error.stack });
      },
      warn: (code) => log.warn("auth warning", { code }),
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(input) {
          const parsed = credentialsSchema.safeParse(input);
          if (!parsed.success) return null;
          // Guessing passwords is slowed per address, on every instance alike.
          if ((await loginLockedFor(parsed.data.email)) !== null) throw new TooManyAttempts();
          const user = await findUserByEmail({ email: parsed.data.email });
          const matches = await passwordMatches(parsed.data.password, user?.passwordHash);
          if (user && matches && user.disabledAt) throw new UserDisabled();
          if (user && matches) return { id: user.id, email: user.email, name: user.name };
          await recordLoginFailure(parsed.data.email);
          return null;
        },
      }),
    ],
    events: {
      // Signing out ends the user's sessions everywhere, including copies of the token kept elsewhere.
      async signOut(message) {
        const userId = "token" in message ? message.token?.sub : undefined;
        if (userId) await bumpSessionVersion({ userId });
      },
    },
    callbacks: {
      // Reloads the user on every request: a deleted or disabled user is signed
      // out and a changed role applies at once, not when the token expires. A
      // session opened before the user's sessions were ended (sign-out, new
      // password, role change, disable) is refused.
      async jwt({ token, user }) {
        const id = user?.id ?? token.sub;
        const current = id ? await findUserById({ id }) : undefined;
        if (!current || current.disabledAt) return null;
        if (!user && token.sessionVersion !== current.sessionVersion) return null;
        return {
          ...token,
          sessionVersion: current.sessionVersion,
          sub: current.id,
          email: current.email,
          name: current.name,
          accountId: current.accountId,
          role: current.role,
          superadmin: current.superadmin,
          mustChangePassword: current.mustChangePassword,
        };
      },
      session({ session, token }) {
        session.user = {
          ...session.user,
          id: token.sub!,
          email: token.email ?? "",
          name: token.name ?? "",
          accountId: token.accountId!,
          role: token.role!,
          superadmin: token.superadmin ?? false,
          mustChangePassword: token.mustChangePassword ?? false,
        };
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => (config ??= buildConfig()));
