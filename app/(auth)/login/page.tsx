import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { Card } from "@/components/ui/card";
import { getActor } from "@/server/auth/next";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  if (await getActor()) redirect("/servers");
  const { notice } = await searchParams;
  return (
    <Card className="space-y-4">
      <h1 className="text-lg font-semibold">Sign in</h1>
      <LoginForm
        notice={
          notice === "password-changed"
            ? "Password changed. Sign in with your new password."
            : notice === "welcome"
              ? "Account created. Sign in to continue."
              : null
        }
      />
    </Card>
  );
}
