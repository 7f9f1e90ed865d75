"use client";

import { useState, useTransition } from "react";
import { createMemberAction, resetMemberPasswordAction, setMemberEnabledAction, setMemberRoleAction } from "@/app/(console)/members/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { useActionForm } from "@/components/ui/use-action-form";
import { createMemberSchema, memberRoleSchema, resetPasswordSchema } from "@/lib/console/admin-schema";
import { MIN_PASSWORD_LENGTH } from "@/lib/password-policy";
import type { MemberView } from "@/lib/console/members";

export const ROLE_CHOICES = [
  { value: "member", label: "Member: their own keys and usage" },
  { value: "admin", label: "Admin: the whole account, its users" },
  { value: "finance", label: "Finance: reads everything, changes nothing" },
];

/** A strong password to hand over once: 16 characters from the browser's own random source. */
function generatePassword(): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/**
 * The temporary password an administrator chooses (or generates) for a user,
 * who must replace it at first sign-in. It is never shown again after this.
 */
function TemporaryPasswordField({ error }: { error?: string }) {
  const [value, setValue] = useState("");
  const [shown, setShown] = useState(false);
  return (
    <div className="space-y-2">
      <TextField
        name="temporaryPassword"
        label="Temporary password"
        type={shown ? "text" : "password"}
        autoComplete="off"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters. Give it to the user yourself; they choose their own at first sign-in.`}
        error={error}
        testId="member-temporary-password"
      />
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="secondary"
          className="h-8 px-3"
          onClick={() => {
            setValue(generatePassword());
            setShown(true);
          }}
          data-testid="member-generate-password"
        >
          Generate one
        </Button>
        <Button variant="ghost" className="h-8 px-3" onClick={() => setShown((s) => !s)} aria-pressed={shown} data-testid="member-show-password">
          {shown ? "Hide" : "Show"}
        </Button>
        {shown && value && <CopyButton text={value} what="temporary password" testId="member-copy-password" />}
      </div>
    </div>
  );
}

const CREATE_FIELDS = ["email", "name", "role", "temporaryPassword"] as const;

export function CreateMemberDialog({ accountId, accountName, open, onClose, onCreated }: { accountId: string; accountName: string; open: boolean; onClose: () => void; onCreated: (email: string) => void }) {
  const form = useActionForm(createMemberSchema, createMemberAction, (u) => onCreated(u.email));
  const close = () => {
    form.reset();
    onClose();
  };
  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (k: string) => String(data.get(k) ?? "");
    form.submit({ accountId, email: text("email"), name: text("name"), role: text("role") as never, temporaryPassword: text("temporaryPassword") }, CREATE_FIELDS);
  }
  return (
    <Dialog open={open} onClose={close} testId="create-member-dialog" title={`Add a user to ${accountName}`} description="They sign in with their e-mail and the temporary password, then choose their own before anything else.">
      <form onSubmit={submit} noValidate className="space-y-4">
        {form.errors.form && (
          <Alert tone="error" testId="create-member-error">
            {form.errors.form}
          </Alert>
        )}
        <TextField name="email" type="email" label="Email" autoComplete="off" required autoFocus error={form.errors.email} testId="member-email" />
        <TextField name="name" label="Name (optional)" autoComplete="off" maxLength={100} error={form.errors.name} testId="member-name" />
        <SelectField name="role" label="Role" defaultValue="member" options={ROLE_CHOICES} error={form.errors.role} testId="member-role" />
        <TemporaryPasswordField error={form.errors.temporaryPassword} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={form.pending} data-testid="create-member-submit">
            {form.pending ? "Adding…" : "Add user"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function RoleDialog({ target, onClose, onDone }: { target: MemberView | null; onClose: () => void; onDone: (message: string) => void }) {
  const form = useActionForm(memberRoleSchema, setMemberRoleAction, () => onDone(`The role of ${target?.email ?? "the user"} is changed; their sessions ended.`));
  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!target) return;
    form.submit({ userId: target.id, role: String(new FormData(e.currentTarget).get("role")) as never }, ["role"]);
  }
  return (
    <Dialog open={target !== null} onClose={onClose} testId="member-role-dialog" title={`Role of ${target?.email ?? ""}`} description="The new role applies at once: their open sessions end and they sign in again.">
      <form onSubmit={submit} noValidate className="space-y-4">
        {form.errors.form && (
          <Alert tone="error" testId="member-role-error">
            {form.errors.form}
          </Alert>
        )}
        <SelectField key={target?.id} name="role" label="Role" defaultValue={target?.role} options={ROLE_CHOICES} error={form.errors.role} testId="member-role-choice" />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={form.pending} data-testid="member-role-save">
            {form.pending ? "Saving…" : "Save role"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function ResetPasswordDialog({ target, onClose, onDone }: { target: MemberView | null; onClose: () => void; onDone: (email: string) => void }) {
  const form = useActionForm(resetPasswordSchema, resetMemberPasswordAction, (r) => onDone(r.email));
  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!target) return;
    form.submit({ userId: target.id, temporaryPassword: String(new FormData(e.currentTarget).get("temporaryPassword") ?? "") }, ["temporaryPassword"]);
  }
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      testId="reset-password-dialog"
      title={`Reset the password of ${target?.email ?? ""}`}
      description="Their open sessions end at once; they sign in with the temporary password and must choose a new one. Their API keys keep working."
    >
      <form key={target?.id} onSubmit={submit} noValidate className="space-y-4">
        {form.errors.form && (
          <Alert tone="error" testId="reset-password-error">
            {form.errors.form}
          </Alert>
        )}
        <TemporaryPasswordField error={form.errors.temporaryPassword} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={form.pending} data-testid="reset-password-submit">
            {form.pending ? "Resetting…" : "Reset password"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Disabling ends the user's sessions and revokes every key they hold: it asks first. Enabling does not give the keys back. */
export function EnableDialog({ target, onClose, onDone }: { target: MemberView | null; onClose: () => void; onDone: (message: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const disabling = target ? target.disabledAt === null : false;
  function confirm() {
    if (!target) return;
    start(async () => {
      const result = await setMemberEnabledAction({ userId: target.id, enabled: !disabling });
      if (!result.ok) return setError(result.error.message);
      setError(null);
      onDone(
        disabling
          ? `${target.email} is disabled; ${result.data.revokedKeys} key${result.data.revokedKeys === 1 ? " was" : "s were"} revoked.`
          : `${target.email} can sign in again. Keys revoked when they were disabled stay revoked.`,
      );
    });
  }
  const close = () => {
    setError(null);
    onClose();
  };
  return (
    <Dialog
      open={target !== null}
      onClose={close}
      testId="member-enable-dialog"
      title={disabling ? `Disable ${target?.email ?? ""}?` : `Enable ${target?.email ?? ""}?`}
      description={
        disabling
          ? "They are signed out at once and can no longer sign in, and every API key they hold is revoked on every instance within a second. Enabling them later lets them sign in again; the keys stay revoked."
          : "They can sign in again with their password. Keys revoked when they were disabled stay revoked."
      }
    >
      {error && (
        <Alert tone="error" testId="member-enable-error">
          {error}
        </Alert>
      )}
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={close} autoFocus>
          Cancel
        </Button>
        <Button variant={disabling ? "danger" : "primary"} onClick={confirm} disabled={pending} data-testid="member-enable-confirm">
          {pending ? "Saving…" : disabling ? "Disable user" : "Enable user"}
        </Button>
      </div>
    </Dialog>
  );
}
