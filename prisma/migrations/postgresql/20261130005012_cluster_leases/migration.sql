-- CreateTable
CREATE TABLE "ServerLease" (
    "serverId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ServerLease_pkey" PRIMARY KEY ("serverId")
);

-- CreateTable
CREATE TABLE "ClusterInstance" (
    "id" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClusterInstance_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ServerLease_ownerId_idx" ON "ServerLease"("ownerId");

-- CreateIndex
CREATE INDEX "ServerLease_expiresAt_idx" ON "ServerLease"("expiresAt");

-- CreateIndex
CREATE INDEX "ClusterInstance_heartbeatAt_idx" ON "ClusterInstance"("heartbeatAt");

-- AddForeignKey
ALTER TABLE "ServerLease" ADD CONSTRAINT "ServerLease_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;


