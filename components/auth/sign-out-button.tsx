import { signOut } from "@/auth";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  async function signOutAction() {
    "use server";
    await signOut({ redirectTo: "/login?notice=signed-out" });
  }
  return (
    <form action={signOutAction}>
      <Button type="submit" variant="secondary" data-testid="sign-out" className="px-3 whitespace-nowrap sm:px-4">
        Sign out
      </Button>
    </form>
  );
}
