-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "automation" TEXT;

-- CreateTable
CREATE TABLE "AutomationSchedule" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "cron" TEXT,
    "everyMinutes" INTEGER,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "allServers" BOOLEAN NOT NULL DEFAULT false,
    "action" TEXT NOT NULL,
    "missedRuns" TEXT NOT NULL DEFAULT 'skip',
    "rotation" INTEGER NOT NULL DEFAULT 0,
    "lastDueAt" TIMESTAMP(3),
    "ownerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutomationSchedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationScheduleServer" (
    "scheduleId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,

    CONSTRAINT "AutomationScheduleServer_pkey" PRIMARY KEY ("scheduleId","serverId")
);

-- CreateTable
CREATE TABLE "AutomationRun" (
    "id" TEXT NOT NULL,
    "scheduleId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "state" TEXT NOT NULL,
    "detail" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "cancelledById" TEXT,

    CONSTRAINT "AutomationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationTrigger" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutomationTrigger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationTriggerServer" (
    "triggerId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,

    CONSTRAINT "AutomationTriggerServer_pkey" PRIMARY KEY ("triggerId","serverId")
);

-- CreateTable
CREATE TABLE "AutomationFiring" (
    "id" TEXT NOT NULL,
    "triggerId" TEXT NOT NULL,
    "serverId" TEXT,
    "playerKey" TEXT,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutomationFiring_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Webhook" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "urlEncrypted" TEXT NOT NULL,
    "events" TEXT NOT NULL DEFAULT '[]',
    "chatFilter" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "allServers" BOOLEAN NOT NULL DEFAULT false,
    "ownerId" TEXT,
    "lastSuccessAt" TIMESTAMP(3),
    "lastFailureAt" TIMESTAMP(3),
    "lastError" TEXT,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookServer" (
    "webhookId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,

    CONSTRAINT "WebhookServer_pkey" PRIMARY KEY ("webhookId","serverId")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "AutomationSchedule" ADD CONSTRAINT "AutomationSchedule_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationScheduleServer" ADD CONSTRAINT "AutomationScheduleServer_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "AutomationSchedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationScheduleServer" ADD CONSTRAINT "AutomationScheduleServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationRun" ADD CONSTRAINT "AutomationRun_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "AutomationSchedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationRun" ADD CONSTRAINT "AutomationRun_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationTrigger" ADD CONSTRAINT "AutomationTrigger_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationTriggerServer" ADD CONSTRAINT "AutomationTriggerServer_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "AutomationTrigger"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationTriggerServer" ADD CONSTRAINT "AutomationTriggerServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationFiring" ADD CONSTRAINT "AutomationFiring_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "AutomationTrigger"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationFiring" ADD CONSTRAINT "AutomationFiring_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Webhook" ADD CONSTRAINT "Webhook_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookServer" ADD CONSTRAINT "WebhookServer_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookServer" ADD CONSTRAINT "WebhookServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;


