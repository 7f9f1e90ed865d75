import NextAuth, { AuthError, CredentialsSignin, type DefaultSession, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { findUserByEmail, findUserById } from "@/db/queries/users";
import type { Role } from "@/lib/accounts";
import { authSecret } from "@/lib/auth-secret";
import { log } from "@/lib/log";
import { loginLockedFor, recordLoginFailure } from "@/lib/login-throttle";
import { hashPassword, verifyPassword } from "@/lib/passwords";

declare module "next-auth" {
  interface Session {
    user: { id: string; accountId: string; role: Role; superadmin: boolean } & DefaultSession["user"];
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
  return {
    secret: authSecret(),
    trustHost: true,
    session: { strategy: "jwt" },
    pages: { signIn: "/login" },
    logger: {
      // A wrong password is an everyday event, not a server error worth a stack trace.
      error(error) {
        if (error instanceof AuthError && error.type === "CredentialsSignin") return;
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
    callbacks: {
      // Reloads the user on every request: a deleted or disabled user is signed
      // out and a changed role applies at once, not when the token expires.
      async jwt({ token, user }) {
        const id = user?.id ?? token.sub;
        const current = id ? await findUserById({ id }) : undefined;
        if (!current || current.disabledAt) return null;
        return {
          ...token,
          sub: current.id,
          email: current.email,
          name: current.name,
          accountId: current.accountId,
          role: current.role,
          superadmin: current.superadmin,
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
        };
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => (config ??= buildConfig()));
