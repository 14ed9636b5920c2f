"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";

export interface TwoFactorStatusView {
  enabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
  required: boolean;
}

export interface TwoFactorActions {
  start: FormAction<{ secret: string; uri: string; qrSvg: string }>;
  confirm: FormAction<{ recoveryCodes: string[] }>;
  disable: FormAction<{ disabled: true }>;
  regenerate: FormAction<{ recoveryCodes: string[] }>;
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone?: () => void }) {
  return (
    <div className="space-y-2">
      <Notice tone="success">
        Save these recovery codes somewhere safe. Each works once, and they are shown only now.
      </Notice>
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-1 font-mono text-sm">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      {onDone ? <Button onClick={onDone}>I saved them</Button> : null}
    </div>
  );
}

function Enrol({ actions }: { actions: TwoFactorActions }) {
  const [setup, startAction, starting] = useActionState(actions.start, null);
  const [confirmed, confirmAction, confirming] = useActionState(actions.confirm, null);
  const router = useRouter();
  // The page is refreshed only now: until then the codes stay on screen.
  if (confirmed?.ok)
    return <RecoveryCodes codes={confirmed.data.recoveryCodes} onDone={() => router.refresh()} />;
  const errors = confirmed && !confirmed.ok ? confirmed.error.fieldErrors : undefined;
  return (
    <div className="space-y-4">
      {setup && !setup.ok ? <Notice tone="error">{setup.error.message}</Notice> : null}
      {setup?.ok ? (
        <>
          <p className="text-sm">Scan this code with an authenticator app, or type the key in by hand.</p>
          {/* eslint-disable-next-line @next/next/no-img-element -- an inline SVG data URL, nothing to optimise */}
          <img
            src={`data:image/svg+xml;utf8,${encodeURIComponent(setup.data.qrSvg)}`}
            alt="QR code for your authenticator app"
            width={192}
            height={192}
            className="rounded bg-white p-1"
          />
          <p className="text-sm">
            Key:{" "}
            <code aria-label="Secret key" className="break-all font-mono">
              {setup.data.secret}
            </code>
          </p>
          <ActionForm action={confirmAction} className="space-y-3" noValidate>
            {confirmed && !confirmed.ok ? <Notice tone="error">{confirmed.error.message}</Notice> : null}
            <TextField
              label="Authentication code"
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              error={errors?.code}
            />
            <Button type="submit" disabled={confirming}>
              Turn on two-factor sign-in
            </Button>
          </ActionForm>
        </>
      ) : (
        <ActionForm action={startAction}>
          <Button type="submit" disabled={starting}>
            Set up two-factor sign-in
          </Button>
        </ActionForm>
      )}
    </div>
  );
}

function ProofForm({
  action,
  label,
  submit,
}: {
  action: (formData: FormData) => void;
  label: string;
  submit: string;
}) {
  return (
    <ActionForm
      action={action}
      className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
      noValidate
      aria-label={label}
    >
      <p className="text-sm font-medium">{label}</p>
      <TextField label="Code from your app (or a recovery code)" name="code" autoComplete="one-time-code" />
      <TextField label="Or your password" name="password" type="password" autoComplete="current-password" />
      <Button type="submit" variant="secondary">
        {submit}
      </Button>
    </ActionForm>
  );
}

function Manage({ status, actions }: { status: TwoFactorStatusView; actions: TwoFactorActions }) {
  const [regenerated, regenerateAction] = useActionState(actions.regenerate, null);
  const [disabled, disableAction] = useActionState(actions.disable, null);
  return (
    <div className="space-y-4">
      <p className="text-sm">
        Two-factor sign-in is on
        {status.enabledAt ? ` since ${new Date(status.enabledAt).toLocaleDateString()}` : ""}.{" "}
        {status.recoveryCodesLeft} recovery codes left.
      </p>
      {regenerated?.ok ? <RecoveryCodes codes={regenerated.data.recoveryCodes} /> : null}
      {regenerated && !regenerated.ok ? <Notice tone="error">{regenerated.error.message}</Notice> : null}
      <ProofForm action={regenerateAction} label="New recovery codes" submit="Make new recovery codes" />
      {disabled && !disabled.ok ? <Notice tone="error">{disabled.error.message}</Notice> : null}
      {status.required ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Your role requires two-factor sign-in, so it cannot be turned off.
        </p>
      ) : (
        <ProofForm action={disableAction} label="Turn off two-factor sign-in" submit="Turn off" />
      )}
    </div>
  );
}

export function TwoFactorSection({
  status,
  actions,
  mustEnrol,
}: {
  status: TwoFactorStatusView;
  actions: TwoFactorActions;
  mustEnrol: boolean;
}) {
  return (
    <div className="space-y-4">
      {mustEnrol ? (
        <Notice tone="info">Your role requires two-factor sign-in. Set it up to continue.</Notice>
      ) : null}
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        After your password, sign-in asks for a code from an authenticator app (or one of your recovery
        codes).
      </p>
      {status.enabled ? <Manage status={status} actions={actions} /> : <Enrol actions={actions} />}
    </div>
  );
}
