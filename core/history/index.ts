// A customer's history as plain data (for chat, a Mini App or the API), and notes.
export { contactTimeline, activityKind, TIMELINE_KINDS, TIMELINE_PAGE_SIZE } from './timeline.js';
export type { TimelineEntry, TimelineKind, TimelinePage, TimelineOptions } from './timeline.js';
export { resolveSubject } from './subject.js';
export type { Subject, SubjectKind, ResolvedSubject } from './subject.js';
export { addNote, NOTE_MAX } from './notes.js';
