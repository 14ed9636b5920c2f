-- Custom roles (issue 14). Hand-edited from Prisma's output, which dropped and re-added the "role"
-- columns (losing every user's role): they change type in place instead, from the enum to a role id.

-- AlterTable
ALTER TABLE "OneTimeToken" ALTER COLUMN "role" TYPE TEXT USING "role"::text;

-- AlterTable
ALTER TABLE "ServerAccess" ADD COLUMN     "roleId" TEXT;

-- AlterTable
ALTER TABLE "User" ALTER COLUMN "role" TYPE TEXT USING "role"::text;

-- DropEnum (before the table: a PostgreSQL table brings a type of its own name)
DROP TYPE "Role";

-- CreateTable
CREATE TABLE "Role" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "builtIn" BOOLEAN NOT NULL DEFAULT false,
    "permissions" TEXT NOT NULL DEFAULT '[]',
    "requireTwoFactor" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Role_pkey" PRIMARY KEY ("id")
);

-- The four built-in roles: their ids are their names, their permissions live in the code.
INSERT INTO "Role" ("id", "name", "description", "builtIn", "updatedAt") VALUES
    ('OWNER', 'Owner', 'Everything, on every server.', true, CURRENT_TIMESTAMP),
    ('ADMIN', 'Admin', 'Servers, console, bans, team and audit.', true, CURRENT_TIMESTAMP),
    ('MODERATOR', 'Moderator', 'Players: kick, message, ban, notes, warnings.', true, CURRENT_TIMESTAMP),
    ('VIEWER', 'Viewer', 'Read-only.', true, CURRENT_TIMESTAMP);

-- CreateIndex
CREATE UNIQUE INDEX "Role_name_key" ON "Role"("name");

-- CreateIndex
CREATE INDEX "ServerAccess_roleId_idx" ON "ServerAccess"("roleId");

-- CreateIndex
CREATE INDEX "User_role_idx" ON "User"("role");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_role_fkey" FOREIGN KEY ("role") REFERENCES "Role"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServerAccess" ADD CONSTRAINT "ServerAccess_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OneTimeToken" ADD CONSTRAINT "OneTimeToken_role_fkey" FOREIGN KEY ("role") REFERENCES "Role"("id") ON DELETE CASCADE ON UPDATE CASCADE;
