import type { Metadata } from "next";
import { ApiTokens } from "@/components/account/api-tokens";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { SessionList } from "@/components/auth/session-list";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/permissions";
import { grantablePermissions, listOwnApiTokens } from "@/server/auth/api-token";
import { getSessionClaims, requireDataContext } from "@/server/auth/next";
import { listServers } from "@/server/data/servers";
import { listOwnSessions } from "@/server/data/sessions";
import { TwoFactorSection } from "@/components/auth/two-factor-section";
import { getTwoFactorStatus } from "@/server/data/two-factor";
import {
  changePasswordAction,
  confirmTwoFactorAction,
  createApiTokenAction,
  disableTwoFactorAction,
  regenerateRecoveryCodesAction,
  revokeApiTokenAction,
  revokeSessionAction,
  signOutEverywhereAction,
  startTwoFactorAction,
} from "./actions";

const twoFactorActions = {
  start: startTwoFactorAction,
  confirm: confirmTwoFactorAction,
  disable: disableTwoFactorAction,
  regenerate: regenerateRecoveryCodesAction,
};

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  // Where a user whose role requires two-factor sign-in enrols: reachable while that is pending.
  const ctx = await requireDataContext({ twoFactorSetup: true });
  const { actor } = ctx;
  const sessions = await listOwnSessions(ctx, (await getSessionClaims())?.sid ?? null);
  const tokens = await listOwnApiTokens(ctx);
  // A role without server.view has no servers to choose (its tokens then reach what it reaches).
  const servers = can(actor, "server.view") ? await listServers(ctx) : [];
  const twoFactor = await getTwoFactorStatus(ctx);
  return (
    <div className="max-w-lg space-y-6">
      <h1 className="text-2xl font-semibold">Account</h1>
      <Card className="space-y-1 text-sm">
        <p>
          <span className="font-medium">Name:</span> {actor.name}
        </p>
        <p>
          <span className="font-medium">Email:</span> {actor.email}
        </p>
        <p>
          <span className="font-medium">Role:</span> {actor.mainRole?.name ?? actor.role}
        </p>
      </Card>
      <Card className="space-y-4" id="two-factor">
        <h2 className="font-semibold">Two-factor sign-in</h2>
        <TwoFactorSection
          status={twoFactor}
          actions={twoFactorActions}
          mustEnrol={actor.twoFactorPending === true}
        />
      </Card>
      <Card className="space-y-4">
        <h2 className="font-semibold">Where you are signed in</h2>
        <SessionList
          sessions={sessions}
          revokeAction={revokeSessionAction}
          signOutEverywhereAction={signOutEverywhereAction}
        />
      </Card>
      <Card className="space-y-4">
        <h2 className="font-semibold">API tokens</h2>
        <ApiTokens
          tokens={tokens}
          permissions={grantablePermissions(actor)}
          servers={servers.map((s) => ({ id: s.id, name: s.name }))}
          createAction={createApiTokenAction}
          revokeAction={revokeApiTokenAction}
        />
      </Card>
      <Card className="space-y-4">
        <h2 className="font-semibold">Change password</h2>
        <ChangePasswordForm action={changePasswordAction} />
      </Card>
    </div>
  );
}
