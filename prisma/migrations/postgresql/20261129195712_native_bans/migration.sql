-- CreateTable
CREATE TABLE "NativeBan" (
    "id" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "nativeKind" TEXT NOT NULL,
    "nativeValue" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "minutesLeft" INTEGER,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "removeRequestedAt" TIMESTAMP(3),
    "removeError" TEXT,

    CONSTRAINT "NativeBan_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "NativeBan_serverId_lastSeenAt_idx" ON "NativeBan"("serverId", "lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "NativeBan_serverId_nativeKind_nativeValue_key" ON "NativeBan"("serverId", "nativeKind", "nativeValue");

-- AddForeignKey
ALTER TABLE "NativeBan" ADD CONSTRAINT "NativeBan_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;


