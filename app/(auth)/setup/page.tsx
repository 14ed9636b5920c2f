import type { Metadata } from "next";
import { completeSetupAction } from "./actions";
import { NewAccountForm } from "@/components/auth/new-account-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { isSetupTokenUsable } from "@/server/data/users";
import { getRuntime } from "@/server/runtime";

export const metadata: Metadata = { title: "First-run setup" };
export const dynamic = "force-dynamic";

export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const usable = token ? await isSetupTokenUsable(getRuntime().db, token) : false;
  return (
    <Card className="space-y-4">
      <h1 className="text-lg font-semibold">Create the Owner account</h1>
      {usable && token ? (
        <NewAccountForm
          token={token}
          action={completeSetupAction}
          askEmail
          submitLabel="Create Owner account"
          intro="The Owner runs RconDeck: adds game servers, invites the team and decides who may do what."
        />
      ) : (
        <Notice tone="error">
          This setup link is invalid, used or expired. RconDeck prints a new one each time it starts with no
          users.
        </Notice>
      )}
    </Card>
  );
}
