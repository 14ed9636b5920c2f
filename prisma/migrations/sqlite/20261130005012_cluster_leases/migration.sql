-- CreateTable
CREATE TABLE "ServerLease" (
    "serverId" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "acquiredAt" DATETIME NOT NULL,
    CONSTRAINT "ServerLease_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClusterInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "startedAt" DATETIME NOT NULL,
    "heartbeatAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ServerLease_ownerId_idx" ON "ServerLease"("ownerId");

-- CreateIndex
CREATE INDEX "ServerLease_expiresAt_idx" ON "ServerLease"("expiresAt");

-- CreateIndex
CREATE INDEX "ClusterInstance_heartbeatAt_idx" ON "ClusterInstance"("heartbeatAt");


