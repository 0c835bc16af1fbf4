-- CreateEnum
CREATE TYPE "ContactMergeStatus" AS ENUM ('proposed', 'declined', 'merged', 'undone');

-- AlterEnum
ALTER TYPE "LeadStatus" ADD VALUE 'merged';

-- CreateTable
CREATE TABLE "ContactMerge" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "keepId" INTEGER NOT NULL,
    "mergeId" INTEGER NOT NULL,
    "status" "ContactMergeStatus" NOT NULL DEFAULT 'proposed',
    "reason" TEXT NOT NULL,
    "matchedOn" TEXT,
    "proposedToUserId" INTEGER,
    "actorUserId" INTEGER,
    "moved" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),
    "undoneAt" TIMESTAMP(3),

    CONSTRAINT "ContactMerge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ContactMerge_workspaceId_keepId_idx" ON "ContactMerge"("workspaceId", "keepId");

-- CreateIndex
CREATE INDEX "ContactMerge_workspaceId_mergeId_idx" ON "ContactMerge"("workspaceId", "mergeId");

-- AddForeignKey
ALTER TABLE "ContactMerge" ADD CONSTRAINT "ContactMerge_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
