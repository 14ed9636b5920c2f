-- CreateTable
CREATE TABLE "CommandRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "roleId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "effect" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "args" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CommandRule_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CommandRule_roleId_position_idx" ON "CommandRule"("roleId", "position");


