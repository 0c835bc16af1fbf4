// The `mailings` queue as core sees it: one job per confirmed mailing (BullMQ in
// connectors/queue/mailing-queue.ts). The job queues the recipients on the outbound bulk lane,
// then looks at their outcomes every few seconds, edits the head's progress message and sends
// the final report (core/mailings/run-mailing.ts).
export interface MailingJobs {
  start(p: { workspaceId: number; mailingId: number }): Promise<void>;
}
