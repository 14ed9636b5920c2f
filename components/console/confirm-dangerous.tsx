"use client";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";

export interface PendingDangerous {
  command: string;
  /** The server's words: "This command is dangerous: quit: stops the game server process." */
  reason: string;
}

/** The second confirmation of a command the game marks dangerous; "Send anyway" re-sends it confirmed. */
export function ConfirmDangerous({
  pending,
  onCancel,
  onConfirm,
}: {
  pending: PendingDangerous | null;
  onCancel: () => void;
  onConfirm: (command: string) => void;
}) {
  return (
    <Dialog open={pending !== null} onClose={onCancel} title="Dangerous command">
      {pending ? (
        <>
          <p className="font-mono text-sm break-all">&gt; {pending.command}</p>
          <p className="text-sm">{pending.reason} Send it?</p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onCancel} autoFocus>
              Cancel
            </Button>
            <Button variant="danger" onClick={() => onConfirm(pending.command)}>
              Send anyway
            </Button>
          </div>
        </>
      ) : null}
    </Dialog>
  );
}
