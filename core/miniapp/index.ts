// The Mini App's use cases: who is signed in, the board and its moves, "mine", a contact's
// card, the head's figures, and the web-view tokens for users without Telegram initData.
export { miniAppMemberByIdentity, miniAppMemberById } from './member.js';
export { loadBoard, moveDealOnBoard, type Board, type BoardStage, type BoardDeal } from './board.js';
export { myWork, type MyLead, type MyTask } from './my-work.js';
export { contactCard, type ContactCard, type HistoryItem } from './contact-card.js';
export { teamFigures, type TeamFigures } from './figures.js';
export { issueWebToken, verifyWebToken, webViewUrl, type WebTokenCheck, type WebViewLinks } from './web-token.js';
