import type { Metadata } from "next";
import { acceptInviteAction } from "./actions";
import { NewAccountForm } from "@/components/auth/new-account-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { describeInvite } from "@/server/data/users";
import { getRuntime } from "@/server/runtime";

export const metadata: Metadata = { title: "Join the team" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const invite = token ? await describeInvite(getRuntime().db, token) : null;
  return (
    <Card className="space-y-4">
      <h1 className="text-lg font-semibold">Join the team</h1>
      {invite && token ? (
        <NewAccountForm
          token={token}
          action={acceptInviteAction}
          askEmail={false}
          submitLabel="Create account"
          intro={
            <>
              You are invited as <strong>{invite.roleName}</strong> with the email{" "}
              <strong>{invite.email}</strong>.
            </>
          }
        />
      ) : (
        <Notice tone="error">
          This invite link is invalid, used or expired. Ask whoever invited you for a new one.
        </Notice>
      )}
    </Card>
  );
}
