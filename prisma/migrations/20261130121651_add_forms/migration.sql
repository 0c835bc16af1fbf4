-- CreateTable
CREATE TABLE "WebForm" (
    "id" SERIAL NOT NULL,
    "workspaceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "formKey" TEXT NOT NULL,
    "redirectUrl" TEXT,
    "allowedOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "WebForm_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WebForm_formKey_key" ON "WebForm"("formKey");

-- CreateIndex
CREATE INDEX "WebForm_workspaceId_idx" ON "WebForm"("workspaceId");

-- AddForeignKey
ALTER TABLE "WebForm" ADD CONSTRAINT "WebForm_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
