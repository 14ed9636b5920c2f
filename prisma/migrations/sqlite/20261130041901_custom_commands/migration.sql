-- CreateTable
CREATE TABLE "CustomCommand" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "arguments" TEXT NOT NULL DEFAULT '[]',
    "templates" TEXT NOT NULL DEFAULT '{}',
    "dangerous" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CustomCommand_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CustomCommandRole" (
    "commandId" TEXT NOT NULL,
    "roleId" TEXT NOT NULL,

    PRIMARY KEY ("commandId", "roleId"),
    CONSTRAINT "CustomCommandRole_commandId_fkey" FOREIGN KEY ("commandId") REFERENCES "CustomCommand" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CustomCommandRole_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CustomCommand_name_key" ON "CustomCommand"("name");

-- CreateIndex
CREATE INDEX "CustomCommandRole_roleId_idx" ON "CustomCommandRole"("roleId");


