import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { Card } from "@/components/ui/card";
import { requireActor } from "@/server/auth/next";
import { changePasswordAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const actor = await requireActor();
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
          <span className="font-medium">Role:</span> {actor.role.toLowerCase()}
        </p>
      </Card>
      <Card className="space-y-4">
        <h2 className="font-semibold">Change password</h2>
        <ChangePasswordForm action={changePasswordAction} />
      </Card>
    </div>
  );
}
