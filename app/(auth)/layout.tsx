import type { ReactNode } from "react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm space-y-6">
        <p className="text-center text-2xl font-semibold tracking-tight">RconDeck</p>
        {children}
      </div>
    </main>
  );
}
