-- CreateTable
CREATE TABLE "CommandRule" (
    "id" TEXT NOT NULL,
    "roleId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "effect" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "args" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CommandRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CommandRule_roleId_position_idx" ON "CommandRule"("roleId", "position");

-- AddForeignKey
ALTER TABLE "CommandRule" ADD CONSTRAINT "CommandRule_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role"("id") ON DELETE CASCADE ON UPDATE CASCADE;


