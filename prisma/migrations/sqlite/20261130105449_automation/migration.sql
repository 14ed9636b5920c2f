-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "automation" TEXT;

-- CreateTable
CREATE TABLE "AutomationSchedule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "cron" TEXT,
    "everyMinutes" INTEGER,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "allServers" BOOLEAN NOT NULL DEFAULT false,
    "action" TEXT NOT NULL,
    "missedRuns" TEXT NOT NULL DEFAULT 'skip',
    "rotation" INTEGER NOT NULL DEFAULT 0,
    "lastDueAt" DATETIME,
    "ownerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AutomationSchedule_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AutomationScheduleServer" (
    "scheduleId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,

    PRIMARY KEY ("scheduleId", "serverId"),
    CONSTRAINT "AutomationScheduleServer_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "AutomationSchedule" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AutomationScheduleServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AutomationRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "scheduleId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "state" TEXT NOT NULL,
    "detail" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "cancelledById" TEXT,
    CONSTRAINT "AutomationRun_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "AutomationSchedule" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AutomationRun_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AutomationTrigger" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "event" TEXT NOT NULL,
    "match" TEXT NOT NULL DEFAULT '{}',
    "conditions" TEXT NOT NULL DEFAULT '{}',
    "action" TEXT NOT NULL,
    "cooldownSeconds" INTEGER NOT NULL DEFAULT 60,
    "perPlayerLimit" INTEGER,
    "perPlayerWindowSeconds" INTEGER NOT NULL DEFAULT 3600,
    "allServers" BOOLEAN NOT NULL DEFAULT false,
    "ownerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AutomationTrigger_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AutomationTriggerServer" (
    "triggerId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,

    PRIMARY KEY ("triggerId", "serverId"),
    CONSTRAINT "AutomationTriggerServer_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "AutomationTrigger" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AutomationTriggerServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AutomationFiring" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "triggerId" TEXT NOT NULL,
    "serverId" TEXT,
    "playerKey" TEXT,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AutomationFiring_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "AutomationTrigger" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AutomationFiring_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Webhook" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "urlEncrypted" TEXT NOT NULL,
    "events" TEXT NOT NULL DEFAULT '[]',
    "chatFilter" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "allServers" BOOLEAN NOT NULL DEFAULT false,
    "ownerId" TEXT,
    "lastSuccessAt" DATETIME,
    "lastFailureAt" DATETIME,
    "lastError" TEXT,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Webhook_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookServer" (
    "webhookId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,

    PRIMARY KEY ("webhookId", "serverId"),
    CONSTRAINT "WebhookServer_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "WebhookServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "webhookId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "WebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "AutomationSchedule_name_key" ON "AutomationSchedule"("name");

-- CreateIndex
CREATE INDEX "AutomationScheduleServer_serverId_idx" ON "AutomationScheduleServer"("serverId");

-- CreateIndex
CREATE INDEX "AutomationRun_state_idx" ON "AutomationRun"("state");

-- CreateIndex
CREATE INDEX "AutomationRun_serverId_startedAt_idx" ON "AutomationRun"("serverId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AutomationRun_scheduleId_serverId_dueAt_key" ON "AutomationRun"("scheduleId", "serverId", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "AutomationTrigger_name_key" ON "AutomationTrigger"("name");

-- CreateIndex
CREATE INDEX "AutomationTriggerServer_serverId_idx" ON "AutomationTriggerServer"("serverId");

-- CreateIndex
CREATE INDEX "AutomationFiring_triggerId_createdAt_idx" ON "AutomationFiring"("triggerId", "createdAt");

-- CreateIndex
CREATE INDEX "AutomationFiring_triggerId_playerKey_createdAt_idx" ON "AutomationFiring"("triggerId", "playerKey", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Webhook_name_key" ON "Webhook"("name");

-- CreateIndex
CREATE INDEX "WebhookServer_serverId_idx" ON "WebhookServer"("serverId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_webhookId_createdAt_idx" ON "WebhookDelivery"("webhookId", "createdAt");


