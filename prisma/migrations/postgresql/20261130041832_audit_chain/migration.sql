-- CreateTable
CREATE TABLE "AuditSeal" (
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "eventId" TEXT,
    "state" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditSeal_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "AuditSeal_eventId_idx" ON "AuditSeal"("eventId");


