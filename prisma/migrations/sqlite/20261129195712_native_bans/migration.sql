-- CreateTable
CREATE TABLE "NativeBan" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serverId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "nativeKind" TEXT NOT NULL,
    "nativeValue" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "minutesLeft" INTEGER,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "removeRequestedAt" DATETIME,
    "removeError" TEXT,
    CONSTRAINT "NativeBan_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "NativeBan_serverId_lastSeenAt_idx" ON "NativeBan"("serverId", "lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "NativeBan_serverId_nativeKind_nativeValue_key" ON "NativeBan"("serverId", "nativeKind", "nativeValue");


